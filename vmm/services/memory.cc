// File: memory.cc
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "vmm/base/layout.h"
#include "vmm/services/services.h"
#include "vmm/services/shm_store.h"

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
  if (req->op != HV_SHARE_ADD && req->op != HV_SHARE_REMOVE && req->op != HV_SHARE_MAP_FILE)
    return HypercallOutcome::Reply(-EINVAL);
  // Only where there are processes to share with (as host pipes).
  if (!ctx.options.host_pipes) return HypercallOutcome::Reply(-ENOSYS);
  if (req->op != HV_SHARE_REMOVE && !ShareableRange(ctx.memory, req->addr, req->len)) {
    return HypercallOutcome::Reply(-EINVAL);
  }
  absl::Status s;
  if (req->op == HV_SHARE_MAP_FILE) {
    // A file of the shared-memory store only: its size cannot drop below
    // the mapping while it lasts (shm_store.h), so hvrun's view never loses
    // a page it may touch.
    const int fd = ctx.files.fd(req->handle);
    if (fd < 0) return HypercallOutcome::Reply(-EBADF);
    const std::shared_ptr<ShmStore> store = ctx.files.shm(req->handle);
    if (store == nullptr) return HypercallOutcome::Reply(-ENODEV);
    if (req->offset % layout::kPageSize != 0 || req->len % layout::kPageSize != 0 ||
        req->len == 0 || req->offset > UINT64_MAX - req->len) {
      return HypercallOutcome::Reply(-EINVAL);
    }
    auto file = store->MapGuard(fd, req->offset + req->len);
    if (!file.ok()) {
      return HypercallOutcome::Reply(absl::IsInvalidArgument(file.status()) ? -EINVAL : -EACCES);
    }
    s = ctx.memory.MapFile(req->addr, req->len, *std::move(file), req->offset);
  } else {
    s = req->op == HV_SHARE_ADD ? ctx.memory.Share(req->addr, req->len)
                                : ctx.memory.Unshare(req->addr, req->len);
  }
  return HypercallOutcome::Reply(ShareErrno(s));
}

bool ShareableRange(const GuestMemory& memory, uint64_t addr, uint64_t len) {
  // Only the memory the runtime hands out: never the boot info, backend
  // pages (a shared mailbox would join two processes' hypercalls), CPU
  // tables or program images, nor kvm's top page directories.
  constexpr uint64_t kTopReserve = 2ull << 20;
  const uint64_t size = memory.size();
  return addr >= layout::kImageAreaEnd && size >= kTopReserve && addr <= size - kTopReserve &&
         len <= size - kTopReserve - addr;
}

int64_t ShareErrno(const absl::Status& s) {
  if (s.ok()) return 0;
  if (absl::IsInvalidArgument(s)) return -EINVAL;
  if (absl::IsOutOfRange(s)) return -EFAULT;
  if (absl::IsResourceExhausted(s)) return -ENOMEM;
  return -EIO;
}

namespace {

// A wait (*wait) or a wake's reply. Host futexes without
// FUTEX_PRIVATE_FLAG key a MAP_SHARED page by its file and offset, so a
// word in memory processes share (the same memfd page, mapped by hvrun
// once per process) is one futex in every process's view, and a word in a
// process's own memory is its alone.
int64_t CheckFutex(const ServiceContext& ctx, uint64_t arg, bool submitted, FutexWait* wait) {
  auto req = ctx.memory.Read<hv_futex>(arg);
  if (!req.ok()) return -EFAULT;
  if (!ctx.options.host_pipes) return -ENOSYS;  // no processes to share with (xen)
  if (req->addr % 4 != 0 || req->bitset == 0) return -EINVAL;
  auto word = ctx.memory.Span(req->addr, sizeof(uint32_t));
  if (!word.ok()) return -EFAULT;
  auto* host_word = reinterpret_cast<uint32_t*>(word->data());
  if (req->op == HV_FUTEX_WAKE) {
    const int n = req->val > INT_MAX ? INT_MAX : static_cast<int>(req->val);
    const long woken =
        syscall(SYS_futex, host_word, FUTEX_WAKE_BITSET, n, nullptr, nullptr, req->bitset);
    return woken < 0 ? -errno : woken;
  }
  if (req->op != HV_FUTEX_WAIT || !submitted) return -EINVAL;
  if (req->timeout_ns <= 0) return -ETIMEDOUT;
  if (__atomic_load_n(host_word, __ATOMIC_SEQ_CST) != req->val) return -EAGAIN;
  *wait = FutexWait{host_word, req->val, std::min<int64_t>(req->timeout_ns, HV_FUTEX_SLICE_NS),
                    req->bitset};
  return 0;
}

}  // namespace

HypercallOutcome Futex(const ServiceContext& ctx, uint64_t arg) {
  return HypercallOutcome::Reply(CheckFutex(ctx, arg, /*submitted=*/false, nullptr));
}

int64_t PrepareFutex(const ServiceContext& ctx, uint64_t arg, FutexWait* wait) {
  return CheckFutex(ctx, arg, /*submitted=*/true, wait);
}

}  // namespace hvrun
