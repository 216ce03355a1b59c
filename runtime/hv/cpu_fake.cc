// The fake CPU of cpu_fake.h, for host-compiled unit tests.
#include "runtime/hv/cpu_fake.h"

#include "runtime/hv/cpu.h"

namespace hvrt::cpu {

FakeCpu g_fake;

uint64_t Rdtsc() {
  uint64_t t = g_fake.tsc;
  g_fake.tsc += g_fake.tsc_step;
  return t;
}

void UseSegmentBaseCall(uint64_t entry) { g_fake.segment_base_entry = entry; }
uint64_t FsBase() { return g_fake.fs_base; }
void SetFsBase(uint64_t base) { g_fake.fs_base = base; }
uint64_t GsBase() { return g_fake.gs_base; }
void SetGsBase(uint64_t base) { g_fake.gs_base = base; }

CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf) {
  if (leaf == 0) return {g_fake.max_leaf, 0, 0, 0};
  if (leaf == 0xd && subleaf == 0) return {0, g_fake.xsave_size, g_fake.xsave_size, 0};
  return {0, 0, 0, 0};
}

void Pause() { g_fake.pauses++; }

}  // namespace hvrt::cpu

// The trapless entry is guest asm (syscall-shim/trapless_entry.S); host
// tests only need its address for the stub tables.
extern "C" void hvrt_trapless_entry() {}

// The vDSO's clock page and image (runtime/vdso/vdso_blob.S, guest only).
extern "C" {
alignas(4096) uint8_t hvrt_vdso_data[4096] = {};
extern const uint8_t hvrt_vdso_image[4096];
alignas(4096) const uint8_t hvrt_vdso_image[4096] = {};
}
