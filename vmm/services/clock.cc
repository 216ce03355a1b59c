// File: clock.cc
//
// The slow path for time: the runtime reads the calibrated TSC itself and
// comes here only when the host gave it no usable TSC.
#include <time.h>

#include <cerrno>

#include "vmm/services/services.h"

namespace hvrun {

HypercallOutcome Clock(const ServiceContext& ctx, uint64_t arg) {
  auto c = ctx.memory.Read<hv_clock>(arg);
  if (!c.ok()) return HypercallOutcome::Reply(-EFAULT);
  switch (c->clock_id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      break;
    default:
      return HypercallOutcome::Reply(-EINVAL);
  }
  timespec ts{};
  if (clock_gettime(static_cast<clockid_t>(c->clock_id), &ts) != 0) {
    return HypercallOutcome::Reply(-errno);
  }
  hv_clock out = *c;
  out.ns = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  if (!ctx.memory.Write(arg, out).ok()) return HypercallOutcome::Reply(-EFAULT);
  return HypercallOutcome::Reply(0);
}

}  // namespace hvrun
