/*
 * File: syscall-shim/trapless_entry.S
 *
 * Where a rewritten syscall site lands (syscall-shim/trapless.h): the app's
 * `call stub[nr]` replaced the `mov $nr, %eax` before its syscall, and the
 * stub loaded eax and jumped here. Same privilege, same address space: no
 * trap, no exit.
 *
 * On entry: [rsp] = the return address, the kept `syscall` instruction
 * (2 bytes) that follows the call, so the app's rsp is rsp + 8 and the
 * syscall returns to [rsp] + 2; rax = nr and the argument registers as the
 * app set them; rcx and r11 are ours (a syscall clobbers them: rcx = rip,
 * r11 = rflags); rflags are still the app's (mov and jmp change none, and
 * nothing here does before pushfq).
 *
 * The call itself wrote the return address into the word below the app's
 * rsp, the top of its red zone: nothing else here touches the red zone.
 *
 * The frame and the way back mirror kvm's CPL3 trampoline
 * (hv-backends/kvm/guest/kvm_guest.S): the extended state stays live in the
 * CPU (fpstate 0: the runtime saves it where it needs it), and a frame the
 * runtime marked HV_FRAME_FULL (rt_sigreturn, a handler's entry) loads
 * every register, rcx and r11 included.
 */
#include "hv/syscall_frame_asm.h"

  .text
  .globl hvrt_trapless_entry
  .hidden hvrt_trapless_entry
  .type hvrt_trapless_entry, @function
  .balign 16
hvrt_trapless_entry:
  movq (%rsp), %rcx                   /* the kept syscall instruction ... */
  leaq 2(%rcx), %rcx                  /* ... and past it, where the call returns (lea: no flags) */
  leaq -120(%rsp), %rsp               /* below the app's 128-byte red zone */
  pushq %rcx                          /* [rsp] = return rip; app rsp = rsp + 136 */
  pushfq
  popq %r11                           /* the app's rflags, before anything changes them */
  pushq %rbp
  movq %rsp, %rbp                     /* rbp = app rsp - 144 */
  andq $-16, %rsp
  subq $FRAME_SIZE, %rsp
  STORE_FRAME_REGS
  movq 8(%rbp), %rax
  movq %rax, 56(%rsp)                 /* rip */
  leaq 144(%rbp), %rax
  movq %rax, 64(%rsp)                 /* rsp */
  movq %r11, 72(%rsp)                 /* rflags */
  movq 0(%rbp), %rax
  movq %rax, 88(%rsp)                 /* rbp, pushed above */
  movq $0, 128(%rsp)                  /* fpstate: live in the CPU */
  movq $0, 136(%rsp)                  /* flags */
  movq %rsp, %rdi
  cld
  call hvrt_syscall_served
  testq $HV_FRAME_FULL, 136(%rsp)
  jnz 1f
  LOAD_FRAME_REGS
  movq 56(%rsp), %rcx                 /* rcx = rip, as after a real syscall */
  movq 72(%rsp), %r11                 /* r11 = rflags, likewise */
  pushq %r11
  popfq
  movq 64(%rsp), %rsp                 /* the app's stack, or a signal frame on it */
  jmp *%rcx

  /* HV_FRAME_FULL: every register from the frame; the target goes through
   * a word of the runtime's, as no register is left to hold it (one thread
   * runs at a time and nothing preempts this). */
1:
  movq 56(%rsp), %rcx
  movq %rcx, hvrt_trapless_resume_rip(%rip)
  LOAD_FRAME_REGS
  movq 144(%rsp), %rcx
  movq 152(%rsp), %r11
  pushq 72(%rsp)                      /* rflags (the address is taken before the push) */
  popfq
  movq 64(%rsp), %rsp
  jmp *hvrt_trapless_resume_rip(%rip)
  .size hvrt_trapless_entry, . - hvrt_trapless_entry

  .bss
  .balign 8
  .globl hvrt_trapless_resume_rip
  .hidden hvrt_trapless_resume_rip
hvrt_trapless_resume_rip:
  .quad 0

  .section .note.GNU-stack, "", @progbits
