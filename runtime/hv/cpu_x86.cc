// The real instructions behind runtime/hv/cpu.h. Guest image only.
#include "runtime/hv/cpu.h"

namespace hvrt::cpu {

uint64_t Rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

uint64_t FsBase() {
  uint64_t v;
  asm volatile("rdfsbase %0" : "=r"(v));
  return v;
}

// "memory": code after the write may read TLS through the new base.
void SetFsBase(uint64_t base) { asm volatile("wrfsbase %0" : : "r"(base) : "memory"); }

uint64_t GsBase() {
  uint64_t v;
  asm volatile("rdgsbase %0" : "=r"(v));
  return v;
}

void SetGsBase(uint64_t base) { asm volatile("wrgsbase %0" : : "r"(base) : "memory"); }

CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

void Pause() { asm volatile("pause" ::: "memory"); }

}  // namespace hvrt::cpu
