// File: runtime/hv/cpu_fake.h
//
// The host-test replacement for runtime/hv/cpu.h: a fake CPU whose TSC, FS/GS
// bases and CPUID answers a test sets. Linked only into hvrt_host, never into
// the image.
//
// Example:
//   hvrt::cpu::g_fake = {};
//   hvrt::cpu::g_fake.tsc = 1000;
//   hvrt::cpu::g_fake.tsc_step = 10;  // every Rdtsc() advances by 10
#ifndef HVRT_HV_CPU_FAKE_H_
#define HVRT_HV_CPU_FAKE_H_

#include <stdint.h>

namespace hvrt::cpu {

struct FakeCpu {
  uint64_t tsc = 0;
  uint64_t tsc_step = 0;  // added to tsc after each Rdtsc()
  uint64_t fs_base = 0;
  uint64_t gs_base = 0;
  uint64_t segment_base_entry = 0;  // UseSegmentBaseCall
  uint32_t max_leaf = 0xd;          // cpuid(0).eax
  uint32_t xsave_size = 832;        // cpuid(0xd, 0).ebx: XSAVE area for XCR0's features
  uint64_t pauses = 0;              // Pause() calls
};

extern FakeCpu g_fake;

}  // namespace hvrt::cpu

#endif  // HVRT_HV_CPU_FAKE_H_
