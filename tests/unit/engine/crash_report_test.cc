#include "hvrun/engine/crash_report.h"

#include <csignal>

#include "gtest/gtest.h"
#include "hvrun/engine/signal_names.h"

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

TEST(SignalNames, KnownAndUnknown) {
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
  EXPECT_EQ(SignalName(12345), "signal 12345");
}

}  // namespace
}  // namespace hvrun
