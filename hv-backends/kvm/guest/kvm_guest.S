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
#include "hv/syscall_frame_asm.h"

#define ABS(label) (KVM_CODE + ((label) - hv_kvm_blob_start))
/* The vectors whose fault an app's signal handler may take (#DE, #BR, #UD,
 * #SS, #GP, #PF, #MF, #AC, #XM); the rest (traps, #DF, NMI, #MC...) end the
 * run with a report. */
#define KVM_FAULT_VECTORS 0xB7061


  .section .rodata.hv_kvm_blob, "a"
  .balign 4096
  .globl hv_kvm_blob_start, hv_kvm_blob_end
  .globl hv_kvm_hypercall, hv_kvm_syscall_iret, hv_kvm_syscall_sysret
  .globl hv_kvm_exceptions, hv_kvm_exception_report, hv_kvm_probe
  .globl hv_kvm_tlb_flush
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
 * extended state stays live in the CPU (fpstate 0). A frame the runtime
 * marked HV_FRAME_FULL (rt_sigreturn) goes back through hv_kvm_resume_full.
 */
hv_kvm_syscall_trampoline:
  BUILD_SYSCALL_FRAME
  movq $-38, %rax                     /* -ENOSYS until the runtime registers */
  movq KVM_DATA_SYSCALL_ENTRY, %rcx
  testq %rcx, %rcx
  jz 1f
  movq %rsp, %rdi
  cld
  call *%rcx
1:
  testq $HV_FRAME_FULL, 136(%rsp)
  jnz hv_kvm_resume_full
  RETURN_AS_SYSRET

/*
 * CPL3, rsp = a frame: loads every register from it (rax from the caller's
 * rax; rcx and r11 from the frame) and jumps to its rip through a data-page
 * word, so that no register is left over to hold the target.
 */
hv_kvm_resume_full:
  RETURN_FULL KVM_DATA_RESUME_RIP

/*
 * CPL3, on the runtime's fault stack, entered from hv_kvm_exception_common
 * with every register the app's but rip, rsp and rflags (in the data page).
 * Builds a full frame and calls the runtime's fault entry: if it took the
 * fault, the app goes on where the frame says (a handler); if not, the app
 * goes back to the faulting instruction with KVM_DATA_IN_FAULT still set, so
 * that the same fault, raised again, ends the run with its report.
 */
hv_kvm_fault_trampoline:
  subq $FRAME_SIZE, %rsp
  STORE_FRAME_REGS
  movq KVM_DATA_FAULT_RIP, %rax
  movq %rax, 56(%rsp)
  movq KVM_DATA_FAULT_RSP, %rax
  movq %rax, 64(%rsp)
  movq KVM_DATA_FAULT_RFLAGS, %rax
  movq %rax, 72(%rsp)
  movq %rbp, 88(%rsp)
  movq $0, 128(%rsp)                  /* fpstate: live in the CPU */
  movq $HV_FRAME_FULL, 136(%rsp)
  movq %rcx, 144(%rsp)
  movq %r11, 152(%rsp)
  movq %rsp, %rdi
  movl $KVM_DATA_FAULT, %esi
  cld
  call *KVM_DATA_FAULT_ENTRY
  testq %rax, %rax
  jnz 1f
  movl $0, KVM_DATA_IN_FAULT          /* taken: the next fault is the app's again */
1:
  movq 0(%rsp), %rax
  jmp hv_kvm_resume_full

/*
 * Exception stubs, CPL0 (IDT gates 0..31). Each makes the frame uniform (a
 * zero error code where the CPU pushes none), pushes its vector, and goes to
 * hv_kvm_exception_common.
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
  jmp hv_kvm_exception_common
  .endr

/*
 * CPL0, [rsp] = vector, error code, then the CPU's rip, cs, rflags, rsp, ss.
 * A fault of CPL3 code in KVM_FAULT_VECTORS goes to the runtime's fault
 * entry (hv_kvm_fault_trampoline, CPL3, on the registered fault stack) when
 * one is registered and no fault is with it already; the data page gets the
 * fault and the app's rip, rsp and rflags. Anything else is reported with
 * one port write: hvrun reads this frame from the CPL0 stack and the
 * registers, and ends the run. The report path never returns.
 */
hv_kvm_exception_common:
  cmpq $6, (%rsp)
  jne 1f
  cmpq $ABS(hv_kvm_tlb_flush_ud2), 16(%rsp)
  jne 1f
  /* The TLB flush: an invlpg per page (it also drops the cached upper
   * levels), or for more than 32 pages a CR3 reload, which drops every entry
   * (hvrun sets no global pages) but makes a shadow MMU (kvm_pvm) rebuild
   * its tables, at some 100 us. rdi and rsi are CPL3's arguments: a
   * non-canonical address faults here at CPL0, which ends the run with a
   * report (the guest can only stop itself). Then on past the 2-byte ud2. */
  cmpq $32, %rsi
  ja 3f
  testq %rsi, %rsi
  jz 4f
2:
  invlpg (%rdi)
  addq $4096, %rdi
  decq %rsi
  jnz 2b
  jmp 4f
3:
  pushq %rax
  movq %cr3, %rax
  movq %rax, %cr3
  popq %rax
4:
  addq $2, 16(%rsp)
  addq $16, %rsp
  iretq
1:
  testb $3, 24(%rsp)
  jz 9f
  cmpq $0, KVM_DATA_FAULT_ENTRY
  je 9f
  cmpl $0, KVM_DATA_IN_FAULT
  jne 9f
  pushq %rax
  pushq %rcx
  movq 16(%rsp), %rcx                 /* vector */
  movl $KVM_FAULT_VECTORS, %eax
  btl %ecx, %eax
  jnc 8f
  movl $1, KVM_DATA_IN_FAULT
  movl %ecx, KVM_DATA_FAULT           /* hv_fault.vector */
  movq $0, KVM_DATA_FAULT+4           /* signo, code: the runtime's to decide */
  movl $0, KVM_DATA_FAULT+12
  movq 24(%rsp), %rax
  movq %rax, KVM_DATA_FAULT+16        /* error */
  movq %cr2, %rax
  movq %rax, KVM_DATA_FAULT+24        /* address */
  movq 32(%rsp), %rax
  movq %rax, KVM_DATA_FAULT_RIP
  movq 48(%rsp), %rax
  movq %rax, KVM_DATA_FAULT_RFLAGS
  movq 56(%rsp), %rax
  movq %rax, KVM_DATA_FAULT_RSP
  movq $ABS(hv_kvm_fault_trampoline), %rax
  movq %rax, 32(%rsp)                 /* iret to the trampoline (cs, ss stay CPL3) */
  movq KVM_DATA_FAULT_STACK, %rax
  movq %rax, 56(%rsp)
  movq 48(%rsp), %rax
  andq $~0x40500, %rax                /* TF, DF, AC off */
  movq %rax, 48(%rsp)
  popq %rcx
  popq %rax
  addq $16, %rsp
  iretq
8:
  popq %rcx
  popq %rax
9:
hv_kvm_exception_report:
  outb %al, $KVM_PORT_EXCEPTION
  hlt

/*
 * void hv_kvm_tlb_flush(uint64_t addr, uint64_t pages), CPL3: the runtime
 * edited the page tables (runtime/mm/page_tables.h) for the (pages) 4 KiB
 * pages from (addr); make the CPU drop what it cached of them. kvm_pvm
 * answers a CPL3 `int n` with #UD, so the way to CPL0 is the #UD itself:
 * this ud2, which hv_kvm_exception_common knows by its address. Clobbers
 * rdi and rsi.
 */
hv_kvm_tlb_flush:
hv_kvm_tlb_flush_ud2:
  ud2
  ret

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
