// Futexes across green threads (runtime/sched/sched.h). A waiter is a
// thread blocked on an address (its record in the thread table holds the
// address, bitset, deadline and wait order); a wake scans the table for the
// oldest matching waiters. With at most sched::kMaxThreads threads a scan is
// cheaper than a hash table and needs no allocation. A shared futex waits
// on a key apart from its address (sched::SharedFutexKey), so private and
// shared ones on one address stay apart, as on Linux.
//
// The check "*uaddr == val, then sleep" is atomic because nothing else runs
// between the check and the block: threads switch only inside Block.
#include "runtime/hv/clock.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/futex.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/sched/host_call.h"
#include "runtime/sched/sched.h"

namespace hvrt {
namespace {

// Reads the timespec at (addr) as a CLOCK_MONOTONIC deadline: relative to
// now, or (absolute) a time on (clock_id), translated by that clock's
// current offset from the monotonic clock. 0 = no timeout = kForever.
int64_t Deadline(uint64_t addr, bool absolute, int32_t clock_id, int64_t* deadline) {
  *deadline = sched::kForever;
  if (addr == 0) return 0;
  abi::Timespec ts;
  if (int64_t r = user::CopyIn(&ts, addr, sizeof ts); r < 0) return r;
  if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
  const int64_t span = abi::SpanNs(ts);
  int64_t mono = static_cast<int64_t>(clock::MonotonicNs());
  if (!absolute) {
    *deadline = mono + span;
    return 0;
  }
  int64_t now;
  if (int64_t r = clock::Read(clock_id, &now); r < 0) return r;
  *deadline = span - now + mono;  // the same distance away on the monotonic clock
  return 0;
}

// A shared futex wait on memory other processes map too (shared_anon.h):
// their wakes cannot reach this scheduler, so hvrun waits on the host's
// futex of the page (HV_CALL_FUTEX, which blocks only this thread), in
// slices of at most HV_FUTEX_SLICE_NS, between which a signal for this
// thread ends the wait. Wakes of such words go to hvrun too (SharedWake),
// and count every process's waiters. A word found changed after a slice is
// taken as a wake (futex callers expect spurious ones). Where hvrun takes
// no more waits (-EBUSY) the thread waits here in 2 ms steps, re-reading
// the word, as all shared waits did before.
int64_t SharedWait(uint64_t uaddr, uint64_t key, uint32_t val, uint32_t bitset, int64_t deadline) {
  constexpr int64_t kStep = 2 * 1000 * 1000;
  for (;;) {
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (now >= deadline) return -abi::kETIMEDOUT;
    const int64_t left = deadline - now;
    hv_futex fx = {HV_FUTEX_WAIT, val, uaddr, left < HV_FUTEX_SLICE_NS ? left : HV_FUTEX_SLICE_NS,
                   bitset,        0};
    int64_t r = sched::HostCall(HV_CALL_FUTEX, &fx);
    if (r == 0 || r == -abi::kEAGAIN) return 0;
    if (r == -abi::kEBUSY || r == -abi::kENOSYS) {
      r = sched::Block(key, bitset, left > kStep ? now + kStep : deadline);
      if (r == 0) return 0;
      if (r == -abi::kEINTR) return deadline == sched::kForever ? -signals::kERESTARTSYS : r;
      uint32_t cur;
      if (int64_t e = user::CopyIn(&cur, uaddr, sizeof cur); e < 0) return e;
      if (cur != val) return 0;
      continue;
    }
    if (r != -abi::kETIMEDOUT) return r;
    if (signals::HandlerPending()) {
      return deadline == sched::kForever ? -signals::kERESTARTSYS : -abi::kEINTR;
    }
  }
}

// A wake of a shared futex word (see SharedWait): hvrun wakes the waiters
// of every process, this one's included; those of this process that wait
// here (SharedWait's fallback) are woken too. Returns how many woke.
int64_t SharedWake(uint64_t uaddr, uint64_t key, uint32_t bitset, int64_t n) {
  hv_futex fx = {HV_FUTEX_WAKE, static_cast<uint32_t>(n), uaddr, 0, bitset, 0};
  int64_t woken = hv::Call(HV_CALL_FUTEX, &fx);
  if (woken < 0) woken = 0;
  if (woken < n) woken += sched::Wake(key, bitset, n - woken);
  return woken;
}

bool IsShared(uint64_t uaddr, uint64_t key) {
  return key != uaddr && mm::shared_anon::Contains(uaddr);
}

// FutexWaitUntil blocks the calling thread on (key) if (uaddr) holds (val):
// 0 when woken, -EAGAIN on a mismatch, -ETIMEDOUT at (deadline), -EINTR or
// kERESTARTSYS for a signal.
int64_t FutexWaitUntil(uint64_t uaddr, uint64_t key, uint32_t val, uint32_t bitset,
                       int64_t deadline) {
  uint32_t cur;
  if (int64_t r = user::CopyIn(&cur, uaddr, sizeof cur); r < 0) return r;
  if (cur != val) return -abi::kEAGAIN;
  if (IsShared(uaddr, key)) return SharedWait(uaddr, key, val, bitset, deadline);
  int64_t r = sched::Block(key, bitset, deadline);
  // A signal's handler: Linux restarts an untimed wait after it (with
  // SA_RESTART), and ends a timed one with -EINTR.
  if (r == -abi::kEINTR && deadline == sched::kForever) return -signals::kERESTARTSYS;
  return r;
}

// FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg, wake (n1) on (uaddr), and if
// the old *uaddr2 CMP cmparg, (n2) on (uaddr2) (the encoding of (encoded)
// is linux/futex.h's FUTEX_OP). Returns how many woke.
int64_t WakeOp(uint64_t uaddr, uint64_t uaddr2, uint64_t key1, uint64_t key2, int64_t n1,
               int64_t n2, uint32_t encoded) {
  const uint32_t op = (encoded >> 28) & 7;
  const bool shift = ((encoded >> 28) & 8) != 0;
  const uint32_t cmp = (encoded >> 24) & 15;
  auto sign12 = [](uint32_t v) { return static_cast<int32_t>(v << 20) >> 20; };
  int32_t oparg = sign12((encoded >> 12) & 0xfff);
  const int32_t cmparg = sign12(encoded & 0xfff);
  if (shift) oparg = static_cast<int32_t>(1u << (static_cast<uint32_t>(oparg) & 31));
  if (op > 4 || cmp > 5) return -abi::kENOSYS;
  if (uaddr2 % 4 != 0) return -abi::kEINVAL;
  uint32_t old;
  if (int64_t r = user::CopyIn(&old, uaddr2, sizeof old); r < 0) return r;
  const uint32_t arg = static_cast<uint32_t>(oparg);
  const uint32_t next = op == 0   ? arg
                        : op == 1 ? old + arg
                        : op == 2 ? old | arg
                        : op == 3 ? old & ~arg
                                  : old ^ arg;
  if (int64_t r = user::CopyOut(uaddr2, &next, sizeof next); r < 0) return r;
  int64_t woken = sched::Wake(key1, ~0u, n1);
  const int32_t was = static_cast<int32_t>(old);
  const bool hit = cmp == 0   ? was == cmparg
                   : cmp == 1 ? was != cmparg
                   : cmp == 2 ? was < cmparg
                   : cmp == 3 ? was <= cmparg
                   : cmp == 4 ? was > cmparg
                              : was >= cmparg;
  if (hit) woken += sched::Wake(key2, ~0u, n2);
  return woken;
}

// FUTEX_LOCK_PI(2) and FUTEX_TRYLOCK_PI on the PI lock word at (uaddr): the
// owner's tid, FUTEX_WAITERS while others wait. The unlocker hands the lock
// to the longest waiter itself (UnlockPi), as Linux does; green threads need
// no priority inheritance (none runs while another waits to).
int64_t LockPi(uint64_t uaddr, uint64_t key, int64_t deadline, bool try_only) {
  const uint32_t me = static_cast<uint32_t>(sched::CurrentTid());
  bool waited = false;
  for (;;) {
    uint32_t v;
    if (int64_t r = user::CopyIn(&v, uaddr, sizeof v); r < 0) return r;
    const uint32_t owner = v & abi::kFUTEX_TID_MASK;
    if (owner == 0) {
      const uint32_t mine =
          me | (v & abi::kFUTEX_OWNER_DIED) | (sched::Waiters(key) > 0 ? abi::kFUTEX_WAITERS : 0);
      return user::CopyOut(uaddr, &mine, sizeof mine);
    }
    if (owner == me) return waited ? 0 : -abi::kEDEADLK;  // handed over, or a relock
    if (try_only) return -abi::kEAGAIN;
    const uint32_t flagged = v | abi::kFUTEX_WAITERS;
    if (int64_t r = user::CopyOut(uaddr, &flagged, sizeof flagged); r < 0) return r;
    const int64_t r = sched::Block(key, ~0u, deadline);
    if (r == -abi::kETIMEDOUT) return r;
    if (r == -abi::kEINTR) return -signals::kERESTARTSYS;  // Linux restarts it
    waited = true;
  }
}

// FUTEX_UNLOCK_PI: only the owner may; the longest waiter becomes the owner
// (with FUTEX_WAITERS if more wait), or the word goes to 0.
int64_t UnlockPi(uint64_t uaddr, uint64_t key) {
  const uint32_t me = static_cast<uint32_t>(sched::CurrentTid());
  uint32_t v;
  if (int64_t r = user::CopyIn(&v, uaddr, sizeof v); r < 0) return r;
  if ((v & abi::kFUTEX_TID_MASK) != me) return -abi::kEPERM;
  const int32_t next = sched::WakeOldest(key, ~0u);
  const uint32_t word =
      next == 0 ? 0
                : static_cast<uint32_t>(next) | (sched::Waiters(key) > 0 ? abi::kFUTEX_WAITERS : 0);
  return user::CopyOut(uaddr, &word, sizeof word);
}

}  // namespace

namespace futex {

void ReleaseRobustList(uint64_t head, int32_t tid) {
  if (head == 0) return;
  struct {
    uint64_t next;
    int64_t futex_offset;
    uint64_t pending;
  } h;
  if (user::CopyIn(&h, head, sizeof h) < 0) return;
  // Linux's handle_futex_death: a word the dying thread owns gets
  // FUTEX_OWNER_DIED (its waiters bit kept), and one waiter is woken.
  auto release = [&](uint64_t entry) {
    const uint64_t word = entry + static_cast<uint64_t>(h.futex_offset);
    uint32_t v;
    if (word % 4 != 0 || user::CopyIn(&v, word, sizeof v) < 0) return;
    if ((v & abi::kFUTEX_TID_MASK) != static_cast<uint32_t>(tid)) return;
    const uint32_t dead = (v & abi::kFUTEX_WAITERS) | abi::kFUTEX_OWNER_DIED;
    if (user::CopyOut(word, &dead, sizeof dead) < 0) return;
    if ((v & abi::kFUTEX_WAITERS) != 0) sched::Wake(sched::SharedFutexKey(word), ~0u, 1);
  };
  // Entries carry a PI flag in bit 0; the list is circular through (head).
  const uint64_t pending = h.pending & ~1ull;
  uint64_t entry = h.next;
  for (int n = 0; (entry & ~1ull) != head && n < abi::kROBUST_LIST_LIMIT; n++) {
    const uint64_t at = entry & ~1ull;
    if (user::CopyIn(&entry, at, sizeof entry) < 0) break;
    if (at != pending) release(at);
  }
  if (pending != 0) release(pending);
}

}  // namespace futex

// Futex implements Linux syscall futex(2): WAIT, WAKE, their _BITSET forms,
// REQUEUE and CMP_REQUEUE, WAKE_OP, LOCK_PI(2)/UNLOCK_PI/TRYLOCK_PI,
// private or not, FUTEX_CLOCK_REALTIME. The requeue-to-PI operations are
// -ENOSYS.
int64_t sys_futex(hv_syscall_frame& f) {
  uint64_t uaddr = f.args[0];
  uint32_t op = static_cast<uint32_t>(f.args[1]);
  uint32_t val = static_cast<uint32_t>(f.args[2]);
  uint32_t bitset = static_cast<uint32_t>(f.args[5]);
  uint64_t cmd = op & abi::kFUTEX_CMD_MASK;
  bool bitset_op = cmd == abi::kFUTEX_WAIT_BITSET || cmd == abi::kFUTEX_WAKE_BITSET;
  bool requeue = cmd == abi::kFUTEX_REQUEUE || cmd == abi::kFUTEX_CMP_REQUEUE;
  bool pi = cmd == abi::kFUTEX_LOCK_PI || cmd == abi::kFUTEX_LOCK_PI2 ||
            cmd == abi::kFUTEX_UNLOCK_PI || cmd == abi::kFUTEX_TRYLOCK_PI;
  if (cmd != abi::kFUTEX_WAIT && cmd != abi::kFUTEX_WAKE && !bitset_op && !requeue && !pi &&
      cmd != abi::kFUTEX_WAKE_OP) {
    return -abi::kENOSYS;
  }
  if (uaddr % 4 != 0 || (bitset_op && bitset == 0)) return -abi::kEINVAL;
  // A private wake keys on the address alone, so Linux never reads it: a
  // null one is fine there (no one waits on it).
  const bool wake =
      cmd == abi::kFUTEX_WAKE || cmd == abi::kFUTEX_WAKE_BITSET || cmd == abi::kFUTEX_WAKE_OP;
  if (!(wake && (op & abi::kFUTEX_PRIVATE_FLAG) != 0) && !user::RangeOk(uaddr, 4)) {
    return -abi::kEFAULT;
  }
  // Counts of threads to wake are C ints; WAKE and WAKE_OP wake one for 0
  // or less, as Linux's loop counts a wake before it compares (REQUEUE's
  // counts are taken as they are: it checks them first).
  auto count = [](uint64_t reg) -> int64_t {
    int32_t n = Int(reg);
    return n <= 0 ? 1 : n;
  };
  // Waits and wakes go by key: private and shared futexes are apart.
  const bool priv = (op & abi::kFUTEX_PRIVATE_FLAG) != 0;
  auto key = [priv](uint64_t a) { return priv ? a : sched::SharedFutexKey(a); };
  switch (cmd) {
    case abi::kFUTEX_WAKE:
    case abi::kFUTEX_WAKE_BITSET: {
      const uint32_t bits = cmd == abi::kFUTEX_WAKE ? ~0u : bitset;
      if (IsShared(uaddr, key(uaddr))) return SharedWake(uaddr, key(uaddr), bits, count(val));
      return sched::Wake(key(uaddr), bits, count(val));
    }
    case abi::kFUTEX_WAKE_OP:
      if (!user::RangeOk(f.args[4], 4)) return -abi::kEFAULT;
      return WakeOp(uaddr, f.args[4], key(uaddr), key(f.args[4]), count(val), count(f.args[3]),
                    bitset);
    case abi::kFUTEX_UNLOCK_PI:
      return UnlockPi(uaddr, key(uaddr));
    case abi::kFUTEX_TRYLOCK_PI:
      return LockPi(uaddr, key(uaddr), sched::kForever, /*try_only=*/true);
    case abi::kFUTEX_LOCK_PI:
    case abi::kFUTEX_LOCK_PI2: {
      // LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's on
      // CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
      const int32_t clock = cmd == abi::kFUTEX_LOCK_PI || (op & abi::kFUTEX_CLOCK_REALTIME) != 0
                                ? abi::kCLOCK_REALTIME
                                : abi::kCLOCK_MONOTONIC;
      int64_t deadline;
      if (int64_t r = Deadline(f.args[3], true, clock, &deadline); r < 0) return r;
      return LockPi(uaddr, key(uaddr), deadline, /*try_only=*/false);
    }
    case abi::kFUTEX_REQUEUE:
    case abi::kFUTEX_CMP_REQUEUE: {
      uint64_t uaddr2 = f.args[4];
      if (uaddr2 % 4 != 0) return -abi::kEINVAL;
      if (!user::RangeOk(uaddr2, 4)) return -abi::kEFAULT;
      if (Int(f.args[2]) < 0 || Int(f.args[3]) < 0) return -abi::kEINVAL;
      if (cmd == abi::kFUTEX_CMP_REQUEUE) {
        uint32_t cur;
        if (int64_t r = user::CopyIn(&cur, uaddr, sizeof cur); r < 0) return r;
        if (cur != bitset) return -abi::kEAGAIN;  // val3, in the bitset slot
      }
      return sched::Requeue(key(uaddr), key(uaddr2), Int(f.args[2]), Int(f.args[3]));
    }
    default:
      break;
  }
  // FUTEX_WAIT's timeout is relative (on CLOCK_MONOTONIC); FUTEX_WAIT_BITSET's
  // is absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) CLOCK_REALTIME.
  int32_t clock_id =
      (op & abi::kFUTEX_CLOCK_REALTIME) != 0 ? abi::kCLOCK_REALTIME : abi::kCLOCK_MONOTONIC;
  int64_t deadline;
  if (int64_t r = Deadline(f.args[3], cmd == abi::kFUTEX_WAIT_BITSET, clock_id, &deadline); r < 0)
    return r;
  return FutexWaitUntil(uaddr, key(uaddr), val, cmd == abi::kFUTEX_WAIT ? ~0u : bitset, deadline);
}

}  // namespace hvrt
