// poll, ppoll, select and pselect6 over the guest's fds, waiting for real.
// Readiness comes from two places: the host, for host streams (sockets,
// pipes, FIFOs, eventfds: HV_CALL_POLL, one call for all of them), and the
// runtime, for what lives in the guest (its own pipes, signalfds; regular
// files, directories, devices and the console are always ready, as on
// Linux, where a console read then waits on the host).
//
// Waiting: the host wait covers every host fd at once (host_ready.h), in
// slices, between which signals are looked at (a signal with a handler ends
// the call with -EINTR: Linux never restarts these calls). Where the set
// holds an fd of the guest's own that another thread could make ready, or
// more host fds than one call takes here (kMaxHostItems, on the app's
// stack), the slices are kShortSlice and the set is looked at anew after
// each.
#include "runtime/hv/clock.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/poll.h"
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

// struct pollfd and its bits (<poll.h>).
struct Pollfd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(Pollfd) == 8);
using abi::kPOLLERR, abi::kPOLLHUP, abi::kPOLLIN, abi::kPOLLNVAL, abi::kPOLLOUT, abi::kPOLLPRI,
    abi::kPOLLRDHUP, abi::kPOLLRDNORM, abi::kPOLLWRNORM;
constexpr int16_t kAlways = kPOLLERR | kPOLLHUP | kPOLLNVAL;

constexpr uint32_t kMaxHostItems = 64;
constexpr int64_t kShortSlice = 2 * 1000 * 1000;  // ns

// What one fd is ready for now, or, for a host stream, -1 with (*handle)
// set: the host must say.
int32_t Ready(int32_t fd, uint32_t* handle) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return kPOLLNVAL;
  tmpfs::Inode* n = vfs::InodeOf(*f);
  if (n != nullptr && n->kind == tmpfs::Kind::kHost && n->pipe_head != 0 &&
      abi::IsStream(n->mode)) {
    // An epoll with a ready member of the runtime's own (a signalfd).
    if (abi::IsAnon(n->mode) && epoll_local::Readable(tmpfs::NumberOf(*n))) {
      return kPOLLIN | kPOLLRDNORM;
    }
    *handle = static_cast<uint32_t>(n->pipe_head - 1);
    return -1;
  }
  return local_ready::Of(*f, n);
}

// The host's events for a guest's: RDNORM/WRNORM as IN/OUT.
int16_t HostEvents(int16_t events) {
  int16_t e = events & (kPOLLIN | kPOLLPRI | kPOLLOUT | kPOLLRDHUP);
  if (events & kPOLLRDNORM) e |= kPOLLIN;
  if (events & kPOLLWRNORM) e |= kPOLLOUT;
  return e;
}

// The guest's view of host revents for (events).
int16_t FromHost(int16_t revents, int16_t events) {
  int16_t r = revents;
  if (r & kPOLLIN) r |= kPOLLRDNORM;
  if (r & kPOLLOUT) r |= kPOLLWRNORM;
  return static_cast<int16_t>(r & (events | kAlways));
}

// One look at (fds): writes each revents back and returns how many are
// ready (or -errno). For a wait: the host items it found, in (items) (at
// most kMaxHostItems; (*more): there were more), and whether any fd of the
// guest's own could become ready meanwhile (*local).
int64_t Scan(uint64_t fds, uint64_t nfds, hv_poll_item* items, uint32_t* nitems, bool* more,
             bool* local) {
  *nitems = 0;
  *more = false;
  *local = false;
  uint16_t at[kMaxHostItems];
  int64_t ready = 0;
  for (uint64_t i = 0; i < nfds; i++) {
    Pollfd p;
    const uint64_t addr = fds + i * sizeof p;
    if (int64_t r = user::CopyIn(&p, addr, sizeof p); r < 0) return r;
    uint32_t handle = 0;
    const int32_t now = p.fd < 0 ? 0 : Ready(p.fd, &handle);
    if (now < 0) {
      if (*nitems < kMaxHostItems) {
        at[*nitems] = static_cast<uint16_t>(i);
        items[(*nitems)++] = {handle, HostEvents(p.events), 0};
      } else {
        *more = true;
      }
      p.revents = 0;
    } else {
      // Negative fds are skipped; ERR, HUP and NVAL are reported unasked.
      p.revents = static_cast<int16_t>(now & (p.events | kAlways));
      if (p.fd >= 0 && p.revents == 0 && now != local_ready::kAlways) {
        *local = true;
      }
    }
    if (p.revents != 0) ready++;
    if (int64_t r = user::CopyOut(addr + 6, &p.revents, sizeof p.revents); r < 0) return r;
  }
  if (*nitems > 0) {
    const int64_t r = host_ready::PollSlice(items, *nitems, 0);
    if (r < 0) return r;
    for (uint32_t k = 0; k < *nitems; k++) {
      Pollfd p;
      const uint64_t addr = fds + at[k] * sizeof p;
      if (int64_t e = user::CopyIn(&p, addr, sizeof p); e < 0) return e;
      p.revents = FromHost(items[k].revents, p.events);
      if (p.revents != 0) ready++;
      if (int64_t e = user::CopyOut(addr + 6, &p.revents, sizeof p.revents); e < 0) return e;
    }
  }
  // A host fd past the first kMaxHostItems is looked at in later passes of
  // their own: here, each gets a host call of its own.
  if (*more) {
    for (uint64_t i = 0; i < nfds; i++) {
      Pollfd p;
      const uint64_t addr = fds + i * sizeof p;
      if (int64_t r = user::CopyIn(&p, addr, sizeof p); r < 0) return r;
      uint32_t handle = 0;
      if (p.fd < 0 || Ready(p.fd, &handle) >= 0) continue;
      bool first = false;
      for (uint32_t k = 0; k < *nitems; k++) first = first || at[k] == i;
      if (first) continue;
      hv_poll_item one = {handle, HostEvents(p.events), 0};
      if (int64_t r = host_ready::PollSlice(&one, 1, 0); r < 0) return r;
      p.revents = FromHost(one.revents, p.events);
      if (p.revents != 0) ready++;
      if (int64_t r = user::CopyOut(addr + 6, &p.revents, sizeof p.revents); r < 0) return r;
    }
  }
  return ready;
}

// One wait of a poll or select that found nothing ready at (now): on the
// host fds (items), else a sleep, for a slice ((short_slice): kShortSlice)
// or until (deadline). 0 to look again, or -EINTR for a signal's handler
// (Linux never restarts these calls), or -errno.
int64_t WaitSlice(hv_poll_item* items, uint32_t nitems, bool short_slice, int64_t now,
                  int64_t deadline) {
  const int64_t left = deadline - now;
  int64_t slice = short_slice ? kShortSlice : host_ready::kSlice;
  if (slice > left) slice = left;
  if (nitems > 0) {
    for (uint32_t k = 0; k < nitems; k++) items[k].revents = 0;
    if (int64_t r = host_ready::PollSlice(items, nitems, slice); r < 0) return r;
  } else {
    sched::Block(0, 0, now + slice);
  }
  process::TakeSignals();
  return signals::HandlerPending() ? -abi::kEINTR : 0;
}

// poll(2) until CLOCK_MONOTONIC (deadline) (sched::kForever: none; 0: no
// wait).
int64_t Poll(uint64_t fds, uint64_t nfds, int64_t deadline) {
  if (nfds > static_cast<uint64_t>(vfs::kMaxFds)) return -abi::kEINVAL;  // RLIMIT_NOFILE
  if (nfds > 0 && !user::RangeOk(fds, nfds * sizeof(Pollfd))) return -abi::kEFAULT;
  hv_poll_item items[kMaxHostItems];
  for (;;) {
    uint32_t nitems;
    bool more, local;
    const int64_t ready = Scan(fds, nfds, items, &nitems, &more, &local);
    if (ready != 0) return ready;
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (now >= deadline) return 0;
    if (int64_t r = WaitSlice(items, nitems, local || more, now, deadline); r < 0) return r;
  }
}

// The deadline of a timeout that is a timespec at (addr) (0: none).
int64_t TimespecDeadline(uint64_t addr, int64_t* deadline) {
  *deadline = sched::kForever;
  if (addr == 0) return 0;
  abi::Timespec ts;
  if (int64_t r = user::CopyIn(&ts, addr, sizeof ts); r < 0) return r;
  if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
  *deadline = static_cast<int64_t>(clock::MonotonicNs()) + ts.tv_sec * 1000000000 + ts.tv_nsec;
  return 0;
}

// select(2) over fd_sets (in, out, ex) of (nfds) bits, as poll: POLLIN
// (and HUP, ERR) readable, POLLOUT (and ERR) writable, POLLPRI exceptional.
int64_t Select(int32_t nfds, uint64_t in, uint64_t out, uint64_t ex, int64_t deadline) {
  if (nfds < 0) return -abi::kEINVAL;
  if (nfds > vfs::kMaxFds) nfds = vfs::kMaxFds;
  constexpr int kWords = (vfs::kMaxFds + 63) / 64;
  const uint64_t bytes = (static_cast<uint64_t>(nfds) + 63) / 64 * 8;
  uint64_t sets[3][kWords] = {};
  const uint64_t where[3] = {in, out, ex};
  for (int s = 0; s < 3; s++) {
    if (where[s] == 0) continue;
    if (int64_t r = user::CopyIn(sets[s], where[s], bytes); r < 0) return r;
  }
  // The host fds of the set, as many as fit in the runtime's stack budget
  // beside the sets (the rest are asked one by one, with short slices).
  constexpr uint32_t kItems = 8;
  hv_poll_item items[kItems];
  uint16_t fd_of[kItems];
  for (;;) {
    uint64_t res[3][kWords] = {};
    int64_t ready = 0;
    uint32_t nitems = 0;
    bool more = false, local = false;
    for (int32_t fd = 0; fd < nfds; fd++) {
      const uint64_t bit = 1ull << (fd % 64);
      const int w = fd / 64;
      const bool want_in = (sets[0][w] & bit) != 0, want_out = (sets[1][w] & bit) != 0,
                 want_ex = (sets[2][w] & bit) != 0;
      if (!want_in && !want_out && !want_ex) continue;
      uint32_t handle = 0;
      int32_t now = Ready(fd, &handle);
      if (now == kPOLLNVAL) return -abi::kEBADF;
      if (now < 0) {
        const int16_t ev = static_cast<int16_t>(
            (want_in ? kPOLLIN : 0) | (want_out ? kPOLLOUT : 0) | (want_ex ? kPOLLPRI : 0));
        hv_poll_item one = {handle, ev, 0};
        if (nitems < kItems) {
          fd_of[nitems] = static_cast<uint16_t>(fd);
          items[nitems++] = one;
          continue;
        }
        more = true;
        if (int64_t r = host_ready::PollSlice(&one, 1, 0); r < 0) return r;
        now = one.revents;
      } else if (now != local_ready::kAlways) {
        local = true;
      }
      bool hit = false;
      if (want_in && (now & (kPOLLIN | kPOLLHUP | kPOLLERR))) res[0][w] |= bit, hit = true;
      if (want_out && (now & (kPOLLOUT | kPOLLERR))) res[1][w] |= bit, hit = true;
      if (want_ex && (now & kPOLLPRI)) res[2][w] |= bit, hit = true;
      (void)hit;
    }
    if (nitems > 0) {
      if (int64_t r = host_ready::PollSlice(items, nitems, 0); r < 0) return r;
      for (uint32_t k = 0; k < nitems; k++) {
        const int fd = fd_of[k];
        const uint64_t bit = 1ull << (fd % 64);
        const int w = fd / 64;
        const int16_t now = items[k].revents;
        if ((sets[0][w] & bit) && (now & (kPOLLIN | kPOLLHUP | kPOLLERR))) res[0][w] |= bit;
        if ((sets[1][w] & bit) && (now & (kPOLLOUT | kPOLLERR))) res[1][w] |= bit;
        if ((sets[2][w] & bit) && (now & kPOLLPRI)) res[2][w] |= bit;
        if (now & kPOLLNVAL) return -abi::kEBADF;
      }
    }
    for (int s = 0; s < 3; s++) {
      for (int w = 0; w < kWords; w++) {
        // Bit by bit: the freestanding image has no libgcc (__popcountdi2).
        for (uint64_t v = res[s][w]; v != 0; v &= v - 1) ready++;
      }
    }
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (ready > 0 || now >= deadline) {
      for (int s = 0; s < 3; s++) {
        if (where[s] == 0) continue;
        if (int64_t r = user::CopyOut(where[s], res[s], bytes); r < 0) return r;
      }
      return ready;
    }
    if (int64_t r = WaitSlice(items, nitems, local || more, now, deadline); r < 0) return r;
  }
}

// Writes what is left of a timeout that ended at (deadline) back as a
// timeval (select) or timespec (pselect6), as Linux does.
int64_t GiveBackLeft(uint64_t addr, int64_t deadline, bool timeval) {
  if (addr == 0 || deadline == sched::kForever) return 0;
  int64_t left = deadline - static_cast<int64_t>(clock::MonotonicNs());
  if (left < 0) left = 0;
  if (timeval) {
    abi::Timeval tv = {left / 1000000000, (left % 1000000000) / 1000};
    return user::CopyOut(addr, &tv, sizeof tv);
  }
  abi::Timespec ts = {left / 1000000000, left % 1000000000};
  return user::CopyOut(addr, &ts, sizeof ts);
}

}  // namespace

// Poll implements Linux syscall poll(2): see the top of this file.
int64_t sys_poll(hv_syscall_frame& f) {
  const int32_t ms = Int(f.args[2]);
  const int64_t deadline =
      ms < 0 ? sched::kForever
             : static_cast<int64_t>(clock::MonotonicNs()) + static_cast<int64_t>(ms) * 1000000;
  return Poll(f.args[0], f.args[1], deadline);
}

// Ppoll implements Linux syscall ppoll(2), with its signal mask in force
// for the call.
int64_t sys_ppoll(hv_syscall_frame& f) {
  int64_t deadline;
  if (int64_t r = TimespecDeadline(f.args[2], &deadline); r < 0) return r;
  if (int64_t r = signals::MaskForCall(f.args[3], f.args[4]); r < 0) return r;
  const int64_t r = Poll(f.args[0], f.args[1], deadline);
  if (int64_t e = GiveBackLeft(f.args[2], deadline, false); e < 0 && r >= 0) return e;
  return r;
}

// Select implements Linux syscall select(2); the timeval gets what is left.
int64_t sys_select(hv_syscall_frame& f) {
  int64_t deadline = sched::kForever;
  if (f.args[4] != 0) {
    abi::Timeval tv;
    if (int64_t r = user::CopyIn(&tv, f.args[4], sizeof tv); r < 0) return r;
    if (tv.tv_sec < 0 || tv.tv_usec < 0) return -abi::kEINVAL;
    // Linux takes an over-large tv_usec as more seconds.
    deadline =
        static_cast<int64_t>(clock::MonotonicNs()) + tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
  }
  const int64_t r = Select(Int(f.args[0]), f.args[1], f.args[2], f.args[3], deadline);
  if (int64_t e = GiveBackLeft(f.args[4], deadline, true); e < 0 && r >= 0) return e;
  return r;
}

// Pselect6 implements Linux syscall pselect6(2): the sixth argument points
// at {sigset pointer, its size}.
int64_t sys_pselect6(hv_syscall_frame& f) {
  int64_t deadline;
  if (int64_t r = TimespecDeadline(f.args[4], &deadline); r < 0) return r;
  if (f.args[5] != 0) {
    uint64_t mask_arg[2];
    if (int64_t r = user::CopyIn(mask_arg, f.args[5], sizeof mask_arg); r < 0) return r;
    if (int64_t r = signals::MaskForCall(mask_arg[0], mask_arg[1]); r < 0) return r;
  }
  const int64_t r = Select(Int(f.args[0]), f.args[1], f.args[2], f.args[3], deadline);
  if (int64_t e = GiveBackLeft(f.args[4], deadline, false); e < 0 && r >= 0) return e;
  return r;
}

}  // namespace hvrt
