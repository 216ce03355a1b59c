// File: syscall-shim/dispatch.h
//
// The runtime's one syscall entry. Every backend's way of catching a Linux
// syscall (sim: a SIGSYS handler; kvm: a CPL0 bounce) builds a struct
// hv_syscall_frame from the app's registers and calls hvrt_syscall on the
// app's stack; its result becomes the app's rax. hvrt registers the entry
// with HV_CALL_REGISTER before the app starts.
//
// hvrt_syscall is single-threaded: it must not be entered again before it
// returns (the runtime itself never makes a syscall, so it is not).
//
// Example (a backend stub, after saving the app's registers):
//   hv_syscall_frame f = {rax, {rdi, rsi, rdx, r10, r8, r9}, rip, rsp, rflags};
//   rax = hvrt_syscall(&f);
#ifndef HVRT_SYSCALL_SHIM_DISPATCH_H_
#define HVRT_SYSCALL_SHIM_DISPATCH_H_

#include <stdint.h>

#include "hv/abi.h"

extern "C" int64_t hvrt_syscall(struct hv_syscall_frame* f);

namespace hvrt::shim {

// Forgets the unknown-syscall counts (at boot).
void Reset();

// How many times unknown syscall (nr) was made. Numbers from 512 up share
// one count.
uint64_t UnknownCount(uint64_t nr);

}  // namespace hvrt::shim

#endif  // HVRT_SYSCALL_SHIM_DISPATCH_H_
