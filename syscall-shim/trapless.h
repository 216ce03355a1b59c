// File: syscall-shim/trapless.h
//
// Syscalls without a trap (--syscall-path=auto; hv/abi.h, the trapless
// page). The app's `syscall` instruction costs a SIGSYS on sim and a full
// VM exit on this kvm; the runtime sits in the app's own address space at
// the app's privilege, so a plain call would do. At the second trap from a
// site, the runtime rewrites the site's two bytes, `syscall` (0f 05), into
// `call *%rax` (ff d0): from then on the call lands at address nr in page 0,
// slides to the jump into hvrt_trapless_entry (trapless_entry.S), which
// builds the same frame the trap path does. The trap path stays, always
// correct, for every site not rewritten.
//
// Which sites: only where it is provably the same call.
//  - `mov $nr, %eax` (b8 imm32) or `mov $nr, %rax` (48 c7 c0 imm32) right
//    before the syscall, with imm == the trapping rax < HV_TRAPLESS_SLED_END:
//    the number is a constant, so rax can never be one the sled does not
//    cover (a generic syscall(2) wrapper, whose rax comes from a register,
//    keeps trapping). A jump straight to the syscall instruction from
//    elsewhere still works: any rax below the sled's end does.
//  - in the app's memory, never the runtime's or the backend's pages, and
//    not in memory shared with another process or a file (MAP_SHARED):
//    the rewrite must change this process's private code only.
//  - the second trap, not the first: rewriting opens a read-only page for
//    a moment (a host mprotect on sim, a page-table edit on kvm), which a
//    call made once (exit, execve, start-up) would never pay back.
// The limits zpoline names, and how they stand here:
//  - the red zone: `call` stores the return address in the word below rsp,
//    which a leaf function may use across an inline syscall. Compilers
//    treat an asm statement as a use of memory only when told; glibc's
//    wrappers and inline syscalls do not keep red-zone data across the
//    instruction. A program that does must run with --syscall-path=trap.
//  - a call through a null function pointer lands in page 0 too: the entry
//    checks that its return address is a site it rewrote, and otherwise
//    raises the SIGSEGV Linux would (rip at the sled, si_addr 0).
//  - reads of addresses 0-4095 succeed (the sled's bytes) where Linux
//    faults; stores still fault (the page is never writable).
//  - code that changes after the rewrite (a JIT reusing the bytes) is the
//    app's own; the table of sites is forgotten at execve.
//
// Example (syscall-shim/dispatch.cc):
//   trapless::OnTrap(*f);  // in hvrt_syscall, before serving the call
#ifndef HVRT_SYSCALL_SHIM_TRAPLESS_H_
#define HVRT_SYSCALL_SHIM_TRAPLESS_H_

#include <stdint.h>

#include "hv/abi.h"

// The jump target page 0 ends in (hv_register.trapless_entry).
extern "C" void hvrt_trapless_entry();
// What hvrt_trapless_entry calls: the syscall in (f), as hvrt_syscall.
extern "C" int64_t hvrt_syscall_trapless(struct hv_syscall_frame* f);

namespace hvrt::shim::trapless {

// Whether the backend gave the trapless page (HV_BOOT_TRAPLESS).
bool Enabled();
// A trap from the syscall at (f.rip - 2): counts it, and at the second
// trap rewrites the site if it qualifies (above).
void OnTrap(const hv_syscall_frame& f);
// Whether (site) is a syscall this process rewrote.
bool IsRewritten(uint64_t site);
// How many sites are rewritten (tests, --verbose).
uint64_t Rewritten();
// Forgets every site (boot, execve: new code).
void Reset();

}  // namespace hvrt::shim::trapless

#endif  // HVRT_SYSCALL_SHIM_TRAPLESS_H_
