// epoll: an epoll instance is a host epoll fd that hvrun keeps
// (HV_CALL_EPOLL, abi.h): host streams (sockets, pipes, FIFOs, eventfds,
// other epolls) are watched by the host kernel itself, with Linux's level,
// edge, one-shot and exclusive semantics, and a wait costs one host call
// however many fds sit idle. The epoll fd is a host stream handle like any
// other, readable while events are ready: a wait polls it (host_ready.h),
// so only the calling thread waits, in slices between which signals end it.
//
// What is not a host stream lives in the runtime (a signalfd, the guest's
// own pipes, the console): up to kMaxLocal such members in all, kept here
// and looked at on each wait, level-triggered (EPOLLET is taken as level,
// EPOLLONESHOT disarms as on Linux); a wait with any of them uses short
// slices. A regular file or directory is EPERM, as on Linux.
#include "runtime/hv/clock.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/epoll_local.h"
#include "runtime/linux/host_ready.h"
#include "runtime/linux/local_ready.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

constexpr uint32_t kEPOLL_CLOEXEC = 02000000;
static_assert(kEPOLL_CLOEXEC == abi::kO_CLOEXEC);
constexpr uint32_t kEPOLL_CTL_ADD = 1, kEPOLL_CTL_DEL = 2, kEPOLL_CTL_MOD = 3;
constexpr uint32_t kEPOLLIN = 0x1, kEPOLLERR = 0x8, kEPOLLHUP = 0x10;
constexpr uint32_t kEPOLLONESHOT = 1u << 30;
constexpr int64_t kShortSlice = 2 * 1000 * 1000;  // ns

// x86-64's struct epoll_event: packed, 12 bytes.
struct __attribute__((packed)) EpollEvent {
  uint32_t events;
  uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);

// A member that is not a host stream.
struct Local {
  uint32_t epoll;  // the epoll's inode number; 0: a free slot
  int32_t fd;
  const vfs::File* file;  // which description (the fd may be reused)
  uint32_t events;
  uint64_t data;
};
constexpr int kMaxLocal = 64;
Local g_local[kMaxLocal];

struct Epoll {
  tmpfs::Inode* n;
  uint32_t ino;
  uint32_t handle;
};

// The epoll behind (fd): -EBADF, -EINVAL (not an epoll: hvrun checks the
// handle on each call), or 0.
int64_t EpollOf(int32_t fd, Epoll* e) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  e->n = vfs::InodeOf(*f);
  if (e->n == nullptr || e->n->kind != tmpfs::Kind::kHost || e->n->pipe_head == 0 ||
      !abi::IsAnon(e->n->mode)) {
    return -abi::kEINVAL;
  }
  e->ino = tmpfs::NumberOf(*e->n);
  e->handle = static_cast<uint32_t>(e->n->pipe_head - 1);
  return 0;
}

// What a local member is ready for now (EPOLL* bits).
uint32_t LocalReady(const Local& m) {
  vfs::File* f = vfs::FileOf(m.fd);
  if (f == nullptr || f != m.file) return 0;  // closed: Linux forgets it too
  return local_ready::Of(*f, vfs::InodeOf(*f));
}

// Writes the ready local members of epoll (ino) to (out) (room (max));
// returns how many; (*any): it has local members at all.
int64_t TakeLocal(uint32_t ino, uint64_t out, int64_t max, bool* any) {
  *any = false;
  int64_t n = 0;
  for (Local& m : g_local) {
    if (m.epoll != ino) continue;
    *any = true;
    if (n >= max) break;
    const uint32_t ready = LocalReady(m) & (m.events | kEPOLLERR | kEPOLLHUP);
    if (ready == 0) continue;
    EpollEvent ev = {ready, m.data};
    if (int64_t r = user::CopyOut(out + static_cast<uint64_t>(n) * sizeof ev, &ev, sizeof ev);
        r < 0) {
      return r;
    }
    if (m.events & kEPOLLONESHOT) m.events = 0;
    n++;
  }
  return n;
}

// Whether inode (ino) is still an epoll's (its fd may have been closed and
// the number given to another file since).
bool LiveEpoll(uint32_t ino) {
  const tmpfs::Inode* n = tmpfs::Get(ino);
  return n != nullptr && n->kind == tmpfs::Kind::kHost && n->pipe_head != 0 &&
         abi::IsAnon(n->mode) && n->opens > 0;
}

int64_t LocalCtl(const Epoll& e, uint32_t op, int32_t fd, const vfs::File* f,
                 const EpollEvent& ev) {
  // The members of epolls closed since are free again.
  for (Local& m : g_local) {
    if (m.epoll != 0 && !LiveEpoll(m.epoll)) m = {};
  }
  Local* found = nullptr;
  Local* free_slot = nullptr;
  for (Local& m : g_local) {
    if (m.epoll == e.ino && m.fd == fd && m.file == f) found = &m;
    if (m.epoll == 0 && free_slot == nullptr) free_slot = &m;
  }
  if (op == kEPOLL_CTL_ADD) {
    if (found != nullptr) return -abi::kEEXIST;
    if (free_slot == nullptr) return -abi::kENOSPC;
    *free_slot = {e.ino, fd, f, ev.events, ev.data};
    return 0;
  }
  if (found == nullptr) return -abi::kENOENT;
  if (op == kEPOLL_CTL_DEL) {
    *found = {};
  } else {
    found->events = ev.events;
    found->data = ev.data;
  }
  return 0;
}

// epoll_wait until CLOCK_MONOTONIC (deadline).
int64_t Wait(int32_t epfd, uint64_t events, int32_t maxevents, int64_t deadline) {
  Epoll e;
  if (int64_t r = EpollOf(epfd, &e); r < 0) return r;
  if (maxevents <= 0 || static_cast<uint64_t>(maxevents) > 0x7fffffffu / sizeof(EpollEvent)) {
    return -abi::kEINVAL;
  }
  const uint64_t max = static_cast<uint64_t>(maxevents) < HV_EPOLL_MAX
                           ? static_cast<uint64_t>(maxevents)
                           : HV_EPOLL_MAX;
  // (Linux faults only when it has an event to copy out: hvrun's WAIT
  // checks its range then too.)
  if (events != 0 && !user::WriteOk(events, max * sizeof(EpollEvent))) return -abi::kEFAULT;
  for (;;) {
    bool any_local;
    int64_t n = TakeLocal(e.ino, events, static_cast<int64_t>(max), &any_local);
    if (n < 0) return n;
    if (static_cast<uint64_t>(n) < max) {
      hv_epoll w = {};
      w.op = HV_EPOLL_WAIT;
      w.handle = e.handle;
      w.max = static_cast<uint32_t>(max - static_cast<uint64_t>(n));
      w.out = events + static_cast<uint64_t>(n) * sizeof(EpollEvent);
      const int64_t got = hv::Call(HV_CALL_EPOLL, &w);
      if (got < 0) return got;
      n += got;
    }
    if (n > 0) return n;
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (now >= deadline) return 0;
    const int64_t slice = any_local ? kShortSlice : host_ready::kSlice;
    const int64_t until = deadline - now > slice ? now + slice : deadline;
    const int64_t r = host_ready::WaitOne(e.handle, static_cast<int16_t>(kEPOLLIN), until);
    if (r < 0 && r != -abi::kEAGAIN) {
      // A signal: Linux never restarts epoll_wait.
      return r == -signals::kERESTARTSYS ? -abi::kEINTR : r;
    }
    process::TakeSignals();
    if (signals::HandlerPending()) return -abi::kEINTR;
  }
}

int64_t MsDeadline(int32_t ms) {
  return ms < 0 ? sched::kForever
                : static_cast<int64_t>(clock::MonotonicNs()) + static_cast<int64_t>(ms) * 1000000;
}

}  // namespace

bool epoll_local::Readable(uint32_t ino) {
  for (const Local& m : g_local) {
    if (m.epoll == ino && (LocalReady(m) & (m.events | kEPOLLERR | kEPOLLHUP)) != 0) return true;
  }
  return false;
}

// EpollCreate1 implements Linux syscall epoll_create1(2).
int64_t sys_epoll_create1(hv_syscall_frame& f) {
  const uint32_t flags = static_cast<uint32_t>(f.args[0]);
  if ((flags & ~kEPOLL_CLOEXEC) != 0) return -abi::kEINVAL;
  hv_epoll c = {};
  c.op = HV_EPOLL_CREATE;
  const int64_t h = hv::Call(HV_CALL_EPOLL, &c);
  if (h < 0) return h;
  // Mode 0600 and no file type: Linux's anonymous inode.
  const int64_t fd =
      vfs::InstallHostHandle(static_cast<uint32_t>(h), 0600, abi::kO_RDWR | abi::FdFlagsOf(flags));
  if (fd < 0) return fd;
  // A fresh inode number: whatever members an epoll of that number had are gone.
  const uint32_t ino = tmpfs::NumberOf(*vfs::InodeOf(*vfs::FileOf(static_cast<int32_t>(fd))));
  for (Local& m : g_local) {
    if (m.epoll == ino) m = {};
  }
  return fd;
}

// EpollCreate implements Linux syscall epoll_create(2): size must be > 0.
int64_t sys_epoll_create(hv_syscall_frame& f) {
  if (Int(f.args[0]) <= 0) return -abi::kEINVAL;
  f.args[0] = 0;
  return sys_epoll_create1(f);
}

// EpollCtl implements Linux syscall epoll_ctl(2).
int64_t sys_epoll_ctl(hv_syscall_frame& f) {
  const int32_t epfd = Int(f.args[0]), fd = Int(f.args[2]);
  const uint32_t op = static_cast<uint32_t>(f.args[1]);
  Epoll e;
  vfs::File* target = vfs::FileOf(fd);
  if (vfs::FileOf(epfd) == nullptr || target == nullptr) return -abi::kEBADF;
  if (int64_t r = EpollOf(epfd, &e); r < 0) return r;
  if (op != kEPOLL_CTL_ADD && op != kEPOLL_CTL_DEL && op != kEPOLL_CTL_MOD) return -abi::kEINVAL;
  if (fd == epfd) return -abi::kEINVAL;
  EpollEvent ev = {};
  if (op != kEPOLL_CTL_DEL) {
    if (int64_t r = user::CopyIn(&ev, f.args[3], sizeof ev); r < 0) return r;
  }
  tmpfs::Inode* n = vfs::InodeOf(*target);
  if (n != nullptr && n->kind == tmpfs::Kind::kHost && n->pipe_head != 0 &&
      abi::IsStream(n->mode)) {
    hv_epoll c = {};
    c.op = HV_EPOLL_CTL;
    c.handle = e.handle;
    c.ctl = op;
    c.target = static_cast<uint32_t>(n->pipe_head - 1);
    c.events = ev.events;
    c.data = ev.data;
    return hv::Call(HV_CALL_EPOLL, &c);
  }
  if (n != nullptr && (n->kind == tmpfs::Kind::kSignalFd || n->kind == tmpfs::Kind::kPipe ||
                       n->kind == tmpfs::Kind::kConsole)) {
    return LocalCtl(e, op, fd, target, ev);
  }
  return -abi::kEPERM;  // regular files and directories: never "ready" to epoll
}

// EpollWait implements Linux syscall epoll_wait(2).
int64_t sys_epoll_wait(hv_syscall_frame& f) {
  return Wait(Int(f.args[0]), f.args[1], Int(f.args[2]), MsDeadline(Int(f.args[3])));
}

// EpollPwait implements Linux syscall epoll_pwait(2): its mask in force for
// the call.
int64_t sys_epoll_pwait(hv_syscall_frame& f) {
  if (int64_t r = signals::MaskForCall(f.args[4], f.args[5]); r < 0) return r;
  return Wait(Int(f.args[0]), f.args[1], Int(f.args[2]), MsDeadline(Int(f.args[3])));
}

// EpollPwait2 implements Linux syscall epoll_pwait2(2): a timespec timeout.
int64_t sys_epoll_pwait2(hv_syscall_frame& f) {
  int64_t deadline = sched::kForever;
  if (f.args[3] != 0) {
    abi::Timespec ts;
    if (int64_t r = user::CopyIn(&ts, f.args[3], sizeof ts); r < 0) return r;
    if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
    deadline = static_cast<int64_t>(clock::MonotonicNs()) + ts.tv_sec * 1000000000 + ts.tv_nsec;
  }
  if (int64_t r = signals::MaskForCall(f.args[4], f.args[5]); r < 0) return r;
  return Wait(Int(f.args[0]), f.args[1], Int(f.args[2]), deadline);
}

}  // namespace hvrt
