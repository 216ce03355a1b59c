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

#endif /* __ASSEMBLER__ */

#endif /* HV_SYSCALL_FRAME_ASM_H_ */
