/*
 * File: kvm_layout.h
 *
 * The KVM backend's guest pages, shared by the guest stubs (kvm_guest.S,
 * assembled into hvrun and copied into guest memory at a fixed address) and
 * the host side (hv-backends/kvm/host). Plain #defines so the assembler can
 * use them.
 *
 *   0x2000  code page: hypercall entry (CPL3), syscall stubs (CPL0) and the
 *           syscall trampoline (CPL3), exception stubs (CPL0)
 *   0x4000  GDT, and the 64-bit TSS at +0x100
 *   0x5000  IDT (256 gates)
 *   0x6000  data page: the registered syscall and fault entries, the
 *           kvmclock page at +0x40, the hypercall mailbox (mailbox_abi.h) at
 *           +0x100, the fault being handled at +0x500
 *   0x8000  CPL0 stacks: #DF on IST1 (0x8000..0xC000), everything else on
 *           RSP0 (0xC000..0x10000)
 *   0x40000 page tables (vmm/base/layout.h kPageTables)
 */
#ifndef HV_BACKENDS_KVM_KVM_LAYOUT_H_
#define HV_BACKENDS_KVM_KVM_LAYOUT_H_

#define KVM_CODE 0x2000
#define KVM_CODE_SIZE 0x2000
#define KVM_GDT 0x4000
#define KVM_TSS 0x4100
#define KVM_IDT 0x5000
#define KVM_DATA 0x6000
#define KVM_DATA_SYSCALL_ENTRY 0x6000 /* u64: runtime's hvrt_syscall */
#define KVM_DATA_RESUME_RIP 0x6008    /* u64: where a full register restore jumps */
#define KVM_DATA_FAULT_ENTRY 0x6010   /* u64: runtime's fault entry (0: faults end the run) */
#define KVM_DATA_FAULT_STACK 0x6018   /* u64: the stack the fault entry runs on */
#define KVM_DATA_IN_FAULT 0x6020      /* u32: 1 while a fault is with the runtime */
/* The fault the runtime is handling: a struct hv_fault (abi.h), then the
 * app's rip, rsp and rflags from the CPU's exception frame. */
#define KVM_DATA_FAULT 0x6500
#define KVM_DATA_FAULT_RIP 0x6520
#define KVM_DATA_FAULT_RSP 0x6528
#define KVM_DATA_FAULT_RFLAGS 0x6530
#define KVM_DATA_PVCLOCK 0x6040 /* struct pvclock_vcpu_time_info, 32 bytes */
#define KVM_MAILBOX 0x6100      /* the hypercall mailbox, MB_SIZE bytes */
#define KVM_CPL0_STACKS 0x8000  /* both CPL0 stacks: 0x8000 .. KVM_RSP0_TOP */
#define KVM_IST1_TOP 0xC000
#define KVM_RSP0_TOP 0x10000

/* GDT selectors. STAR wants user data at +8 and user code64 at +16 from its base. */
#define KVM_SEL_KCODE 0x08
#define KVM_SEL_KDATA 0x10
#define KVM_SEL_UCODE32 0x18
#define KVM_SEL_UDATA 0x23 /* 0x20 | RPL 3 */
#define KVM_SEL_UCODE 0x2b /* 0x28 | RPL 3 */
#define KVM_SEL_TSS 0x30

/* I/O ports the guest reaches hvrun through. */
/* Below 0x100 so `out` takes an 8-bit immediate and the TSS I/O bitmap that
 * opens them to CPL3 stays 33 bytes. */
#define KVM_PORT_KICK 0xE0      /* CPL3 out: hvrun's mailbox server sleeps; wake it */
#define KVM_PORT_WAIT 0xE1      /* CPL3 out: block this vCPU until the mailbox has a reply */
#define KVM_PORT_EXCEPTION 0xF1 /* CPL0 out from an exception stub */
#define KVM_PORT_PROBE 0xF2     /* the start-up probe's "sysret worked" */
#define KVM_TSS_IOMAP 0x68      /* I/O bitmap offset in the TSS */
#define KVM_TSS_LIMIT (KVM_TSS_IOMAP + 32) /* bitmap for ports 0..0xFF + 0xFF terminator */

#endif /* HV_BACKENDS_KVM_KVM_LAYOUT_H_ */
