// signalfd and signalfd4, and reads of the fds they make: see signalfd.h.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signalfd.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

constexpr uint64_t kSigsetSize = 8;
constexpr uint64_t kSFD_CLOEXEC = abi::kO_CLOEXEC;
constexpr uint64_t kSFD_NONBLOCK = abi::kO_NONBLOCK;

// struct signalfd_siginfo: 128 bytes; the kill() fields filled here.
struct SignalfdSiginfo {
  uint32_t ssi_signo;
  int32_t ssi_errno;
  int32_t ssi_code;
  uint32_t ssi_pid;
  uint32_t ssi_uid;
  uint8_t rest[108];
};
static_assert(sizeof(SignalfdSiginfo) == 128);

int64_t MakeOrUpdate(int32_t fd, uint64_t mask_addr, uint64_t size, uint64_t flags) {
  if (size != kSigsetSize || (flags & ~(kSFD_CLOEXEC | kSFD_NONBLOCK)) != 0) return -abi::kEINVAL;
  uint64_t mask;
  if (int64_t r = user::CopyIn(&mask, mask_addr, sizeof mask); r < 0) return r;
  mask &= ~abi::kUnblockable;  // Linux ignores them in the mask
  if (fd != -1) {
    vfs::File* f = vfs::FileOf(fd);
    if (f == nullptr) return -abi::kEBADF;
    tmpfs::Inode* n = vfs::InodeOf(*f);
    if (n == nullptr || n->kind != tmpfs::Kind::kSignalFd) return -abi::kEINVAL;
    n->entries = mask;
    return fd;
  }
  const uint32_t ino = tmpfs::NewInode(tmpfs::Kind::kSignalFd, 0600, vfs::kDevPipe);
  if (ino == 0) return -abi::kENFILE;
  tmpfs::Inode* n = tmpfs::Get(ino);
  n->nlink = 0;
  n->entries = mask;
  const int64_t r = vfs::Install(ino, abi::kO_RDWR | (flags & (kSFD_CLOEXEC | kSFD_NONBLOCK)));
  if (r < 0) tmpfs::MaybeRelease(ino);
  return r;
}

}  // namespace

namespace signalfd {

bool Readable(const tmpfs::Inode& n) { return (signals::Pending() & n.entries) != 0; }

int64_t Read(const tmpfs::Inode& n, uint64_t buf, uint64_t len, bool nonblock) {
  if (len < sizeof(SignalfdSiginfo)) return -abi::kEINVAL;
  uint64_t done = 0;
  for (;;) {
    const uint32_t seen = __atomic_load_n(process::EventsWord(), __ATOMIC_ACQUIRE);
    process::TakeSignals();
    while (len - done >= sizeof(SignalfdSiginfo)) {
      const int sig = signals::Take(n.entries);
      if (sig == 0) break;
      SignalfdSiginfo si = {};
      si.ssi_signo = static_cast<uint32_t>(sig);
      si.ssi_code = abi::kSI_USER;
      if (int64_t r = user::CopyOut(buf + done, &si, sizeof si); r < 0) return r;
      done += sizeof si;
    }
    if (done > 0) return static_cast<int64_t>(done);
    if (nonblock) return -abi::kEAGAIN;
    if (signals::HandlerPending()) return -signals::kERESTARTSYS;
    sched::BlockOnWord(process::EventsWord(), seen);
  }
}

}  // namespace signalfd

// Signalfd implements Linux syscall signalfd(2): signalfd4 without flags.
int64_t sys_signalfd(hv_syscall_frame& f) {
  return MakeOrUpdate(Int(f.args[0]), f.args[1], f.args[2], 0);
}

// Signalfd4 implements Linux syscall signalfd4(2): SFD_CLOEXEC, SFD_NONBLOCK.
int64_t sys_signalfd4(hv_syscall_frame& f) {
  return MakeOrUpdate(Int(f.args[0]), f.args[1], f.args[2], f.args[3]);
}

}  // namespace hvrt
