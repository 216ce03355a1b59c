// The counted hypercall wrapper: see hypercall.h.
#include "runtime/hv/hypercall.h"

#include "runtime/linux/abi/errno.h"

namespace hvrt::hv {
namespace {

constinit EntryFn g_entry = nullptr;
constinit hv_stats g_stats = {};

}  // namespace

void Init(uint64_t entry) {
  g_entry = reinterpret_cast<EntryFn>(entry);
  g_stats = {};
}

int64_t Call(uint64_t nr, uint64_t arg) {
  g_stats.hypercalls++;
  if (nr < HV_CALL_MAX) g_stats.per_call[nr]++;
  if (g_entry == nullptr) return -abi::kENOSYS;
  return g_entry(nr, arg);
}

hv_stats& Stats() { return g_stats; }

}  // namespace hvrt::hv
