// File: sysv_shm.cc
//
// HV_CALL_SYSV_SHM: System V shared memory, served by the shared-memory
// store (shm_store.h), which holds the segments of the whole container.
#include <cerrno>

#include "vmm/base/layout.h"
#include "vmm/services/services.h"
#include "vmm/services/shm_store.h"

namespace hvrun {

HypercallOutcome SysvShm(const ServiceContext& ctx, uint64_t arg) {
  auto reply = [](int64_t r) { return HypercallOutcome::Reply(r); };
  auto req = ctx.memory.Read<hv_sysv_shm>(arg);
  if (!req.ok()) return reply(-EFAULT);
  // Segments outlive one process: only where there are processes.
  if (!ctx.options.host_pipes) return reply(-ENOSYS);
  const std::shared_ptr<ShmStore> store = ctx.files.shm_store();
  if (store == nullptr) return reply(-ENOSYS);
  switch (req->op) {
    case HV_SYSV_GET:
      return reply(store->SysvGet(*req));
    case HV_SYSV_STAT: {
      hv_sysv_shm out = *req;
      if (int64_t r = store->SysvStat(req->id, &out); r < 0) return reply(r);
      return reply(ctx.memory.Write(arg, out).ok() ? 0 : -EFAULT);
    }
    case HV_SYSV_SET:
      return reply(store->SysvSet(req->id, *req));
    case HV_SYSV_REMOVE:
      return reply(store->SysvRemove(req->id));
    case HV_SYSV_ATTACH: {
      uint64_t bytes = 0;
      auto file = store->SysvAttach(req->id, req->pid, &bytes);
      if (!file.ok()) return reply(absl::IsNotFound(file.status()) ? -EINVAL : -EACCES);
      const uint64_t len = (bytes + layout::kPageSize - 1) / layout::kPageSize * layout::kPageSize;
      // The same bounds as HV_SHARE_MAP_FILE.
      if (req->addr % layout::kPageSize != 0 || !ShareableRange(ctx.memory, req->addr, len)) {
        return reply(-EINVAL);
      }
      return reply(ShareErrno(ctx.memory.MapFile(req->addr, len, *std::move(file), 0)));
    }
    default:
      return reply(-EINVAL);
  }
}

}  // namespace hvrun
