/*
 * File: xen_guest.S
 *
 * The xen backend's guest code page, assembled into hvrun as a blob that is
 * copied to guest address XEN_CODE (xen_layout.h). It runs at a fixed
 * address, so it names absolute addresses (ABS(label)).
 *
 * Privilege: as on kvm, the runtime and the app run at CPL3 and the syscall
 * stubs are kvm_guest.S's. Xen refuses hypercalls from CPL3, so the two
 * hypercalls the mailbox needs (wake hvrun, sleep until the reply) are made
 * by a CPL0 stub that CPL3 reaches with `int $XEN_VECTOR_WAKE`, and the
 * exception stubs report a fault by crashing the domain with
 * SCHEDOP_shutdown(SHUTDOWN_crash), which hvrun sees from dom0.
 */
#include "hv-backends/mailbox/mailbox_abi.h"
#include "hv-backends/mailbox/mailbox_call.h"
#include "hv-backends/xen/xen_layout.h"

#define ABS(label) (XEN_CODE + ((label) - hv_xen_blob_start))
#define MB(field) (KVM_MAILBOX + MB_##field)
#define HYPERCALL(nr) (XEN_HYPERCALL_PAGE + 32 * (nr))

#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_FSGSBASE (1 << 16)
#define CR4_OSXSAVE (1 << 18)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084

  .section .rodata.hv_xen_blob, "a"
  .balign 4096
  .globl hv_xen_blob_start, hv_xen_blob_end
  .globl hv_xen_hypercall, hv_xen_start, hv_xen_wake, hv_xen_exceptions
hv_xen_blob_start:

/*
 * int64_t hv_xen_hypercall(uint64_t nr, uint64_t arg), CPL3: kvm's mailbox
 * call (mailbox_call.h), with `int` into the wake stub where kvm writes a
 * port. Clobbers only caller-saved registers.
 */
.macro xen_kick
  movl $XEN_OP_KICK, %eax
  int $XEN_VECTOR_WAKE
.endm
.macro xen_wait
  movl $XEN_OP_WAIT, %eax
  int $XEN_VECTOR_WAKE
.endm
hv_xen_hypercall:
  MAILBOX_HYPERCALL KVM_MAILBOX, xen_kick, xen_wait

/*
 * The wake stub, CPL0 (IDT gate XEN_VECTOR_WAKE, DPL3, interrupts stay
 * off). rax = XEN_OP_KICK: notify hvrun's event channel. XEN_OP_WAIT: say
 * we sleep, then block in SCHEDOP_poll on our event channel (10 ms at a
 * time) until the mailbox leaves REQUEST. The pending bit is cleared before the state is
 * checked, so a notification after the check is never lost (Xen's poll
 * returns at once while the bit is set). Clobbers caller-saved registers
 * only, which the CPL3 caller allows.
 */
hv_xen_wake:
  cmpl $XEN_OP_KICK, %eax
  je 1f
  cmpl $XEN_OP_WAIT, %eax
  je 2f
  iretq
1:
  movl $XEN_EVTCHNOP_SEND, %edi
  movl $XEN_DATA_PORT, %esi           /* struct evtchn_send is just the port */
  movl $HYPERCALL(XEN_HC_EVENT_CHANNEL_OP), %eax
  call *%rax
  iretq
2:
  movl $1, %eax
  xchgl %eax, MB(GUEST_SLEEPING)      /* Dekker with hvrun's CAS to REPLY */
3:
  movl XEN_DATA_PORT, %eax
  lock btrq %rax, XEN_SHARED_INFO + XEN_SI_EVTCHN_PENDING
  cmpl $MB_STATE_REQUEST, MB(STATE)
  jne 4f
  /* Wake up after 10 ms at the latest and look again: the mailbox words
   * that decide who notifies whom are guest-writable, and a guest that
   * scribbles them must not sleep forever. Xen's system time from
   * shared_info is at most one reschedule old; a timeout already past
   * returns at once and the loop polls again. */
  movq XEN_SHARED_INFO + XEN_SI_TIME + 16, %rax   /* vcpu_time_info.system_time */
  addq $10000000, %rax
  movq %rax, XEN_DATA_POLL + 16                   /* sched_poll.timeout */
  movl $XEN_SCHEDOP_POLL, %edi
  movl $XEN_DATA_POLL, %esi
  movl $HYPERCALL(XEN_HC_SCHED_OP), %eax
  call *%rax
  jmp 3b
4:
  movl $0, MB(GUEST_SLEEPING)
  iretq

/*
 * The start stub, CPL0, 64-bit: the runtime's PVH entry jumps here once
 * long mode is on (pvh_entry.S). It finishes what hvrun sets from outside
 * on kvm, asks Xen for the hypercall page and the shared_info page, and
 * drops to CPL3 at the runtime's entry. A failure is written to
 * XEN_DATA_STATUS and crashes the domain (or, before the hypercall page
 * exists, halts with interrupts off, which Xen treats as a power-off);
 * hvrun reports either.
 */
hv_xen_start:
  movl $XEN_STATUS_LONG_MODE, XEN_DATA_STATUS
  movl $KVM_SEL_KDATA, %eax
  movl %eax, %ds
  movl %eax, %es
  movl %eax, %ss
  xorl %eax, %eax
  movl %eax, %fs
  movl %eax, %gs
  movl $KVM_RSP0_TOP, %esp
  lidt XEN_DATA_IDTR
  movw $KVM_SEL_TSS, %ax
  ltr %ax

  /* CR4: SSE on; FSGSBASE and XSAVE where the CPU has them. */
  movq %cr4, %rsi
  orq $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rsi
  movl $7, %eax
  xorl %ecx, %ecx
  cpuid
  testl $1, %ebx                      /* CPUID.7.0:EBX.FSGSBASE */
  jz 1f
  orq $CR4_FSGSBASE, %rsi
1:
  movl $1, %eax
  cpuid
  testl $(1 << 26), %ecx              /* CPUID.1:ECX.XSAVE */
  jz 2f
  orq $CR4_OSXSAVE, %rsi
  movq %rsi, %cr4
  movl $0xd, %eax                     /* XCR0: x87, SSE and AVX, as far as supported */
  xorl %ecx, %ecx
  cpuid
  andl $7, %eax
  xorl %edx, %edx
  xorl %ecx, %ecx
  xsetbv
  jmp 3f
2:
  movq %rsi, %cr4
3:
  fninit
  movl $0x1f80, -8(%rsp)              /* MXCSR: all SSE exceptions masked */
  ldmxcsr -8(%rsp)

  /* syscall: CPL0 CS 0x08/SS 0x10; sysret to CS 0x2b/SS 0x23 (as kvm). */
  movl $MSR_STAR, %ecx
  xorl %eax, %eax
  movl $(((KVM_SEL_UCODE32 | 3) << 16) | KVM_SEL_KCODE), %edx
  wrmsr
  movl $MSR_LSTAR, %ecx
  movl XEN_DATA_LSTAR, %eax
  movl XEN_DATA_LSTAR + 4, %edx
  wrmsr
  movl $MSR_SFMASK, %ecx
  movl $0x47700, %eax                 /* IF, TF, DF, AC cleared on entry, as Linux */
  xorl %edx, %edx
  wrmsr

  /* Xen's CPUID leaves: "XenVMMXenVMM" at 0x40000000 + n * 0x100. */
  movl $0x40000000, %r8d
4:
  movl %r8d, %eax
  cpuid
  cmpl $0x566e6558, %ebx              /* "XenV" */
  jne 5f
  cmpl $0x65584d4d, %ecx              /* "MMXe" */
  jne 5f
  cmpl $0x4d4d566e, %edx              /* "nVMM" */
  je 6f
5:
  addl $0x100, %r8d
  cmpl $0x40010000, %r8d
  jb 4b
  movl $XEN_STATUS_NO_XEN, XEN_DATA_STATUS
  hlt                                 /* with IF off, Xen takes the vCPU down */
6:
  leal 2(%r8), %eax                   /* leaf base+2: EBX = the hypercall page MSR */
  cpuid
  movl %ebx, %ecx
  movl $XEN_HYPERCALL_PAGE, %eax
  xorl %edx, %edx
  wrmsr

  /* shared_info at XEN_SHARED_INFO: the clock and the event channel bits. */
  movl $XEN_XENMEM_ADD_TO_PHYSMAP, %edi
  movl $XEN_DATA_XATP, %esi
  movl $HYPERCALL(XEN_HC_MEMORY_OP), %eax
  call *%rax
  testq %rax, %rax
  jz 7f
  movq %rax, XEN_DATA_ERROR
  movl $XEN_STATUS_NO_SHARED_INFO, XEN_DATA_STATUS
  jmp hv_xen_crash_now
7:
  movb $1, XEN_SHARED_INFO + XEN_SI_UPCALL_MASK  /* no upcalls: we poll */

  /* CPL3 at the runtime's entry, as kvm starts it. */
  movl $XEN_STATUS_RUNNING, XEN_DATA_STATUS
  pushq $KVM_SEL_UDATA
  pushq XEN_DATA_STACK
  pushq $2                            /* rflags: IF off, IOPL 0 */
  pushq $KVM_SEL_UCODE
  pushq XEN_DATA_ENTRY
  movq XEN_DATA_BOOT_INFO, %rdi
  xorl %eax, %eax
  xorl %ebx, %ebx
  xorl %ecx, %ecx
  xorl %edx, %edx
  xorl %esi, %esi
  xorl %ebp, %ebp
  xorl %r8d, %r8d
  iretq

/*
 * Exception stubs, CPL0 (IDT gates 0..31), 16 bytes each: make the frame
 * uniform (a zero error code where the CPU pushes none), push the vector,
 * and go to the common report.
 */
  .balign 16
hv_xen_exceptions:
  .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .balign 16
  .if (\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
  pushq $\v
  .else
  pushq $0
  pushq $\v
  .endif
  jmp hv_xen_report
  .endr

/* Saves every register and cr2 above the CPU's frame (XEN_CRASH_FRAME_WORDS),
 * says where, and crashes the domain: hvrun reads the frame from dom0. */
hv_xen_report:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %cr2, %rax
  pushq %rax
  movq %rsp, XEN_DATA_CRASH_FRAME
hv_xen_crash_now:
  movl $XEN_SCHEDOP_SHUTDOWN, %edi
  movl $XEN_DATA_SHUTDOWN, %esi
  movl $HYPERCALL(XEN_HC_SCHED_OP), %eax
  call *%rax
8:
  hlt
  jmp 8b

  .balign 4096
hv_xen_blob_end:
  .section .note.GNU-stack, "", @progbits
