// The real instructions behind runtime/hv/cpu.h. Guest image only.
#include "runtime/hv/cpu.h"
#include "runtime/linux/abi/misc.h"

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

// Sets a base with arch_prctl (code) through the backend and remembers it in
// (*kept). False where wr{fs,gs}base work instead. The call is opaque to the
// compiler, so it is also the barrier that keeps TLS reads after it.
bool SetThroughBackend(uint64_t code, uint64_t base, uint64_t* kept) {
  if (g_set_base == nullptr) return false;
  *kept = base;
  g_set_base(static_cast<uint32_t>(code), base);
  return true;
}

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
  if (SetThroughBackend(abi::kARCH_SET_FS, base, &g_fs_base)) return;
  asm volatile("wrfsbase %0" : : "r"(base) : "memory");
}

uint64_t GsBase() {
  if (g_set_base != nullptr) return g_gs_base;
  uint64_t v;
  asm volatile("rdgsbase %0" : "=r"(v));
  return v;
}

void SetGsBase(uint64_t base) {
  if (SetThroughBackend(abi::kARCH_SET_GS, base, &g_gs_base)) return;
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
