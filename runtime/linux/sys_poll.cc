// poll and ppoll over the in-guest fds (runtime/vfs/vfs.h): readiness as it
// is now. They never wait: regular files (in-guest and host), directories,
// devices and the console are always ready (a console read then waits on the
// host), and a pipe is ready by its content and ends. With nothing ready the
// answer is 0 at once, whatever the timeout: nothing in one guest could make
// an fd ready meanwhile except another green thread, and poll does not park
// a thread (yet). busybox sh's `read` builtin polls its fd before each byte.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/signalfd.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// struct pollfd and its bits (<poll.h>).
struct Pollfd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(Pollfd) == 8);
constexpr int16_t kPOLLIN = 0x1;
constexpr int16_t kPOLLOUT = 0x4;
constexpr int16_t kPOLLERR = 0x8;
constexpr int16_t kPOLLHUP = 0x10;
constexpr int16_t kPOLLNVAL = 0x20;
constexpr int16_t kPOLLRDNORM = 0x40;
constexpr int16_t kPOLLWRNORM = 0x100;

// What fd (fd) is ready for now: POLL* bits before masking with events.
int16_t Ready(int32_t fd) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return kPOLLNVAL;
  tmpfs::Inode* n = vfs::InodeOf(*f);
  if (n != nullptr && n->kind == tmpfs::Kind::kSignalFd) {
    return signalfd::Readable(*n) ? kPOLLIN | kPOLLRDNORM : 0;
  }
  if (n == nullptr || n->kind != tmpfs::Kind::kPipe) {
    return kPOLLIN | kPOLLRDNORM | kPOLLOUT | kPOLLWRNORM;
  }
  uint64_t acc = f->flags & abi::kO_ACCMODE;
  int16_t r = 0;
  if (acc != abi::kO_WRONLY) {
    if (n->size > 0) r |= kPOLLIN | kPOLLRDNORM;
    if (n->writers == 0) r |= kPOLLHUP;
  }
  if (acc != abi::kO_RDONLY) {
    if (n->readers == 0) {
      r |= kPOLLERR;
    } else if (n->size < n->entries) {
      r |= kPOLLOUT | kPOLLWRNORM;
    }
  }
  return r;
}

int64_t Poll(uint64_t fds, uint64_t nfds) {
  if (nfds > static_cast<uint64_t>(vfs::kMaxFds)) return -abi::kEINVAL;  // RLIMIT_NOFILE
  if (!user::RangeOk(fds, nfds * sizeof(Pollfd))) return -abi::kEFAULT;
  int64_t ready = 0;
  for (uint64_t i = 0; i < nfds; i++) {
    Pollfd p;
    uint64_t at = fds + i * sizeof p;
    if (int64_t r = user::CopyIn(&p, at, sizeof p); r < 0) return r;
    // Negative fds are skipped; ERR, HUP and NVAL are reported unasked.
    p.revents =
        p.fd < 0 ? 0
                 : static_cast<int16_t>(Ready(p.fd) & (p.events | kPOLLERR | kPOLLHUP | kPOLLNVAL));
    if (p.revents != 0) ready++;
    if (int64_t r = user::CopyOut(at, &p, sizeof p); r < 0) return r;
  }
  return ready;
}

}  // namespace

// Poll implements Linux syscall poll(2): see the top of this file.
int64_t sys_poll(hv_syscall_frame& f) { return Poll(f.args[0], f.args[1]); }

// Ppoll implements Linux syscall ppoll(2) like poll; the timeout is checked
// (EFAULT, EINVAL) and the signal mask ignored (no signal is ever delivered
// during it).
int64_t sys_ppoll(hv_syscall_frame& f) {
  if (f.args[2] != 0) {
    abi::Timespec ts;
    if (int64_t r = user::CopyIn(&ts, f.args[2], sizeof ts); r < 0) return r;
    if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
  }
  return Poll(f.args[0], f.args[1]);
}

}  // namespace hvrt
