// The SDK's native interface: see native.h.
#include "runtime/boot/native.h"

#include "runtime/hv/clock.h"
#include "runtime/hv/hypercall.h"

namespace hvrt::boot {
namespace {

constinit hv_native g_native = {HV_NATIVE_MAGIC, HV_ABI_VERSION, HV_BACKEND_NONE, 0, 0, 0};

// int64_t hypercall(uint64_t nr, uint64_t arg): counted like the runtime's.
int64_t NativeHypercall(uint64_t nr, uint64_t arg) { return hv::Call(nr, arg); }

// uint64_t monotonic_ns(void)
uint64_t NativeMonotonicNs() { return clock::MonotonicNs(); }

// void get_stats(struct hv_stats* out)
void NativeGetStats(hv_stats* out) { *out = hv::Stats(); }

}  // namespace

void InitNative(uint32_t backend) {
  g_native.backend = backend;
  g_native.hypercall = reinterpret_cast<uint64_t>(&NativeHypercall);
  g_native.monotonic_ns = reinterpret_cast<uint64_t>(&NativeMonotonicNs);
  g_native.get_stats = reinterpret_cast<uint64_t>(&NativeGetStats);
}

const hv_native* Native() { return &g_native; }

}  // namespace hvrt::boot
