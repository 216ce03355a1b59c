// File: entropy.cc
#include <sys/random.h>

#include <algorithm>
#include <cerrno>

#include "vmm/services/services.h"

namespace hvrun {

HypercallOutcome Random(const ServiceContext& ctx, uint64_t arg) {
  auto buf = ctx.memory.Read<hv_buffer>(arg);
  if (!buf.ok()) return HypercallOutcome::Reply(-EFAULT);
  const uint64_t len = std::min<uint64_t>(buf->len, 1 << 20);  // short reads are allowed
  auto data = ctx.memory.Span(buf->data, len);
  if (!data.ok()) return HypercallOutcome::Reply(-EFAULT);
  size_t done = 0;
  while (done < data->size()) {
    ssize_t n = getrandom(data->data() + done, data->size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return HypercallOutcome::Reply(-errno);
    done += static_cast<size_t>(n);
  }
  return HypercallOutcome::Reply(static_cast<int64_t>(done));
}

}  // namespace hvrun
