/*
 * File: mailbox_abi.h
 *
 * The hypercall mailbox: one cache line of guest memory through which a
 * guest stub and hvrun's MailboxServer exchange a hypercall without a trap
 * when both are awake. Shared by the sim and kvm backends' guest stubs
 * (assembler) and hosts, so plain #defines.
 *
 * The guest writes nr and arg, then publishes with xchg(state, REQUEST) (a
 * full barrier) and checks host_sleeping (Dekker); hvrun answers with
 * result and CAS(state, REQUEST -> REPLY), then checks guest_sleeping. Each
 * side spins a while before it sleeps; how a side sleeps and wakes the other
 * is the backend's (sim: futex; kvm: a port exit that hvrun turns into a
 * futex call).
 */
#ifndef HV_BACKENDS_MAILBOX_MAILBOX_ABI_H_
#define HV_BACKENDS_MAILBOX_MAILBOX_ABI_H_

#define MB_STATE 0          /* u32 futex word: MB_STATE_* */
#define MB_HOST_SLEEPING 4  /* u32: hvrun is (about to be) asleep */
#define MB_GUEST_SLEEPING 8 /* u32: the guest is (about to be) asleep */
#define MB_NR 16            /* u64 */
#define MB_ARG 24           /* u64 */
#define MB_RESULT 32        /* i64 */
#define MB_SIZE 64

#define MB_STATE_IDLE 0
#define MB_STATE_REQUEST 1
#define MB_STATE_REPLY 2
#define MB_STATE_DEAD 3 /* written by hvrun only, once the run is over */

/* pause iterations a guest spins for the reply before it sleeps (~100 us) */
#define MB_GUEST_SPIN 4000

#endif /* HV_BACKENDS_MAILBOX_MAILBOX_ABI_H_ */
