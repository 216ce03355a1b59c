/*
 * File: sdk/include/hv/syscall_frame_asm.h
 *
 * struct hv_syscall_frame (hv/abi.h) for the guest stubs written in
 * assembly (the backends' syscall trampolines, the runtime's trapless
 * entry): its size, the HV_FRAME_FULL flag, and the two macros that move the
 * registers every way into and out of the runtime saves alike. abi.h's
 * HV_CHECK_OFFSETs pin the offsets used here.
 */
#ifndef HV_SYSCALL_FRAME_ASM_H_
#define HV_SYSCALL_FRAME_ASM_H_

#ifdef __ASSEMBLER__

#define HV_FRAME_FULL 1
#define FRAME_SIZE 160 /* struct hv_syscall_frame */

/* Stores rax (nr), the argument registers, rbx and r12..r15 into the frame
 * at (%rsp): what every way into the runtime saves alike (rip, rsp,
 * rflags and rbp are each trampoline's own). */
.macro STORE_FRAME_REGS
  movq %rax, 0(%rsp)
  movq %rdi, 8(%rsp)
  movq %rsi, 16(%rsp)
  movq %rdx, 24(%rsp)
  movq %r10, 32(%rsp)
  movq %r8, 40(%rsp)
  movq %r9, 48(%rsp)
  movq %rbx, 80(%rsp)
  movq %r12, 96(%rsp)
  movq %r13, 104(%rsp)
  movq %r14, 112(%rsp)
  movq %r15, 120(%rsp)
.endm

/* Loads the argument and callee-saved registers from the frame at (%rsp):
 * what every return to the app restores (rax, rcx, r11, rsp, rip and
 * rflags are each path's own). */
.macro LOAD_FRAME_REGS
  movq 8(%rsp), %rdi
  movq 16(%rsp), %rsi
  movq 24(%rsp), %rdx
  movq 32(%rsp), %r10
  movq 40(%rsp), %r8
  movq 48(%rsp), %r9
  movq 80(%rsp), %rbx
  movq 88(%rsp), %rbp
  movq 96(%rsp), %r12
  movq 104(%rsp), %r13
  movq 112(%rsp), %r14
  movq 120(%rsp), %r15
.endm

/* A trampoline's way in, at CPL3, for a syscall that left [rsp] = the
 * return rip with the app's rsp at rsp + 136 (past the red zone) and
 * r11 = the app's rflags: pushes rbp (rbp = app rsp - 144) and builds the
 * frame at the new, 16-aligned (%rsp), fpstate 0 (live in the CPU), flags
 * 0. Clobbers rax. */
.macro BUILD_SYSCALL_FRAME
  pushq %rbp
  movq %rsp, %rbp
  andq $-16, %rsp
  subq $FRAME_SIZE, %rsp
  movq $0, 128(%rsp)                  /* fpstate: live in the CPU */
  movq $0, 136(%rsp)                  /* flags */
  STORE_FRAME_REGS
  movq 8(%rbp), %rax                  /* return rip */
  movq %rax, 56(%rsp)
  leaq 144(%rbp), %rax                /* the app's rsp */
  movq %rax, 64(%rsp)
  movq %r11, 72(%rsp)                 /* rflags */
  movq 0(%rbp), %rax                  /* the app's rbp, pushed above */
  movq %rax, 88(%rsp)
.endm

/* The way back from the frame at (%rsp) as sysret would: rax as the caller
 * left it (the result), rcx = rip, r11 = rflags, every other register as
 * the frame holds it (as it came, or as the runtime set it to enter a
 * signal handler or return from one). */
.macro RETURN_AS_SYSRET
  LOAD_FRAME_REGS
  movq 56(%rsp), %rcx                 /* rcx = rip, as after a real syscall */
  movq 72(%rsp), %r11                 /* r11 = rflags, likewise */
  pushq %r11
  popfq
  movq 64(%rsp), %rsp                 /* the app's stack, or a signal frame on it */
  jmp *%rcx
.endm

/* The way back from an HV_FRAME_FULL frame at (%rsp): every register from
 * it (rax from the caller's rax; rcx and r11 from the frame), jumping to its
 * rip through the memory word (resume_rip), as no register is left over to
 * hold the target. */
.macro RETURN_FULL resume_rip
  movq 56(%rsp), %rcx
  movq %rcx, \resume_rip
  LOAD_FRAME_REGS
  movq 144(%rsp), %rcx
  movq 152(%rsp), %r11
  pushq 72(%rsp)                      /* rflags (the address is taken before the push) */
  popfq
  movq 64(%rsp), %rsp
  jmp *\resume_rip
.endm

#endif /* __ASSEMBLER__ */

#endif /* HV_SYSCALL_FRAME_ASM_H_ */
