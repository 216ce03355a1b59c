/*
 * File: xen_layout.h
 *
 * The xen backend's guest pages. A Xen PVH domain gets the same memory
 * picture as a kvm VM (kvm_layout.h: page tables, GDT, TSS, IDT, data page,
 * CPL0 stacks, written by the same code) and kvm_guest.S's syscall stubs at
 * KVM_CODE; what differs is here, shared by the guest stubs (xen_guest.S)
 * and the host side (hv-backends/xen/host). Plain #defines so the
 * assembler can use them; xen_backend.cc checks the Xen ABI numbers
 * against Xen's public headers.
 *
 *   0x3000  xen code page: the CPL3 hypercall entry, the CPL0 start, wake
 *           and exception stubs (the second page of the kvm code area; the
 *           kvm blob fills only the first)
 *   0x6200  xen fields of the data page (below)
 *   0x6400  struct hvm_start_info, then its one module (the boot info)
 *   0x7000  Xen's hypercall page (Xen writes it when the start stub asks)
 *   0x8000  Xen's shared_info page, mapped there by the start stub (the
 *           bottom of the IST1 stack area, which the #DF stub never reaches)
 */
#ifndef HV_BACKENDS_XEN_XEN_LAYOUT_H_
#define HV_BACKENDS_XEN_XEN_LAYOUT_H_

#include "hv-backends/kvm/kvm_layout.h"

#define XEN_CODE 0x3000
#define XEN_CODE_SIZE 0x1000
#define XEN_HYPERCALL_PAGE 0x7000
#define XEN_SHARED_INFO 0x8000

/* Data page fields, written by hvrun before the domain starts. */
#define XEN_DATA_PORT 0x6200       /* u32: the guest's event channel to hvrun (evtchn_send) */
#define XEN_DATA_ENTRY 0x6208      /* u64: the runtime's 64-bit entry (CPL3) */
#define XEN_DATA_STACK 0x6210      /* u64: its initial rsp */
#define XEN_DATA_BOOT_INFO 0x6218  /* u64: its rdi */
#define XEN_DATA_LSTAR 0x6220      /* u64: the syscall stub (kvm_guest.S) */
#define XEN_DATA_IDTR 0x6230       /* lidt operand: u16 limit, u64 base */
#define XEN_DATA_XATP 0x6240       /* struct xen_add_to_physmap for shared_info */
#define XEN_DATA_POLL 0x6260       /* struct sched_poll: our port, no timeout */
#define XEN_DATA_SHUTDOWN 0x6280   /* struct sched_shutdown: SHUTDOWN_crash */
#define XEN_DATA_STATUS 0x6288     /* u32: how far the start stub got (XEN_STATUS_*) */
#define XEN_DATA_ERROR 0x6290      /* i64: the failed hypercall's result */
#define XEN_DATA_CRASH_FRAME 0x6298 /* u64: where an exception stub left its frame */
#define XEN_START_INFO 0x6400      /* struct hvm_start_info (56 bytes) */
#define XEN_MODLIST 0x6440         /* struct hvm_modlist_entry (32 bytes) */

#define XEN_STATUS_LONG_MODE 1     /* the runtime's PVH entry reached the start stub */
#define XEN_STATUS_NO_XEN 2        /* no "XenVMMXenVMM" CPUID leaf */
#define XEN_STATUS_NO_SHARED_INFO 3 /* XENMEM_add_to_physmap failed (XEN_DATA_ERROR) */
#define XEN_STATUS_RUNNING 4       /* dropped to CPL3 at the runtime entry */

/* The DPL3 gate CPL3 code uses to reach the CPL0 wake stub (rax = op). */
#define XEN_VECTOR_WAKE 0x81
#define XEN_OP_KICK 1 /* EVTCHNOP_send: wake hvrun's mailbox server */
#define XEN_OP_WAIT 2 /* SCHEDOP_poll until the mailbox has a reply */
#define XEN_IDT_LIMIT ((XEN_VECTOR_WAKE + 1) * 16 - 1)

/* Xen's ABI (xen/include/public), checked in xen_backend.cc. */
#define XEN_HC_MEMORY_OP 12
#define XEN_HC_SCHED_OP 29
#define XEN_HC_EVENT_CHANNEL_OP 32
#define XEN_EVTCHNOP_SEND 4
#define XEN_SCHEDOP_SHUTDOWN 2
#define XEN_SCHEDOP_POLL 3
#define XEN_SHUTDOWN_CRASH 3
#define XEN_XENMEM_ADD_TO_PHYSMAP 7
#define XEN_SI_UPCALL_MASK 1        /* shared_info.vcpu_info[0].evtchn_upcall_mask */
#define XEN_SI_TIME 32              /* shared_info.vcpu_info[0].time */
#define XEN_SI_EVTCHN_PENDING 2048  /* shared_info.evtchn_pending */

/* An exception stub's frame, from its rsp up: cr2, r15..r8, rbp, rdi,
 * rsi, rdx, rcx, rbx, rax, then vector, error code and the CPU's iret
 * frame (rip, cs, rflags, rsp, ss). */
#define XEN_CRASH_FRAME_WORDS 23

#endif /* HV_BACKENDS_XEN_XEN_LAYOUT_H_ */
