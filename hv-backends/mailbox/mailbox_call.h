/*
 * File: mailbox_call.h
 *
 * The guest side of a mailbox hypercall (mailbox_abi.h), as an assembler
 * macro shared by the kvm and xen guest blobs, which differ only in how
 * they ring the host: kvm writes an I/O port, xen enters a CPL0 stub that
 * makes the event channel hypercall.
 *
 *   MAILBOX_HYPERCALL mailbox, kick, wait
 *
 * where (kick) and (wait) name assembler macros without arguments, expands to the body of int64_t hypercall(uint64_t nr, uint64_t arg), CPL3,
 * ending in ret: publish (nr, arg), ring (kick) if the host thread said it
 * sleeps, spin MB_GUEST_SPIN times for the reply, then (wait) until the host
 * answers and spin again. (kick) and (wait) may clobber eax and the other
 * caller-saved registers. Uses local labels 1-4.
 */
#ifndef HV_BACKENDS_MAILBOX_MAILBOX_CALL_H_
#define HV_BACKENDS_MAILBOX_MAILBOX_CALL_H_
#ifdef __ASSEMBLER__
#include "hv-backends/mailbox/mailbox_abi.h"

.macro MAILBOX_HYPERCALL mailbox:req, kick:req, wait:req
  movq %rdi, \mailbox + MB_NR
  movq %rsi, \mailbox + MB_ARG
  movl $MB_STATE_REQUEST, %eax
  xchgl %eax, \mailbox + MB_STATE          /* publish; xchg is a full barrier */
  cmpl $0, \mailbox + MB_HOST_SLEEPING     /* Dekker with hvrun's host_sleeping store */
  je 2f
  \kick
2:
  movl $MB_GUEST_SPIN, %ecx
3:
  cmpl $MB_STATE_REPLY, \mailbox + MB_STATE
  je 4f
  pause
  decl %ecx
  jnz 3b
  \wait
  jmp 2b
4:
  movq \mailbox + MB_RESULT, %rax
  movl $MB_STATE_IDLE, \mailbox + MB_STATE
  ret
.endm

#endif /* __ASSEMBLER__ */
#endif /* HV_BACKENDS_MAILBOX_MAILBOX_CALL_H_ */
