// File: runtime/hv/cpu.h
//
// The few CPU instructions the runtime uses, each behind a function so that
// host-compiled unit tests can link a fake (cpu_fake.cc) instead of touching
// the real TSC or the host process's FS/GS base. The image links cpu_x86.cc.
//
// Why these work at CPL3: rdtsc needs CR4.TSD clear; rd/wr{fs,gs}base need
// CR4.FSGSBASE, which hvrun sets for KVM and Linux sets for sim guests where
// the host kernel supports it (else UseSegmentBaseCall); cpuid is always
// allowed (it may exit to the hypervisor, so it is not hot-path).
//
// Example:
//   uint64_t t0 = hvrt::cpu::Rdtsc();
#ifndef HVRT_HV_CPU_H_
#define HVRT_HV_CPU_H_

#include <stdint.h>

namespace hvrt::cpu {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

// Reads the time-stamp counter.
uint64_t Rdtsc();
// From now on, set FS / GS bases by calling (entry) (hv_boot_info's
// segment_base_entry: int64_t f(uint32_t arch_prctl_code, uint64_t base))
// and remember them, instead of rd/wr{fs,gs}base.
void UseSegmentBaseCall(uint64_t entry);
// Reads or writes the FS / GS segment base of the current thread.
uint64_t FsBase();
void SetFsBase(uint64_t base);
uint64_t GsBase();
void SetGsBase(uint64_t base);
// Executes cpuid for (leaf, subleaf).
CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf);
// A spin-wait hint.
void Pause();

}  // namespace hvrt::cpu

#endif  // HVRT_HV_CPU_H_
