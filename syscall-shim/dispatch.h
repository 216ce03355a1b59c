// File: syscall-shim/dispatch.h
//
// The runtime's one syscall entry. Every backend's way of catching a Linux
// syscall (sim: a SIGSYS handler; kvm: a CPL0 bounce) builds a struct
// hv_syscall_frame from the app's registers and calls hvrt_syscall on the
// app's stack; its result becomes the app's rax. hvrt registers the entry
// with HV_CALL_REGISTER before the app starts.
//
// hvrt_syscall is entered by one thread at a time, but with green threads
// (runtime/sched/) several threads may be suspended inside it at once, each
// on its own stack; only the scheduler switches between them.
//
// Example (a backend stub, after saving the app's registers):
//   hv_syscall_frame f = {rax, {rdi, rsi, rdx, r10, r8, r9}, rip, rsp, rflags};
//   rax = hvrt_syscall(&f);
#ifndef HVRT_SYSCALL_SHIM_DISPATCH_H_
#define HVRT_SYSCALL_SHIM_DISPATCH_H_

#include <stdint.h>

#include "hv/abi.h"

extern "C" int64_t hvrt_syscall(struct hv_syscall_frame* f);
// The call itself, without the trap path's bookkeeping (trapless.h): what
// hvrt_syscall and the trapless entry both end in.
extern "C" int64_t hvrt_syscall_served(struct hv_syscall_frame* f);

// The runtime's fault entry (hv_register.fault_entry): a CPU fault in app
// code, with every register in (f) (HV_FRAME_FULL, rax in nr). 0: taken (an
// app handler will run: resume at (f)); else the fault ends the run.
extern "C" int64_t hvrt_fault(struct hv_syscall_frame* f, const struct hv_fault* fault);

namespace hvrt::shim {

// The stack hvrt_fault runs on where the backend has none for it (kvm):
// the top of a runtime-owned area, for hv_register.fault_stack.
uint64_t FaultStackTop();
// What the runtime registers (HV_CALL_REGISTER): its syscall and fault
// entries.
hv_register Registration();
}  // namespace hvrt::shim

namespace hvrt::shim {

// Forgets the unknown-syscall counts (at boot).
void Reset();

// Counts (f) as unsupported and, with --verbose, names it to the host
// (HV_CALL_UNSUPPORTED), like an unknown syscall; returns -ENOSYS. For rows
// that decline on purpose (fork, execve) so that --verbose still says so.
int64_t ReportUnsupported(const hv_syscall_frame& f);

// How many times unknown syscall (nr) was made. Numbers from 512 up share
// one count.
uint64_t UnknownCount(uint64_t nr);

}  // namespace hvrt::shim

#endif  // HVRT_SYSCALL_SHIM_DISPATCH_H_
