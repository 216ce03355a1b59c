// Futexes for a single-threaded guest. Nobody else can change a futex word
// or wake a waiter, so: a wake wakes no one; a wait whose value differs
// returns -EAGAIN; a wait with a timeout spins (pause) until the deadline and
// returns -ETIMEDOUT; a wait without one would sleep forever, which is a
// deadlock in the app, so the guest panics with a message saying so (Linux
// would hang). Once green threads exist these become real waits.
#include "runtime/hv/clock.h"
#include "runtime/hv/cpu.h"
#include "runtime/hv/panic.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {
namespace {

constexpr int64_t kNsPerSec = 1000000000;

int64_t Wait(uint64_t uaddr, uint32_t val, uint64_t timeout_addr, bool absolute, int32_t clock_id) {
  uint32_t cur;
  if (int64_t r = user::CopyIn(&cur, uaddr, sizeof cur); r < 0) return r;
  if (cur != val) return -abi::kEAGAIN;
  if (timeout_addr == 0) {
    Panic(
        "futex: FUTEX_WAIT on 0x%lx (value %u) would block forever: the guest has one thread, "
        "so nothing can wake it",
        static_cast<unsigned long>(uaddr), val);
  }
  abi::Timespec ts;
  if (int64_t r = user::CopyIn(&ts, timeout_addr, sizeof ts); r < 0) return r;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= kNsPerSec) return -abi::kEINVAL;
  int64_t now;
  clock::Read(clock_id, &now);
  int64_t span =
      ts.tv_sec > (INT64_MAX / kNsPerSec) - 1 ? INT64_MAX / 2 : ts.tv_sec * kNsPerSec + ts.tv_nsec;
  int64_t deadline = absolute ? span : now + span;
  while (now < deadline) {
    cpu::Pause();
    clock::Read(clock_id, &now);
  }
  return -abi::kETIMEDOUT;
}

}  // namespace

// Futex implements Linux syscall futex(2) for one thread (see the file
// comment): FUTEX_WAIT, FUTEX_WAKE and their _BITSET forms. Other
// operations are -ENOSYS.
int64_t sys_futex(hv_syscall_frame& f) {
  uint64_t uaddr = f.args[0];
  uint32_t op = static_cast<uint32_t>(f.args[1]);
  uint32_t val = static_cast<uint32_t>(f.args[2]);
  uint32_t bitset = static_cast<uint32_t>(f.args[5]);
  uint64_t cmd = op & abi::kFUTEX_CMD_MASK;
  bool bitset_op = cmd == abi::kFUTEX_WAIT_BITSET || cmd == abi::kFUTEX_WAKE_BITSET;
  if (cmd != abi::kFUTEX_WAIT && cmd != abi::kFUTEX_WAKE && !bitset_op) return -abi::kENOSYS;
  if (uaddr % 4 != 0 || (bitset_op && bitset == 0)) return -abi::kEINVAL;
  if (!user::RangeOk(uaddr, 4)) return -abi::kEFAULT;
  if (cmd == abi::kFUTEX_WAKE || cmd == abi::kFUTEX_WAKE_BITSET) return 0;  // no waiters
  // FUTEX_WAIT's timeout is relative, on CLOCK_MONOTONIC; FUTEX_WAIT_BITSET's
  // is absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) CLOCK_REALTIME.
  int32_t clock_id =
      (op & abi::kFUTEX_CLOCK_REALTIME) != 0 ? abi::kCLOCK_REALTIME : abi::kCLOCK_MONOTONIC;
  return Wait(uaddr, val, f.args[3], cmd == abi::kFUTEX_WAIT_BITSET, clock_id);
}

}  // namespace hvrt
