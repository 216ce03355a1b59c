// File: tests/e2e/process_test.cc
//
// The runner the e2e and hostile suites depend on: it must pass stdin and
// capture stdout/stderr in full, report how the child ended, and catch hangs
// and leftover processes. (If it lost data, native and hvrun runs could
// "agree" on the same wrong output.)
#include "tests/e2e/process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>

#include "tests/e2e/hvrun_env.h"

namespace hvtest {
namespace {

TEST(Process, StreamsLargeStdinAndStdout) {
  std::string in;
  for (int i = 0; in.size() < 3u << 20; ++i) in += "line " + std::to_string(i) + " abcXYZ\n";
  RunResult r = RunNative(ProgramPath("stdin_echo"), {}, {}, in);
  ASSERT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 0);
  std::string upper = in;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(FirstDifference(upper, r.out), "");
  EXPECT_EQ(r.err, "stdin_echo: " + std::to_string(in.size()) + " bytes\n");
}

TEST(Process, ReportsSignalDeathAsShellStatus) {
  RunResult r = RunNative(ProgramPath("crash_ud2"), {});
  ASSERT_TRUE(r.started) << r.Describe();
  EXPECT_TRUE(r.signaled) << r.Describe();
  EXPECT_EQ(r.signo, SIGILL);
  EXPECT_EQ(r.ShellStatus(), 132);
  EXPECT_EQ(SignalName(SIGILL), "SIGILL");
}

TEST(Process, EnvironmentIsExactlyTheGivenOne) {
  RunResult r = RunNative(ProgramPath("args_env"), {"x"}, {"HV_TEST_A=1"});
  ASSERT_TRUE(r.Exited()) << r.Describe();
  EXPECT_NE(r.out.find("HV_TEST_A=[1]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HV_TEST_B is unset"), std::string::npos) << r.out;
}

TEST(Process, MissingProgramDoesNotStart) {
  RunResult r = RunNative("/nonexistent/program", {});
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.error.find("No such file"), std::string::npos) << r.error;
}

TEST(Process, TimesOutAndKills) {
  RunSpec spec{.argv = {"/bin/sleep", "30"}, .timeout = std::chrono::seconds(1)};
  RunResult r = hvtest::Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.Exited());
  EXPECT_LT(r.wall_seconds, 10);
}

TEST(Process, NoticesLeftoverProcessesHoldingOutput) {
  RunSpec spec{.argv = {"/bin/sh", "-c", "sleep 30 & echo started"}};
  RunResult r = hvtest::Run(spec);
  EXPECT_TRUE(r.left_processes_behind) << r.Describe();
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.out, "started\n");
  EXPECT_LT(r.wall_seconds, 15);
}

}  // namespace
}  // namespace hvtest
