/*
 * File: runtime/sched/context.S
 *
 * The scheduler's machine-level pieces (runtime/sched/sched.h): switching
 * between two threads suspended inside hvrt_syscall, entering a new thread's
 * app code, and saving/restoring the app's extended (x87/SSE/AVX) state.
 *
 * Why asm: a switch must control exactly which registers are saved and which
 * stack it runs on; and the runtime is compiled -mgeneral-regs-only (the image
 * check rejects vector/x87 instructions in compiled code), so xsave/xrstor
 * live here, in the only functions check_image.sh allows them in
 * (hvrt_xstate_save, hvrt_xstate_restore).
 *
 * Every routine runs at CPL3 on both backends (kvm: the trampoline's CPL3
 * side; sim: an ordinary user process).
 */
  .text

/* The saving half both entries share: the callee-saved registers and rflags
 * go on the current stack, and that stack pointer into *(%rdi), where a
 * later hvrt_ctx_switch to it pops them again. */
/* The other half: what SAVE_AND_LEAVE pushed, from the stack rsp is on. */
.macro RESTORE_AND_RETURN
  popfq
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
.endm

.macro SAVE_AND_LEAVE
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  pushfq
  movq %rsp, (%rdi)
.endm

/*
 * void hvrt_ctx_switch(uint64_t* save_rsp, uint64_t next_rsp)
 * Saves the callee-saved registers and rflags on this stack, stores rsp in
 * *save_rsp, loads next_rsp (a value stored by an earlier switch or enter)
 * and pops the other thread's registers: it "returns" from that thread's own
 * earlier call. Caller-saved registers need no saving (SysV ABI); the app's
 * registers live in its backend stub frame, further up each stack.
 */
  .globl hvrt_ctx_switch
  .type hvrt_ctx_switch, @function
  .hidden hvrt_ctx_switch
hvrt_ctx_switch:
  SAVE_AND_LEAVE
  movq %rsi, %rsp
  RESTORE_AND_RETURN
  .size hvrt_ctx_switch, . - hvrt_ctx_switch

/*
 * [[noreturn]] void hvrt_ctx_enter(uint64_t* save_rsp, const hvrt_app_regs* r)
 * Like hvrt_ctx_switch for the saving half (a later switch to *save_rsp
 * returns from this call), then starts a thread that has never run: loads
 * every general register from (r) and jumps to r->rip with r->rflags, on
 * r->rsp. Layout of hvrt_app_regs (sched.h, checked there):
 *   0 rax, 8 rbx, 16 rcx, 24 rdx, 32 rsi, 40 rdi, 48 rbp, 56 rsp,
 *   64 r8 .. 120 r15, 128 rip, 136 rflags.
 * The new thread's stack gets two words written just below its rsp (rip and
 * rflags for popfq; ret), which is free stack by the ABI (the child has not
 * run, and a fresh clone stack holds nothing below its top).
 */
/* [[noreturn]] void hvrt_enter_app(uint64_t entry, uint64_t sp) */

/* Starts the app as Linux's start_thread() does: rsp at argc, rdx = 0 (no */
/* rtld_fini for the app's atexit), every other general register 0. The */
/* entry goes through the app's stack (push + ret) so that no register has to */
/* hold it; the slot below argc is free stack. */
        .globl  hvrt_enter_app
        .type   hvrt_enter_app, @function
hvrt_enter_app:
        movq    %rsi, %rsp
        pushq   %rdi
        xorl    %eax, %eax
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        xorl    %r10d, %r10d
        xorl    %r11d, %r11d
        xorl    %r12d, %r12d
        xorl    %r13d, %r13d
        xorl    %r14d, %r14d
        xorl    %r15d, %r15d
        ret
        .size   hvrt_enter_app, . - hvrt_enter_app

/*
 * [[noreturn]] void hvrt_call_on_stack(uint64_t sp, void (*fn)(void))
 * Moves to stack (sp) (16-byte aligned) and calls fn, which never returns:
 * execve frees the old program's stack, which the runtime runs on.
 */
  .globl hvrt_call_on_stack
  .type hvrt_call_on_stack, @function
  .hidden hvrt_call_on_stack
hvrt_call_on_stack:
  movq %rdi, %rsp
  xorl %ebp, %ebp
  call *%rsi
  ud2
  .size hvrt_call_on_stack, . - hvrt_call_on_stack

/*
 * int64_t hvrt_fork_save(uint64_t* save_rsp, int64_t (*fn)(void))
 * fork's two returns. Saves the callee-saved registers and rflags here and
 * rsp in *save_rsp, as a switch away would, then calls fn (the FORK
 * hypercall; hvrun copies guest memory while it runs) and returns its
 * result: the child's pid, in the parent. The child's guest starts with a
 * copy of this very stack and resumes with hvrt_fork_resume(*save_rsp),
 * which pops the same registers and returns 0 from this call.
 */
  .globl hvrt_fork_save
  .type hvrt_fork_save, @function
  .hidden hvrt_fork_save
hvrt_fork_save:
  SAVE_AND_LEAVE
  call *%rsi
  RESTORE_AND_RETURN
  .size hvrt_fork_save, . - hvrt_fork_save

/* [[noreturn]] void hvrt_fork_resume(uint64_t rsp): see hvrt_fork_save. */
  .globl hvrt_fork_resume
  .type hvrt_fork_resume, @function
  .hidden hvrt_fork_resume
hvrt_fork_resume:
  movq %rdi, %rsp
  xorl %eax, %eax                     /* fork returns 0 in the child */
  RESTORE_AND_RETURN
  .size hvrt_fork_resume, . - hvrt_fork_resume

  .globl hvrt_ctx_enter
  .type hvrt_ctx_enter, @function
  .hidden hvrt_ctx_enter
hvrt_ctx_enter:
  SAVE_AND_LEAVE
  movq 56(%rsi), %rsp                 /* the new thread's stack */
  pushq 128(%rsi)                     /* rip, for ret */
  pushq 136(%rsi)                     /* rflags, for popfq */
  movq 0(%rsi), %rax
  movq 8(%rsi), %rbx
  movq 16(%rsi), %rcx
  movq 24(%rsi), %rdx
  movq 40(%rsi), %rdi
  movq 48(%rsi), %rbp
  movq 64(%rsi), %r8
  movq 72(%rsi), %r9
  movq 80(%rsi), %r10
  movq 88(%rsi), %r11
  movq 96(%rsi), %r12
  movq 104(%rsi), %r13
  movq 112(%rsi), %r14
  movq 120(%rsi), %r15
  movq 32(%rsi), %rsi
  popfq
  ret                                 /* to rip; rsp back to r->rsp */
  .size hvrt_ctx_enter, . - hvrt_ctx_enter

/*
 * void hvrt_xstate_save(void* area, uint64_t mask)
 * void hvrt_xstate_restore(const void* area, uint64_t mask)
 * (area) is 64-byte aligned. mask != 0: xsave64/xrstor64 of the components
 * in (mask) (a subset of XCR0); mask == 0: the CPU or OS has no XSAVE, so
 * fxsave64/fxrstor64 (x87 + SSE, 512 bytes, 16-byte aligned).
 */
  .globl hvrt_xstate_save
  .type hvrt_xstate_save, @function
  .hidden hvrt_xstate_save
hvrt_xstate_save:
  testq %rsi, %rsi
  jz 1f
  movl %esi, %eax
  shrq $32, %rsi
  movl %esi, %edx
  xsave64 (%rdi)
  ret
1:
  fxsave64 (%rdi)
  ret
  .size hvrt_xstate_save, . - hvrt_xstate_save

  .globl hvrt_xstate_restore
  .type hvrt_xstate_restore, @function
  .hidden hvrt_xstate_restore
hvrt_xstate_restore:
  testq %rsi, %rsi
  jz 1f
  movl %esi, %eax
  shrq $32, %rsi
  movl %esi, %edx
  xrstor64 (%rdi)
  ret
1:
  fxrstor64 (%rdi)
  ret
  .size hvrt_xstate_restore, . - hvrt_xstate_restore

/* uint64_t hvrt_xgetbv0(void): XCR0 (only called when CPUID says OSXSAVE). */
  .globl hvrt_xgetbv0
  .type hvrt_xgetbv0, @function
  .hidden hvrt_xgetbv0
hvrt_xgetbv0:
  xorl %ecx, %ecx
  xgetbv
  shlq $32, %rdx
  movl %eax, %eax
  orq %rdx, %rax
  ret
  .size hvrt_xgetbv0, . - hvrt_xgetbv0

  .section .note.GNU-stack, "", @progbits
