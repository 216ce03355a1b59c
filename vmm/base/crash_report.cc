// File: crash_report.cc
#include "vmm/base/crash_report.h"

#include <csignal>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "vmm/base/signal_names.h"

namespace hvrun {

std::string FormatCrashReport(const CrashReport& crash, const Symbolizer& symbolize) {
  std::string out = absl::StrFormat("hvrun: guest crashed: %s at rip 0x%x%s", crash.what, crash.rip,
                                    symbolize ? symbolize(crash.rip) : "");
  if (crash.fault_address.has_value()) {
    absl::StrAppendFormat(&out, ", fault address 0x%x", *crash.fault_address);
  }
  out += "\n";
  int column = 0;
  for (const auto& [name, value] : crash.registers) {
    absl::StrAppendFormat(&out, "%s%-6s 0x%016x", column == 0 ? "  " : "  ", name, value);
    if (++column == 4) {
      out += "\n";
      column = 0;
    }
  }
  if (column != 0) out += "\n";
  return out;
}

void SetRegisters(CrashReport& crash, const X86Registers& g) {
  crash.registers = {{"rax", g.rax}, {"rbx", g.rbx},      {"rcx", g.rcx}, {"rdx", g.rdx},
                     {"rsi", g.rsi}, {"rdi", g.rdi},      {"rbp", g.rbp}, {"rsp", g.rsp},
                     {"r8", g.r8},   {"r9", g.r9},        {"r10", g.r10}, {"r11", g.r11},
                     {"r12", g.r12}, {"r13", g.r13},      {"r14", g.r14}, {"r15", g.r15},
                     {"rip", g.rip}, {"rflags", g.rflags}};
}

CrashReport X86ExceptionReport(const X86ExceptionFrame& f) {
  const X86Exception info = DescribeX86Vector(f.vector);
  CrashReport r;
  r.signo = info.signo;
  r.what = absl::StrFormat("%s (vector %d, error code 0x%x) -> %s", info.name, f.vector, f.error,
                           SignalName(info.signo));
  r.rip = f.regs.rip;
  if (f.vector == 14) r.fault_address = f.cr2;
  SetRegisters(r, f.regs);
  r.registers.emplace_back("cr2", f.cr2);
  r.registers.emplace_back("cs", f.cs);
  return r;
}

X86Exception DescribeX86Vector(uint64_t v) {
  switch (v) {
    case 0:
      return {"#DE divide error", SIGFPE};
    case 1:
      return {"#DB debug", SIGTRAP};
    case 3:
      return {"#BP breakpoint", SIGTRAP};
    case 4:
      return {"#OF overflow", SIGSEGV};
    case 5:
      return {"#BR bound range", SIGSEGV};
    case 6:
      return {"#UD invalid opcode", SIGILL};
    case 7:
      return {"#NM device not available", SIGFPE};
    case 8:
      return {"#DF double fault", SIGSEGV};
    case 10:
      return {"#TS invalid TSS", SIGSEGV};
    case 11:
      return {"#NP segment not present", SIGBUS};
    case 12:
      return {"#SS stack fault", SIGBUS};
    case 13:
      return {"#GP general protection", SIGSEGV};
    case 14:
      return {"#PF page fault", SIGSEGV};
    case 16:
      return {"#MF x87 floating point", SIGFPE};
    case 17:
      return {"#AC alignment check", SIGBUS};
    case 19:
      return {"#XM SIMD floating point", SIGFPE};
    default:
      return {"exception", SIGSEGV};
  }
}

}  // namespace hvrun
