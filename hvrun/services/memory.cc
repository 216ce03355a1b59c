// File: memory.cc
#include <cerrno>

#include "hvrun/layout.h"
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

HypercallOutcome MemShare(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_mem_share>(arg);
  if (!req.ok()) return HypercallOutcome::Reply(-EFAULT);
  if (req->op != HV_SHARE_ADD && req->op != HV_SHARE_REMOVE)
    return HypercallOutcome::Reply(-EINVAL);
  // Only where there are processes to share with (as host pipes).
  if (!ctx.options.host_pipes) return HypercallOutcome::Reply(-ENOSYS);
  // Only the memory the runtime hands out: never the boot info, backend
  // pages (a shared mailbox would join two processes' hypercalls), CPU
  // tables or program images, nor kvm's top page directories.
  constexpr uint64_t kTopReserve = 2ull << 20;
  const uint64_t size = ctx.memory.size();
  if (req->op == HV_SHARE_ADD &&
      (req->addr < layout::kImageAreaEnd || size < kTopReserve || req->addr > size - kTopReserve ||
       req->len > size - kTopReserve - req->addr)) {
    return HypercallOutcome::Reply(-EINVAL);
  }
  absl::Status s = req->op == HV_SHARE_ADD ? ctx.memory.Share(req->addr, req->len)
                                           : ctx.memory.Unshare(req->addr, req->len);
  if (absl::IsInvalidArgument(s)) return HypercallOutcome::Reply(-EINVAL);
  if (absl::IsOutOfRange(s)) return HypercallOutcome::Reply(-EFAULT);
  if (absl::IsResourceExhausted(s)) return HypercallOutcome::Reply(-ENOMEM);
  if (!s.ok()) return HypercallOutcome::Reply(-EIO);
  return HypercallOutcome::Reply(0);
}

}  // namespace hvrun
