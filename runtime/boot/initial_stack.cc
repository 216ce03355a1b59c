// The SysV initial stack: see initial_stack.h.
#include "runtime/boot/initial_stack.h"

#include "runtime/hv/cpu.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/auxv.h"
#include "runtime/vdso/vdso.h"

namespace hvrt::boot {
namespace {

constexpr uint64_t kPage = 4096;

// Moves (p) down by (n) bytes and copies (src) there.
uint64_t Push(uint64_t& p, const void* src, uint64_t n) {
  p -= n;
  Copy(reinterpret_cast<void*>(p), src, n);
  return p;
}

}  // namespace

uint64_t MinSigStackSize() {
  // Linux's init_sigframe_size() as distribution kernels build it
  // (CONFIG_IA32_EMULATION=y): the frame is sized for the larger ia32
  // sigframe, and the FP state gets room for an fsave header too.
  constexpr uint64_t kSigframeIa32 = 732;  // sizeof(struct sigframe_ia32)
  constexpr uint64_t kFramePadding = 15;   // FRAME_ALIGNMENT - 1
  constexpr uint64_t kFregsState = 112;    // sizeof(struct fregs_state)
  constexpr uint64_t kXsavePadding = 63;   // the XSAVE area is 64-byte aligned
  uint64_t fpstate = 512;                  // legacy FXSAVE area
  if (cpu::Cpuid(0, 0).eax >= 0xd) {
    uint32_t xsave = cpu::Cpuid(0xd, 0).ebx;
    if (xsave != 0) fpstate = xsave + 4;  // + FP_XSTATE_MAGIC2
  }
  uint64_t size = kSigframeIa32 + kFramePadding + fpstate + kFregsState + kXsavePadding;
  return (size + 15) & ~uint64_t{15};
}

uint64_t BuildInitialStack(const hv_boot_info& bi, uint64_t lo, uint64_t hi, const AuxExtras& x) {
  const char* strings = reinterpret_cast<const char*>(bi.strings);
  uint64_t nstrings = static_cast<uint64_t>(bi.argc) + bi.envc;
  // The strings block: argc + envc NUL-terminated strings (checked at boot).
  uint64_t block = 0;
  for (uint64_t i = 0; i < nstrings; i++)
    block += StrNLen(strings + block, bi.strings_size - block) + 1;
  // AT_EXECFN: the path the app was run by.
  const char* exe = bi.exe_path != 0 ? reinterpret_cast<const char*>(bi.exe_path) : strings;
  uint64_t path_len = StrLen(exe) + 1;
  // Everything below must fit, with a page left for the app.
  uint64_t words = 1 + bi.argc + 1 + bi.envc + 1 + 2 * kAuxvPairs + 1;
  uint64_t need = 8 + path_len + block + 7 + 16 + 32 + 8 * words + kPage;
  if (hi < lo || hi - lo < need) return 0;

  uint64_t p = hi - 8;
  *reinterpret_cast<uint64_t*>(p) = 0;
  uint64_t execfn = Push(p, exe, path_len);
  uint64_t copied = Push(p, strings, block);
  uint64_t platform = Push(p, "x86_64", 7);
  uint64_t random = Push(p, bi.random, 16);
  p &= ~uint64_t{15};

  uint64_t nwords = 1 + bi.argc + 1 + bi.envc + 1 + 2 * kAuxvPairs;
  if (nwords % 2 != 0) p -= 8;  // so that rsp (= p - 8 * nwords) is 16-aligned
  uint64_t sp = p - 8 * nwords;
  uint64_t* w = reinterpret_cast<uint64_t*>(sp);

  *w++ = bi.argc;
  uint64_t s = copied;
  for (uint64_t i = 0; i < nstrings; i++) {
    *w++ = s;
    s += StrLen(reinterpret_cast<const char*>(s)) + 1;
    if (i + 1 == bi.argc) *w++ = 0;  // argv's NULL
  }
  *w++ = 0;  // envp's NULL

  // Linux's order (create_elf_tables), then ours.
  const uint64_t auxv[kAuxvPairs][2] = {
      {abi::kAT_MINSIGSTKSZ, x.minsigstksz},
      {abi::kAT_HWCAP, bi.hwcap},
      {abi::kAT_PAGESZ, kPage},
      {abi::kAT_CLKTCK, 100},
      {abi::kAT_PHDR, bi.app_phdr},
      {abi::kAT_PHENT, bi.app_phent},
      {abi::kAT_PHNUM, bi.app_phnum},
      {abi::kAT_BASE, bi.interp.size != 0 ? bi.interp_base : 0},
      {abi::kAT_FLAGS, 0},
      {abi::kAT_ENTRY, bi.app_entry},
      {abi::kAT_UID, bi.uid},
      {abi::kAT_EUID, bi.uid},
      {abi::kAT_GID, bi.gid},
      {abi::kAT_EGID, bi.gid},
      {abi::kAT_SECURE, 0},
      {abi::kAT_RANDOM, random},
      {abi::kAT_HWCAP2, bi.hwcap2},
      {abi::kAT_EXECFN, execfn},
      {abi::kAT_PLATFORM, platform},
      {abi::kAT_SYSINFO_EHDR, vdso::Image()},
      {AT_HV_NATIVE, x.native},
      {abi::kAT_NULL, 0},
  };
  Copy(w, auxv, sizeof auxv);
  return sp;
}

}  // namespace hvrt::boot
