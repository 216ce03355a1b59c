// File: memory.cc
#include <cerrno>

#include "hvrun/services/services.h"

namespace hvrun {

HypercallOutcome MemDiscard(const ServiceContext& ctx, uint64_t arg) {
  auto buf = ctx.memory.Read<hv_buffer>(arg);
  if (!buf.ok()) return HypercallOutcome::Reply(-EFAULT);
  absl::Status s = ctx.memory.Discard(buf->data, buf->len);
  if (absl::IsInvalidArgument(s)) return HypercallOutcome::Reply(-EINVAL);
  if (!s.ok()) return HypercallOutcome::Reply(-EFAULT);
  return HypercallOutcome::Reply(0);
}

}  // namespace hvrun
