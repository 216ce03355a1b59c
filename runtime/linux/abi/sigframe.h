// File: runtime/linux/abi/sigframe.h
//
// The x86-64 signal frame a handler finds on its stack, laid out as Linux's
// (arch/x86/include/asm/sigframe.h, uapi asm/sigcontext.h): a handler that
// reads its ucontext (SA_SIGINFO), or a debugger or unwinder that walks
// through it, sees what it would see on Linux.
//
//   rsp at entry -> pretcode   (the SA_RESTORER trampoline: rt_sigreturn)
//                   ucontext   (the interrupted registers, mask, alt stack)
//                   siginfo
//   64-aligned   -> extended state (XSAVE or FXSAVE layout), which
//                   uc_mcontext.fpstate points to
#ifndef HVRT_LINUX_ABI_SIGFRAME_H_
#define HVRT_LINUX_ABI_SIGFRAME_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/linux/abi/signal.h"

namespace hvrt::abi {

// SA_* flags (k_sigaction.flags).
inline constexpr uint64_t kSA_SIGINFO = 4;
inline constexpr uint64_t kSA_ONSTACK = 0x08000000;
inline constexpr uint64_t kSA_RESTART = 0x10000000;
inline constexpr uint64_t kSA_NODEFER = 0x40000000;
inline constexpr uint64_t kSA_RESETHAND = 0x80000000;
inline constexpr uint64_t kSA_RESTORER = 0x04000000;

// siginfo si_code values used here.
inline constexpr int32_t kSI_USER = 0;
inline constexpr int32_t kSI_TKILL = -6;

struct SigContext {  // struct sigcontext (64-bit)
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
  uint64_t eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2;
  uint64_t fpstate;  // address of the extended state, or 0
  uint64_t reserved1[8];
};
static_assert(sizeof(SigContext) == 256);
static_assert(offsetof(SigContext, rip) == 128);
static_assert(offsetof(SigContext, fpstate) == 184);

struct UContext {  // the kernel's struct ucontext
  uint64_t uc_flags;
  uint64_t uc_link;
  StackT uc_stack;
  SigContext uc_mcontext;
  uint64_t uc_sigmask;
};
static_assert(sizeof(UContext) == 304);

struct SigInfo {  // siginfo_t: 128 bytes; the kill() fields only
  int32_t si_signo;
  int32_t si_errno;
  int32_t si_code;
  int32_t pad0;
  int32_t si_pid;
  uint32_t si_uid;
  uint8_t rest[104];
};
static_assert(sizeof(SigInfo) == 128);

struct RtSigframe {
  uint64_t pretcode;
  UContext uc;
  SigInfo info;
};
static_assert(offsetof(RtSigframe, uc) == 8);
static_assert(offsetof(RtSigframe, info) == 312);

// uc_flags: the extended state is in XSAVE layout behind an FXSAVE header.
inline constexpr uint64_t kUC_FP_XSTATE = 1;
// The FXSAVE area's software-reserved bytes (offset 464) say how large the
// XSAVE area behind it is, when they start with this magic.
inline constexpr uint32_t kFP_XSTATE_MAGIC1 = 0x46505853;
inline constexpr uint64_t kFxswOffset = 464;
inline constexpr uint64_t kFxsaveSize = 512;

// The flags user code may change through rt_sigreturn (Linux's FIX_EFLAGS):
// CF PF AF ZF SF TF DF OF NT RF AC ID.
inline constexpr uint64_t kFixEflags =
    0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x4000 | 0x10000 | 0x40000 | 0x200000;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_SIGFRAME_H_
