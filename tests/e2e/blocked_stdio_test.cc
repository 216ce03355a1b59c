// A guest thread blocked on hvrun's stdin or stdout must not hold up the
// guest's other threads (issue 4: "a blocking host request from one thread
// never stalls the others"). tests/programs/blocked_stdio runs natively and
// under each backend with a harness that feeds stdin, or starts reading
// stdout, only once the main thread has printed "main done": if a blocked
// thread stalled the guest, that line never comes and the test fails after
// a timeout. The outputs must then match the native run's.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/hvrun_env.h"

namespace hvtest {
namespace {

struct Transcript {
  std::string out, err;
  bool saw_marker = false;  // "main done" came before the harness gave way
  bool timed_out = false;
  int status = -1;
};

// Runs (argv). In "read" mode, stdout is read throughout and "hello\n" goes
// to stdin once stdout shows "main done"; in "write" mode, stdout is left
// unread until stderr shows "main done". Either way the marker must come
// within (patience).
Transcript RunWithHeldStdio(const std::vector<std::string>& argv, bool read_mode,
                            std::chrono::seconds patience = std::chrono::seconds(20)) {
  Transcript t;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return t;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  int stdin_w = in[1];
  const auto start = std::chrono::steady_clock::now();
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    const bool may_read_out = read_mode || t.saw_marker;
    pollfd fds[2] = {{out_open && may_read_out ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0}};
    const auto waited = std::chrono::steady_clock::now() - start;
    if (!t.saw_marker && waited > patience) {
      t.timed_out = true;
      break;
    }
    if (waited > patience * 3) {
      t.timed_out = true;
      break;
    }
    if (poll(fds, 2, 100) < 0) continue;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      (i == 0 ? t.out : t.err).append(buf, static_cast<size_t>(n));
    }
    const std::string& watched = read_mode ? t.out : t.err;
    if (!t.saw_marker && watched.find("main done\n") != std::string::npos) {
      t.saw_marker = true;
      if (read_mode) (void)!write(stdin_w, "hello\n", 6);
      close(stdin_w);
      stdin_w = -1;
    }
  }
  if (stdin_w >= 0) close(stdin_w);
  if (t.timed_out) kill(-pid, SIGKILL);
  waitpid(pid, &t.status, 0);
  close(out[0]);
  close(err[0]);
  return t;
}

class BlockedStdio : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(BlockedStdio, OtherThreadsRunOnAndOutputsMatchNative) {
  const auto& [backend, mode] = GetParam();
  if (std::string why = MissingPrerequisite(backend); !why.empty()) GTEST_SKIP() << why;
  ASSERT_EQ(MissingHvrunBuild(), "");
  const std::string program = ProgramPath("blocked_stdio");
  ASSERT_TRUE(FileExists(program)) << program << " is not built";
  const bool read_mode = mode == "read";

  Transcript native = RunWithHeldStdio({program, mode}, read_mode);
  ASSERT_TRUE(native.saw_marker && !native.timed_out) << "native: " << native.err;
  ASSERT_TRUE(WIFEXITED(native.status) && WEXITSTATUS(native.status) == 0) << native.err;

  Transcript guest =
      RunWithHeldStdio({HvrunPath(), "--backend=" + backend, program, mode}, read_mode);
  ASSERT_TRUE(guest.saw_marker)
      << "the guest's main thread never printed \"main done\" while another thread was "
         "blocked on hvrun's std"
      << (read_mode ? "in" : "out") << "\nstdout: " << Abbrev(guest.out, 400)
      << "\nstderr: " << Abbrev(guest.err, 400);
  ASSERT_FALSE(guest.timed_out) << Abbrev(guest.err);
  EXPECT_TRUE(WIFEXITED(guest.status) && WEXITSTATUS(guest.status) == 0) << Abbrev(guest.err);
  EXPECT_EQ(FirstDifference(native.out, guest.out), "");
  EXPECT_EQ(FirstDifference(native.err, guest.err), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, BlockedStdio,
                         ::testing::Combine(::testing::ValuesIn(BackendsUnderTest()),
                                            ::testing::Values("read", "write")),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param);
                         });

}  // namespace
}  // namespace hvtest
