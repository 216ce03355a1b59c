// File: runtime/boot/initial_stack.h
//
// The SysV x86-64 initial process stack, laid out as Linux's
// fs/binfmt_elf.c create_elf_tables() does, from the top down:
//
//   hi -> 8 zero bytes
//         the app path (AT_EXECFN)
//         argv strings, then envp strings (copied from boot_info.strings)
//         "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
//         padding to 16 bytes
//         auxv pairs ... AT_NULL, 0
//         envp[0..envc-1], NULL
//         argv[0..argc-1], NULL
//   sp -> argc                                  (sp % 16 == 0)
//
// The auxv carries no AT_SYSINFO_EHDR (there is no vDSO) and adds
// AT_HV_NATIVE (hv/abi.h) for SDK apps.
//
// Example:
//   uint64_t sp = hvrt::boot::BuildInitialStack(bi, lo, hi, {.minsigstksz = 3632, .native = n});
#ifndef HVRT_BOOT_INITIAL_STACK_H_
#define HVRT_BOOT_INITIAL_STACK_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::boot {

struct AuxExtras {
  uint64_t minsigstksz;  // AT_MINSIGSTKSZ
  uint64_t native;       // AT_HV_NATIVE: address of the struct hv_native
};

// The number of auxv pairs BuildInitialStack writes, AT_NULL included.
inline constexpr int kAuxvPairs = 22;

// Builds the stack for the app in [lo, hi) (hi 16-byte aligned) from a
// checked (bi). Returns the app's rsp (the address of argc), or 0 if the
// strings and tables leave less than a page of the stack for the app.
uint64_t BuildInitialStack(const hv_boot_info& bi, uint64_t lo, uint64_t hi, const AuxExtras& x);

// AT_MINSIGSTKSZ as Linux computes it (arch/x86/kernel/signal.c
// init_sigframe_size, with CONFIG_IA32_EMULATION as distributions build it):
// sizeof(struct sigframe_ia32) 732 + 15 alignment + the XSAVE area for the
// enabled features (CPUID leaf 0xD sub-leaf 0 EBX; 512 for FXSAVE without
// XSAVE) + 4 (FP_XSTATE_MAGIC2) + 112 (fsave header) + 63 (XSAVE alignment),
// rounded up to 16. cpuid is allowed at CPL3 (it may exit to the hypervisor,
// so it is asked once, at boot).
uint64_t MinSigStackSize();

}  // namespace hvrt::boot

#endif  // HVRT_BOOT_INITIAL_STACK_H_
