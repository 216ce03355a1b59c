/*
 * File: kvm_guest.S
 *
 * The KVM backend's guest code page, assembled into hvrun as a blob that is
 * copied to guest address KVM_CODE. Unlike the sim blob it runs at a fixed
 * address, so CPL0 stubs may name absolute addresses (ABS(label)).
 *
 * Privilege: the runtime and the app run at CPL3 with IOPL 0: `out` works
 * there only on the ports the TSS I/O bitmap opens (KICK and WAIT; never
 * the exception port). CPL0 holds only the syscall stubs and the exception stubs, as
 * few instructions as possible, because on a paravirtual KVM (kvm_pvm) every
 * CPL0 instruction is emulated (~600 ns) and `sysretq` is not emulated at all.
 */
#include "hv-backends/kvm/kvm_layout.h"
#include "hv-backends/mailbox/mailbox_abi.h"
#include "hv-backends/mailbox/mailbox_call.h"

#define ABS(label) (KVM_CODE + ((label) - hv_kvm_blob_start))

  .section .rodata.hv_kvm_blob, "a"
  .balign 4096
  .globl hv_kvm_blob_start, hv_kvm_blob_end
  .globl hv_kvm_hypercall, hv_kvm_syscall_iret, hv_kvm_syscall_sysret
  .globl hv_kvm_exceptions, hv_kvm_probe
hv_kvm_blob_start:

/*
 * int64_t hv_kvm_hypercall(uint64_t nr, uint64_t arg), CPL3, through the
 * shared mailbox (mailbox_abi.h) that a host thread in hvrun serves: while
 * that thread is awake a hypercall causes no VM exit at all. A port write
 * exits only to wake it (KICK, when it said it sleeps) or to block this
 * vCPU in hvrun until the reply (WAIT, after spinning MB_GUEST_SPIN times).
 * The ports are opened to CPL3 by the TSS I/O bitmap.
 */
.macro kvm_kick
  outb %al, $KVM_PORT_KICK
.endm
.macro kvm_wait
  outb %al, $KVM_PORT_WAIT
.endm
hv_kvm_hypercall:
  MAILBOX_HYPERCALL KVM_MAILBOX, kvm_kick, kvm_wait

/*
 * The app's `syscall` lands here at CPL0 (MSR_LSTAR) with rcx = return rip,
 * r11 = rflags and rsp still the app's. Both variants step over the app's
 * 128-byte red zone, push the return rip, and drop back to CPL3 in
 * hv_kvm_syscall_trampoline with [rsp] = return rip, app rsp = rsp + 136,
 * r11 = app rflags, every other register the app's.
 *
 * The iretq variant works everywhere (kvm_pvm emulates iretq).
 */
hv_kvm_syscall_iret:
  leaq -128(%rsp), %rsp
  pushq %rcx
  movq %rsp, %rcx
  pushq $KVM_SEL_UDATA
  pushq %rcx
  pushq %r11
  pushq $KVM_SEL_UCODE
  pushq $ABS(hv_kvm_syscall_trampoline)
  iretq

/* The sysretq variant: four CPL0 instructions; chosen when the probe shows
 * the host runs CPL0 code natively (hardware VMX/SVM). */
hv_kvm_syscall_sysret:
  leaq -128(%rsp), %rsp
  pushq %rcx
  movl $ABS(hv_kvm_syscall_trampoline), %ecx
  sysretq

/*
 * CPL3: builds a struct hv_syscall_frame, calls the runtime's entry, and
 * returns to the app the way sysret would: rax = result, rcx = rip,
 * r11 = rflags, every other register as the frame holds it (as it came, or
 * as the runtime set it to enter a signal handler or return from one). The
 * extended state stays live in the CPU (fpstate 0).
 */
hv_kvm_syscall_trampoline:
  pushq %rbp
  movq %rsp, %rbp                     /* rbp = app rsp - 144 */
  andq $-16, %rsp
  subq $144, %rsp
  movq $0, 128(%rsp)                  /* fpstate: live in the CPU */
  movq %rax, 0(%rsp)
  movq %rdi, 8(%rsp)
  movq %rsi, 16(%rsp)
  movq %rdx, 24(%rsp)
  movq %r10, 32(%rsp)
  movq %r8, 40(%rsp)
  movq %r9, 48(%rsp)
  movq 8(%rbp), %rax                  /* return rip */
  movq %rax, 56(%rsp)
  leaq 144(%rbp), %rax                /* the app's rsp */
  movq %rax, 64(%rsp)
  movq %r11, 72(%rsp)
  movq %rbx, 80(%rsp)
  movq 0(%rbp), %rax                  /* the app's rbp, pushed on entry */
  movq %rax, 88(%rsp)
  movq %r12, 96(%rsp)
  movq %r13, 104(%rsp)
  movq %r14, 112(%rsp)
  movq %r15, 120(%rsp)
  movq $-38, %rax                     /* -ENOSYS until the runtime registers */
  movq KVM_DATA_SYSCALL_ENTRY, %rcx
  testq %rcx, %rcx
  jz 1f
  movq %rsp, %rdi
  cld
  call *%rcx
1:
  movq 8(%rsp), %rdi
  movq 16(%rsp), %rsi
  movq 24(%rsp), %rdx
  movq 32(%rsp), %r10
  movq 40(%rsp), %r8
  movq 48(%rsp), %r9
  movq 80(%rsp), %rbx
  movq 96(%rsp), %r12
  movq 104(%rsp), %r13
  movq 112(%rsp), %r14
  movq 120(%rsp), %r15
  movq 88(%rsp), %rbp
  movq 56(%rsp), %rcx                 /* rcx = rip, as after a real syscall */
  movq 72(%rsp), %r11                 /* r11 = rflags, likewise */
  pushq %r11
  popfq
  movq 64(%rsp), %rsp                 /* the app's stack, or a signal frame on it */
  jmp *%rcx

/*
 * Exception stubs, CPL0 (IDT gates 0..31). Each makes the frame uniform (a
 * zero error code where the CPU pushes none), pushes its vector, and reports
 * with one port write; hvrun reads the frame from the CPL0 stack and the
 * registers, and ends the run. They never return.
 */
  .balign 16
hv_kvm_exceptions:
  .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .balign 16
  .if (\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
  pushq $\v
  .else
  pushq $0
  pushq $\v
  .endif
  outb %al, $KVM_PORT_EXCEPTION
  hlt
  .endr

/*
 * Start-up probe (runs in a throwaway VM): CPL3 code that makes a syscall
 * through the sysretq stub and reports that it came back.
 */
hv_kvm_probe:
  syscall
  outb %al, $KVM_PORT_PROBE
  hlt

  .balign 4096
hv_kvm_blob_end:
  .section .note.GNU-stack, "", @progbits
