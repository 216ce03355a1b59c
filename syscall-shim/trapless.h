// File: syscall-shim/trapless.h
//
// Syscalls without a trap (--syscall-path=auto, boot flag HV_BOOT_TRAPLESS).
// The app's `syscall` instruction costs a SIGSYS on sim and a full VM exit
// on this kvm; the runtime sits in the app's own address space at the
// app's privilege, so a plain call does. At the second trap from a site,
// the runtime rewrites the instruction that loads the number, not the
// syscall itself:
//
//   b8 NN NN NN NN     mov $nr, %eax        ->  e8 RR RR RR RR  call stub[nr]
//   0f 05              syscall                   0f 05           (kept)
//
//   48 c7 c0 NN..NN    mov $nr, %rax        ->  66 90 e8 RR..RR  nop; call stub[nr]
//   0f 05              syscall                   0f 05           (kept)
//
// stub[nr] (a table of 512, trapless.cc) loads nr into eax and jumps to
// hvrt_trapless_entry (trapless_entry.S), which serves the call as the trap
// path would and returns past the kept syscall. Every place the old code
// could be entered still means the same thing: the first byte (the call
// now does the whole syscall) and the syscall instruction (a jump straight
// to it, or a restart after a signal handler with SA_RESTART, which backs
// rip up by 2, traps as before, with whatever rax). No page 0, so a null
// pointer faults exactly as on Linux.
//
// Which sites: the mov's number must be the trapping rax and below 512, and
// not rt_sigreturn's (the signal restorer's bytes are what some unwinders
// match to step through a signal frame);
// the site must be the app's (above the runtime image) and private (no
// MAP_SHARED memory, which another process or a file would see); a stub
// table must be within a call's reach (+-2 GiB): one lives in the runtime
// image (static apps, ld.so), others are mapped where they are needed (a
// dynamic app's libraries at the top of memory), up to 8. The first trap
// only records the site, so calls made once (exit, execve, start-up) never
// pay for the rewrite, which opens a read-only page for a moment (a host
// mprotect on sim, a page-table edit on kvm).
//
// Limits, as zpoline's and lazypoline's: the call stores its return address
// in the word below rsp, the top of the red zone, which a leaf function
// could use across an inline syscall (glibc does not; such a program needs
// --syscall-path=trap). A `xor %eax, %eax; syscall` (read) or a number in a
// register (glibc's syscall(2)) has no room or no constant: it keeps
// trapping. Code that changes after the rewrite (a JIT) is its own.
//
// Example (syscall-shim/dispatch.cc):
//   trapless::OnTrap(*f);  // in hvrt_syscall, before serving the call
#ifndef HVRT_SYSCALL_SHIM_TRAPLESS_H_
#define HVRT_SYSCALL_SHIM_TRAPLESS_H_

#include <stdint.h>

#include "hv/abi.h"

// Where every stub jumps (trapless_entry.S).
extern "C" void hvrt_trapless_entry();

namespace hvrt::shim::trapless {

// Whether hvrun asked for it (HV_BOOT_TRAPLESS).
bool Enabled();
// A trap from the syscall at (f.rip - 2): recorded at the first, rewritten
// at the second if it qualifies (above).
void OnTrap(const hv_syscall_frame& f);
// How many sites this process rewrote (hv_exit, --verbose).
uint64_t Rewritten();
// Forgets every site and the stub tables outside the runtime image
// (execve: new code, and the app's memory is gone).
void Reset();

}  // namespace hvrt::shim::trapless

#endif  // HVRT_SYSCALL_SHIM_TRAPLESS_H_
