// socketpair(2) and the calls on its sockets (send, recv, shutdown): a pair
// of connected AF_UNIX sockets made by hvrun on the host (vfs::SocketPair),
// shared across fork like a host pipe; eventfd(2), a host eventfd likewise. socket(2) itself,
// addresses, sendmsg/recvmsg and socket options are not here yet (-ENOSYS).
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

constexpr uint32_t kAF_UNIX = 1, kAF_INET = 2, kAF_INET6 = 10;
constexpr uint32_t kSOCK_STREAM = 1, kSOCK_DGRAM = 2, kSOCK_SEQPACKET = 5;
constexpr uint32_t kSOCK_TYPE_MASK = 0xf;
constexpr uint32_t kSOCK_NONBLOCK = 04000, kSOCK_CLOEXEC = 02000000;
constexpr uint32_t kMSG_DONTWAIT = 0x40, kMSG_WAITALL = 0x100, kMSG_NOSIGNAL = 0x4000;

// The socket behind (fd): -EBADF, -ENOTSOCK, or 0 with (*n) and (*f) set.
int64_t SocketOf(int32_t fd, vfs::File** f, tmpfs::Inode** n) {
  *f = vfs::FileOf(fd);
  if (*f == nullptr) return -abi::kEBADF;
  *n = vfs::InodeOf(**f);
  if (*n == nullptr || (*n)->kind != tmpfs::Kind::kHost || !abi::IsSock((*n)->mode)) {
    return -abi::kENOTSOCK;
  }
  return 0;
}

// send/recv on socket (fd): a blocking send puts all of (buf) in (a stream
// takes it in pieces), a recv takes what is there (MSG_WAITALL: until
// (len) on a stream, or its end); a send to a closed peer raises SIGPIPE
// unless MSG_NOSIGNAL.
int64_t Transfer(int32_t fd, bool send, uint64_t buf, uint64_t len, uint32_t flags) {
  vfs::File* f;
  tmpfs::Inode* n;
  if (int64_t r = SocketOf(fd, &f, &n); r < 0) return r;
  if ((flags & ~(kMSG_DONTWAIT | kMSG_NOSIGNAL | (send ? 0 : kMSG_WAITALL))) != 0) {
    return -abi::kEOPNOTSUPP;
  }
  if (len > 0x7ffff000) len = 0x7ffff000;  // Linux's MAX_RW_COUNT
  if (!user::RangeOk(buf, len)) return -abi::kEFAULT;
  const bool nonblock = (f->flags & abi::kO_NONBLOCK) != 0 || (flags & kMSG_DONTWAIT) != 0;
  const bool all = send || (flags & kMSG_WAITALL) != 0;
  uint64_t done = 0;
  int64_t r = 0;
  do {
    r = hostfs::StreamIo(*n, send, buf + done, len - done, nonblock);
    if (r > 0) done += static_cast<uint64_t>(r);
  } while (all && !nonblock && r > 0 && done < len);
  if (send && r == -abi::kEPIPE && (flags & kMSG_NOSIGNAL) == 0) signals::Send(abi::kSIGPIPE);
  return done > 0 ? static_cast<int64_t>(done) : r;
}

}  // namespace

// Socketpair implements Linux syscall socketpair(2) for AF_UNIX.
int64_t sys_socketpair(hv_syscall_frame& f) {
  const uint32_t domain = static_cast<uint32_t>(f.args[0]);
  const uint32_t type = static_cast<uint32_t>(f.args[1]);
  const uint32_t protocol = static_cast<uint32_t>(f.args[2]);
  const uint32_t kind = type & kSOCK_TYPE_MASK;
  if ((type & ~(kSOCK_TYPE_MASK | kSOCK_NONBLOCK | kSOCK_CLOEXEC)) != 0) return -abi::kEINVAL;
  // Linux: the IP families have no socketpair; others are unknown here.
  if (domain == kAF_INET || domain == kAF_INET6) return -abi::kEOPNOTSUPP;
  if (domain != kAF_UNIX) return -abi::kEAFNOSUPPORT;
  if (kind != kSOCK_STREAM && kind != kSOCK_DGRAM && kind != kSOCK_SEQPACKET) {
    return -abi::kEPROTONOSUPPORT;
  }
  if (protocol != 0) return -abi::kEPROTONOSUPPORT;
  if (!user::WriteOk(f.args[3], 8)) return -abi::kEFAULT;
  int32_t fds[2];
  const uint64_t flags = ((type & kSOCK_NONBLOCK) != 0 ? abi::kO_NONBLOCK : 0) |
                         ((type & kSOCK_CLOEXEC) != 0 ? abi::kO_CLOEXEC : 0);
  if (int64_t r = vfs::SocketPair(kind, flags, fds); r < 0) return r;
  return user::CopyOut(f.args[3], fds, sizeof fds);
}

// Sendto implements Linux syscall sendto(2) on a connected socket: no
// address (-EISCONN with one).
int64_t sys_sendto(hv_syscall_frame& f) {
  if (f.args[4] != 0) {
    vfs::File* file;
    tmpfs::Inode* n;
    if (int64_t r = SocketOf(Int(f.args[0]), &file, &n); r < 0) return r;
    return -abi::kEISCONN;
  }
  return Transfer(Int(f.args[0]), true, f.args[1], f.args[2], static_cast<uint32_t>(f.args[3]));
}

// Recvfrom implements Linux syscall recvfrom(2); the peer of a socketpair
// is unnamed: its address is empty (length 0), as Linux reports it.
int64_t sys_recvfrom(hv_syscall_frame& f) {
  const uint64_t addr = f.args[4], addrlen = f.args[5];
  int64_t r =
      Transfer(Int(f.args[0]), false, f.args[1], f.args[2], static_cast<uint32_t>(f.args[3]));
  if (r < 0 || addr == 0 || addrlen == 0) return r;
  int32_t room;
  if (int64_t e = user::CopyIn(&room, addrlen, sizeof room); e < 0) return e;
  if (room < 0) return -abi::kEINVAL;
  const int32_t len = 0;
  if (int64_t e = user::CopyOut(addrlen, &len, sizeof len); e < 0) return e;
  return r;
}

// Eventfd2 implements Linux syscall eventfd2(2): a host eventfd, shared
// across fork; EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
int64_t sys_eventfd2(hv_syscall_frame& f) {
  constexpr uint32_t kEFD_SEMAPHORE = 1, kEFD_NONBLOCK = 04000, kEFD_CLOEXEC = 02000000;
  const uint32_t flags = static_cast<uint32_t>(f.args[1]);
  if ((flags & ~(kEFD_SEMAPHORE | kEFD_NONBLOCK | kEFD_CLOEXEC)) != 0) return -abi::kEINVAL;
  return vfs::Eventfd(static_cast<uint32_t>(f.args[0]), (flags & kEFD_SEMAPHORE) != 0,
                      ((flags & kEFD_NONBLOCK) != 0 ? abi::kO_NONBLOCK : 0) |
                          ((flags & kEFD_CLOEXEC) != 0 ? abi::kO_CLOEXEC : 0));
}

// Eventfd implements Linux syscall eventfd(2): eventfd2 without flags.
int64_t sys_eventfd(hv_syscall_frame& f) {
  f.args[1] = 0;
  return sys_eventfd2(f);
}

// Shutdown implements Linux syscall shutdown(2).
int64_t sys_shutdown(hv_syscall_frame& f) {
  vfs::File* file;
  tmpfs::Inode* n;
  if (int64_t r = SocketOf(Int(f.args[0]), &file, &n); r < 0) return r;
  const uint64_t how = static_cast<uint32_t>(f.args[1]);
  if (how > 2) return -abi::kEINVAL;
  return hostfs::FdOp(*n, HV_FDOP_SHUTDOWN, 0, how, 0);
}

}  // namespace hvrt
