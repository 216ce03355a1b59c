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
 * The frame and the way back are kvm's CPL3 trampoline's
 * (hv/syscall_frame_asm.h, shared with it): the extended state stays live in the
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
  BUILD_SYSCALL_FRAME
  movq %rsp, %rdi
  cld
  call hvrt_syscall_served
  testq $HV_FRAME_FULL, 136(%rsp)
  jnz 1f
  RETURN_AS_SYSRET
  /* HV_FRAME_FULL: the target goes through a word of the runtime's (one
   * thread runs at a time and nothing preempts this). */
1:
  RETURN_FULL hvrt_trapless_resume_rip(%rip)
  .size hvrt_trapless_entry, . - hvrt_trapless_entry

  .bss
  .balign 8
  .globl hvrt_trapless_resume_rip
  .hidden hvrt_trapless_resume_rip
hvrt_trapless_resume_rip:
  .quad 0

  .section .note.GNU-stack, "", @progbits
