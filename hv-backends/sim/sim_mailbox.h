/*
 * File: sim_mailbox.h
 *
 * The sim backend's guest pages, shared by the guest stubs (sim_guest.S,
 * assembled into hvrun and copied into guest memory) and the host side
 * (sim_backend.cc). Offsets are plain #defines so the assembler can use them;
 * the C++ struct below is checked against them.
 *
 *   kBackendPages + 0x0000  code page: hypercall entry, SIGSYS handler, crash
 *                           handler, signal restorer, launch stub. Syscall
 *                           User Dispatch allows host syscalls from this page
 *                           only.
 *   kBackendPages + 0x1000  mailbox page: the hypercall handshake, the
 *                           registered syscall and fault entries, the crash
 *                           report.
 *   kBackendPages + 0x2000  seccomp filter program.
 *   0x8000 .. 0x10000       the alternate stack crash reports run on.
 */
#ifndef HV_BACKENDS_SIM_SIM_MAILBOX_H_
#define HV_BACKENDS_SIM_SIM_MAILBOX_H_

#define SIM_CODE_OFFSET 0x0
#define SIM_MAILBOX_OFFSET 0x1000
#define SIM_FILTER_OFFSET 0x2000
#define SIM_PAGES_SIZE 0x3000
#define SIM_ALTSTACK 0x8000
#define SIM_ALTSTACK_SIZE 0x8000

/* Mailbox fields (byte offsets in the mailbox page): the shared hypercall
 * mailbox (MB_*, mailbox_abi.h) first, then the sim's own. */
#include "hv-backends/mailbox/mailbox_abi.h"
#define SIM_MB_SYSCALL_ENTRY MB_SIZE /* u64: runtime's hvrt_syscall, from HV_CALL_REGISTER */
#define SIM_MB_FAULT_ENTRY (MB_SIZE + 8) /* u64: runtime's fault entry, likewise (0: none) */
#define SIM_MB_CRASH 128             /* struct SimCrash */
#define SIM_MB_FPROG 512             /* struct sock_fprog pointing at the filter page */

/* Crash report: written by the guest's crash handler, read by hvrun after the
 * child died. gregs are the kernel's ucontext gregs (REG_R8 .. REG_CR2). */
#define SIM_CRASH_MAGIC 0x48535243u /* "CRSH" */
#define SIM_CRASH_MAGIC_OFF 0
#define SIM_CRASH_SIGNO_OFF 4
#define SIM_CRASH_CODE_OFF 8
#define SIM_CRASH_ADDR_OFF 16
#define SIM_CRASH_GREGS_OFF 24
#define SIM_CRASH_NGREGS 23

#ifdef __cplusplus
#include <cstdint>
namespace hvrun::sim {
struct SimCrash {
  uint32_t magic;
  int32_t signo;
  int32_t code;
  uint32_t pad;
  uint64_t addr;
  uint64_t gregs[SIM_CRASH_NGREGS];
};
static_assert(sizeof(SimCrash) == SIM_CRASH_GREGS_OFF + 8 * SIM_CRASH_NGREGS);
static_assert(offsetof(SimCrash, signo) == SIM_CRASH_SIGNO_OFF);
static_assert(offsetof(SimCrash, code) == SIM_CRASH_CODE_OFF);
static_assert(offsetof(SimCrash, addr) == SIM_CRASH_ADDR_OFF);
static_assert(offsetof(SimCrash, gregs) == SIM_CRASH_GREGS_OFF);
static_assert(SIM_MB_CRASH + sizeof(SimCrash) <= SIM_MB_FPROG);
}  // namespace hvrun::sim
#endif

#endif /* HV_BACKENDS_SIM_SIM_MAILBOX_H_ */
