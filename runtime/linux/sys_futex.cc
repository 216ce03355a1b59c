// Futexes across green threads (runtime/sched/sched.h). A waiter is a
// thread blocked on an address (its record in the thread table holds the
// address, bitset, deadline and wait order); a wake scans the table for the
// oldest matching waiters. With at most sched::kMaxThreads threads a scan is
// cheaper than a hash table and needs no allocation. Private and shared
// futexes are the same thing here (one address space).
//
// The check "*uaddr == val, then sleep" is atomic because nothing else runs
// between the check and the block: threads switch only inside Block.
#include "runtime/hv/clock.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {
namespace {

constexpr int64_t kNsPerSec = 1000000000;

// Reads the timespec at (addr) as a CLOCK_MONOTONIC deadline: relative to
// now, or (absolute) a time on (clock_id), translated by that clock's
// current offset from the monotonic clock. 0 = no timeout = kForever.
int64_t Deadline(uint64_t addr, bool absolute, int32_t clock_id, int64_t* deadline) {
  *deadline = sched::kForever;
  if (addr == 0) return 0;
  abi::Timespec ts;
  if (int64_t r = user::CopyIn(&ts, addr, sizeof ts); r < 0) return r;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= kNsPerSec) return -abi::kEINVAL;
  int64_t span =
      ts.tv_sec > (INT64_MAX / kNsPerSec) - 1 ? INT64_MAX / 2 : ts.tv_sec * kNsPerSec + ts.tv_nsec;
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

// FutexWaitUntil blocks the calling thread on (uaddr) if it holds (val):
// 0 when woken, -EAGAIN on a mismatch, -ETIMEDOUT at (deadline), -EINTR or
// kERESTARTSYS for a signal.
int64_t FutexWaitUntil(uint64_t uaddr, uint32_t val, uint32_t bitset, int64_t deadline) {
  uint32_t cur;
  if (int64_t r = user::CopyIn(&cur, uaddr, sizeof cur); r < 0) return r;
  if (cur != val) return -abi::kEAGAIN;
  int64_t r = sched::Block(uaddr, bitset, deadline);
  // A signal's handler: Linux restarts an untimed wait after it (with
  // SA_RESTART), and ends a timed one with -EINTR.
  if (r == -abi::kEINTR && deadline == sched::kForever) return -signals::kERESTARTSYS;
  return r;
}

}  // namespace

// Futex implements Linux syscall futex(2): WAIT, WAKE, their _BITSET forms,
// REQUEUE and CMP_REQUEUE, private or not, FUTEX_CLOCK_REALTIME. WAKE_OP and
// the PI operations are -ENOSYS (glibc 2.36's mutexes and condvars do not
// need them).
int64_t sys_futex(hv_syscall_frame& f) {
  uint64_t uaddr = f.args[0];
  uint32_t op = static_cast<uint32_t>(f.args[1]);
  uint32_t val = static_cast<uint32_t>(f.args[2]);
  uint32_t bitset = static_cast<uint32_t>(f.args[5]);
  uint64_t cmd = op & abi::kFUTEX_CMD_MASK;
  bool bitset_op = cmd == abi::kFUTEX_WAIT_BITSET || cmd == abi::kFUTEX_WAKE_BITSET;
  bool requeue = cmd == abi::kFUTEX_REQUEUE || cmd == abi::kFUTEX_CMP_REQUEUE;
  if (cmd != abi::kFUTEX_WAIT && cmd != abi::kFUTEX_WAKE && !bitset_op && !requeue) {
    return -abi::kENOSYS;
  }
  if (uaddr % 4 != 0 || (bitset_op && bitset == 0)) return -abi::kEINVAL;
  if (!user::RangeOk(uaddr, 4)) return -abi::kEFAULT;
  // Counts are C ints; a negative one (INT_MAX-style "all") means all.
  auto count = [](uint64_t reg) -> int64_t {
    int32_t n = Int(reg);
    return n < 0 ? INT64_MAX : n;
  };
  switch (cmd) {
    case abi::kFUTEX_WAKE:
      return sched::Wake(uaddr, ~0u, count(val));
    case abi::kFUTEX_WAKE_BITSET:
      return sched::Wake(uaddr, bitset, count(val));
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
      return sched::Requeue(uaddr, uaddr2, count(val), count(f.args[3]));
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
  return FutexWaitUntil(uaddr, val, cmd == abi::kFUTEX_WAIT ? ~0u : bitset, deadline);
}

}  // namespace hvrt
