// timerfd: a timerfd is a host timerfd that hvrun keeps (HV_CALL_TIMERFD,
// abi.h), as an unnamed stream inode like an eventfd's: its reads (8 bytes,
// the expirations) go through the host stream path, so a blocking read
// waits on the host, and it sits in poll and epoll sets beside sockets.
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

constexpr uint32_t kTFD_NONBLOCK = 04000, kTFD_CLOEXEC = 02000000;
static_assert(kTFD_NONBLOCK == abi::kO_NONBLOCK && kTFD_CLOEXEC == abi::kO_CLOEXEC);
constexpr uint32_t kTFD_TIMER_ABSTIME = 1, kTFD_TIMER_CANCEL_ON_SET = 2;

// The host handle behind timerfd (fd): -EBADF, -EINVAL (not a timerfd:
// hvrun's call on a handle that is not one fails as Linux's does), or 0.
int64_t HandleOf(int32_t fd, uint32_t* handle) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  tmpfs::Inode* n = vfs::InodeOf(*f);
  if (n == nullptr || n->kind != tmpfs::Kind::kHost || n->pipe_head == 0 || !abi::IsAnon(n->mode)) {
    return -abi::kEINVAL;
  }
  *handle = static_cast<uint32_t>(n->pipe_head - 1);
  return 0;
}

}  // namespace

// TimerfdCreate implements Linux syscall timerfd_create(2).
int64_t sys_timerfd_create(hv_syscall_frame& f) {
  const uint32_t flags = static_cast<uint32_t>(f.args[1]);
  if ((flags & ~(kTFD_NONBLOCK | kTFD_CLOEXEC)) != 0) return -abi::kEINVAL;
  hv_timerfd t = {};
  t.op = HV_TIMERFD_CREATE;
  t.clockid = static_cast<uint32_t>(f.args[0]);
  const int64_t h = hv::Call(HV_CALL_TIMERFD, &t);
  if (h < 0) return h;
  // Mode 0600 and no file type: Linux's anonymous inode.
  return vfs::InstallHostHandle(static_cast<uint32_t>(h), 0600,
                                abi::kO_RDWR | abi::FdFlagsOf(flags));
}

// TimerfdSettime implements Linux syscall timerfd_settime(2).
int64_t sys_timerfd_settime(hv_syscall_frame& f) {
  const uint32_t flags = static_cast<uint32_t>(f.args[1]);
  if ((flags & ~(kTFD_TIMER_ABSTIME | kTFD_TIMER_CANCEL_ON_SET)) != 0) return -abi::kEINVAL;
  hv_timerfd t = {};
  if (int64_t r = HandleOf(Int(f.args[0]), &t.handle); r < 0) return r;
  // hvrun reads and writes the itimerspecs; the checks here keep it from
  // writing into memory the app could not write itself.
  if (!user::RangeOk(f.args[2], 32)) return -abi::kEFAULT;
  if (f.args[3] != 0 && !user::WriteOk(f.args[3], 32)) return -abi::kEFAULT;
  t.op = HV_TIMERFD_SETTIME;
  t.flags = flags;
  t.value = f.args[2];
  t.old = f.args[3];
  return hv::Call(HV_CALL_TIMERFD, &t);
}

// TimerfdGettime implements Linux syscall timerfd_gettime(2).
int64_t sys_timerfd_gettime(hv_syscall_frame& f) {
  hv_timerfd t = {};
  if (int64_t r = HandleOf(Int(f.args[0]), &t.handle); r < 0) return r;
  if (!user::WriteOk(f.args[1], 32)) return -abi::kEFAULT;
  t.op = HV_TIMERFD_GETTIME;
  t.value = f.args[1];
  return hv::Call(HV_CALL_TIMERFD, &t);
}

}  // namespace hvrt
