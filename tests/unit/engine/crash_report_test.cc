#include "vmm/base/crash_report.h"

#include <csignal>

#include "gtest/gtest.h"
#include "vmm/base/signal_names.h"

namespace hvrun {
namespace {

TEST(CrashReport, NamesSignalRipSymbolFaultAddressAndRegisters) {
  CrashReport c;
  c.what = SignalDescription(SIGSEGV);
  c.signo = SIGSEGV;
  c.rip = 0x401000;
  c.fault_address = 0;
  c.registers = {{"rax", 1}, {"rbx", 2}, {"rip", 0x401000}};
  std::string out = FormatCrashReport(c, [](uint64_t rip) {
    return rip == 0x401000 ? std::string(" <main+0x10>") : std::string();
  });
  EXPECT_NE(out.find("SIGSEGV (segmentation fault)"), std::string::npos) << out;
  EXPECT_NE(out.find("rip 0x401000 <main+0x10>"), std::string::npos) << out;
  EXPECT_NE(out.find("fault address 0x0"), std::string::npos) << out;
  EXPECT_NE(out.find("rbx    0x0000000000000002"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

// The report kvm and xen build from an exception stub's frame.
TEST(X86ExceptionReport, PageFaultCarriesCr2AsFaultAddressAndTheAppsRegisters) {
  X86ExceptionFrame f{.vector = 14, .error = 6, .cr2 = 0xdead000, .cs = 0x33, .regs = {}};
  f.regs.rip = 0x401234;
  f.regs.rsp = 0x7ff000;
  f.regs.r15 = 15;
  CrashReport r = X86ExceptionReport(f);
  EXPECT_EQ(r.signo, SIGSEGV);
  EXPECT_EQ(r.rip, 0x401234u);
  ASSERT_TRUE(r.fault_address.has_value());
  EXPECT_EQ(*r.fault_address, 0xdead000u);
  EXPECT_NE(r.what.find("#PF"), std::string::npos) << r.what;
  EXPECT_NE(r.what.find("error code 0x6"), std::string::npos) << r.what;
  ASSERT_EQ(r.registers.size(), 20u);  // 16 general, rip, rflags, cr2, cs
  EXPECT_EQ(r.registers[7], (std::pair<std::string, uint64_t>{"rsp", 0x7ff000}));
  EXPECT_EQ(r.registers[15], (std::pair<std::string, uint64_t>{"r15", 15}));
  EXPECT_EQ(r.registers[16], (std::pair<std::string, uint64_t>{"rip", 0x401234}));
  EXPECT_EQ(r.registers[18], (std::pair<std::string, uint64_t>{"cr2", 0xdead000}));
  EXPECT_EQ(r.registers[19], (std::pair<std::string, uint64_t>{"cs", 0x33}));
}

TEST(X86ExceptionReport, DivideErrorIsSigfpeWithoutFaultAddress) {
  CrashReport r =
      X86ExceptionReport({.vector = 0, .error = 0, .cr2 = 0x1234, .cs = 0x33, .regs = {}});
  EXPECT_EQ(r.signo, SIGFPE);
  EXPECT_FALSE(r.fault_address.has_value());
  EXPECT_NE(r.what.find("SIGFPE"), std::string::npos) << r.what;
}

TEST(SignalNames, KnownAndUnknown) {
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
  EXPECT_EQ(SignalName(12345), "signal 12345");
}

}  // namespace
}  // namespace hvrun
