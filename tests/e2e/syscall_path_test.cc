// File: tests/e2e/syscall_path_test.cc
//
// --syscall-path (syscall-shim/trapless.h): under auto the runtime really
// rewrites syscall sites, so that the differential cases that run with
// --syscall-path=trap (differential_test.cc) compare two different paths;
// under trap nothing is rewritten; a bad value is refused.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"

namespace hvtest {
namespace {

// The --verbose line: syscalls served and sites rewritten; -1 if absent.
long SitesRewritten(const std::string& err) {
  std::smatch m;
  static const std::regex kLine(R"((\d+) syscall site\(s\) rewritten)");
  return std::regex_search(err, m, kLine) ? std::stol(m[1]) : -1;
}

class SyscallPath : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    ASSERT_EQ(MissingHvrunBuild(), "");
  }
  RunResult Run(const std::string& path) {
    return RunHvrun(GetParam(), {"--verbose", "--syscall-path=" + path}, ProgramPath("trapless"),
                    {});
  }
};

TEST_P(SyscallPath, AutoRewritesTheSitesItCalls) {
  RunResult r = Run("auto");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("trapless: all ok"), std::string::npos) << r.Describe();
  // getppid, getpid, close, read, write, pause, rt_sigreturn, ... each from
  // one site many times.
  EXPECT_GE(SitesRewritten(r.err), 6) << r.Describe();
}

TEST_P(SyscallPath, TrapRewritesNothing) {
  RunResult r = Run("trap");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("trapless: all ok"), std::string::npos) << r.Describe();
  EXPECT_EQ(SitesRewritten(r.err), 0) << r.Describe();
}

TEST(SyscallPathFlag, RefusesAnUnknownPath) {
  ASSERT_EQ(MissingHvrunBuild(), "");
  RunResult r = RunHvrunRaw({"--syscall-path=fast", ProgramPath("hello_c")});
  EXPECT_EQ(r.exit_code, 125) << r.Describe();
  EXPECT_NE(r.err.find("--syscall-path must be auto or trap"), std::string::npos) << r.Describe();
}

// sim and kvm (xen's suite runs under QEMU in its own job).
INSTANTIATE_TEST_SUITE_P(Backends, SyscallPath, ::testing::Values("sim", "kvm"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
