// host_ready: see host_ready.h.
#include "runtime/linux/host_ready.h"

#include "runtime/hv/clock.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/sched/host_call.h"
#include "runtime/sched/sched.h"

namespace hvrt::host_ready {

int64_t PollSlice(hv_poll_item* items, uint32_t count, int64_t slice_ns) {
  hv_poll p = {reinterpret_cast<uint64_t>(items), count, 0, slice_ns};
  int64_t r = sched::HostCall(HV_CALL_POLL, &p);
  if (r == -abi::kEBUSY && slice_ns > 0) {
    // hvrun has every waiting thread it allows: wait here a little instead.
    constexpr int64_t kStep = 2 * 1000 * 1000;
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    sched::Block(0, 0, now + (slice_ns < kStep ? slice_ns : kStep));
    p.timeout_ns = 0;
    r = sched::HostCall(HV_CALL_POLL, &p);
  }
  return r;
}

int64_t WaitOne(uint32_t handle, int16_t events, int64_t deadline_ns) {
  hv_poll_item item = {handle, events, 0};
  for (;;) {
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (now >= deadline_ns) return -abi::kEAGAIN;
    const int64_t left = deadline_ns - now;
    const int64_t r = PollSlice(&item, 1, left < kSlice ? left : kSlice);
    if (r > 0) return 0;
    if (r < 0) return r;
    process::TakeSignals();
    if (signals::HandlerPending()) {
      return deadline_ns == sched::kForever ? -signals::kERESTARTSYS : -abi::kEINTR;
    }
  }
}

}  // namespace hvrt::host_ready
