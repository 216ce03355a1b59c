// The real instructions behind runtime/hv/cpu.h. Guest image only.
#include "runtime/hv/cpu.h"

namespace hvrt::cpu {

uint64_t Rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

namespace {

// Set when the backend sets segment bases for us (UseSegmentBaseCall); the
// bases are then only what we last set, kept here (one vCPU, so one set).
using SegmentBaseFn = int64_t (*)(uint32_t code, uint64_t base);
SegmentBaseFn g_set_base = nullptr;
uint64_t g_fs_base = 0, g_gs_base = 0;
constexpr uint32_t kArchSetGs = 0x1001, kArchSetFs = 0x1002;  // <asm/prctl.h>

}  // namespace

void UseSegmentBaseCall(uint64_t entry) { g_set_base = reinterpret_cast<SegmentBaseFn>(entry); }

uint64_t FsBase() {
  if (g_set_base != nullptr) return g_fs_base;
  uint64_t v;
  asm volatile("rdfsbase %0" : "=r"(v));
  return v;
}

// "memory": code after the write may read TLS through the new base.
void SetFsBase(uint64_t base) {
  if (g_set_base != nullptr) {
    g_fs_base = base;
    g_set_base(kArchSetFs, base);
    asm volatile("" ::: "memory");
    return;
  }
  asm volatile("wrfsbase %0" : : "r"(base) : "memory");
}

uint64_t GsBase() {
  if (g_set_base != nullptr) return g_gs_base;
  uint64_t v;
  asm volatile("rdgsbase %0" : "=r"(v));
  return v;
}

void SetGsBase(uint64_t base) {
  if (g_set_base != nullptr) {
    g_gs_base = base;
    g_set_base(kArchSetGs, base);
    asm volatile("" ::: "memory");
    return;
  }
  asm volatile("wrgsbase %0" : : "r"(base) : "memory");
}

CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

void Pause() { asm volatile("pause" ::: "memory"); }

}  // namespace hvrt::cpu
