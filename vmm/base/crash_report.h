// File: crash_report.h
//
// Formats a guest fault (CrashReport, from any backend) for the user:
//   hvrun: guest crashed: SIGSEGV (segmentation fault) at rip 0x401b2d <main+13>, fault address 0x0
//     rax 0x0000000000000000  rbx ...
#ifndef VMM_BASE_CRASH_REPORT_H_
#define VMM_BASE_CRASH_REPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "vmm/base/guest_exit.h"

namespace hvrun {

// Returns " <symbol+off>" for a guest address, or "" when unknown.
using Symbolizer = std::function<std::string(uint64_t)>;

// An x86 exception vector as a report names it, and the Linux signal a
// native run would die of (kvm and xen report CPU exceptions themselves).
struct X86Exception {
  const char* name;  // "#PF page fault", ...
  int signo;
};
X86Exception DescribeX86Vector(uint64_t vector);

// A vCPU's general registers, whichever backend read them.
struct X86Registers {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rflags;
};

// Fills crash.registers with (regs) in the order every report shows them.
void SetRegisters(CrashReport& crash, const X86Registers& regs);

// The report of a CPU exception that a guest CPL0 stub caught (kvm, xen):
// the vector's name and signal, its error code, rip, the fault address for a
// #PF, the registers as the CPU left them for the app, cr2 and cs.
struct X86ExceptionFrame {
  uint64_t vector, error, cr2, cs;
  X86Registers regs;  // rip, rsp, rflags from the CPU's iret frame
};
CrashReport X86ExceptionReport(const X86ExceptionFrame& frame);

// Returns the multi-line report, ending in a newline.
std::string FormatCrashReport(const CrashReport& crash, const Symbolizer& symbolize);

}  // namespace hvrun

#endif  // VMM_BASE_CRASH_REPORT_H_
