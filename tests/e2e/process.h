// File: tests/e2e/process.h
//
// Runs a program in a child process, feeding it stdin and capturing stdout,
// stderr and how it ended, with a wall-clock timeout. Shared by the e2e and
// hostile suites, which run the same program natively and under hvrun.
//
// Example:
//   hvtest::RunResult r = hvtest::Run({.argv = {"/bin/echo", "hi"}});
//   EXPECT_TRUE(r.Exited()) << r.Describe();
//   EXPECT_EQ(r.out, "hi\n");
#ifndef TESTS_E2E_PROCESS_H_
#define TESTS_E2E_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hvtest {

struct RunSpec {
  std::vector<std::string> argv;  // argv[0] is the path executed (no PATH search)
  // The child's environment is exactly (env) when !inherit_env, else this
  // process's environment followed by (env).
  std::vector<std::string> env;
  bool inherit_env = false;
  std::string stdin_data;  // written to the child's stdin, then closed
  std::chrono::seconds timeout{60};
  // Resource limits set in the child before exec: {resource, soft[, hard]}
  // (hard defaults to soft). RLIMIT_CORE is 0 unless set here.
  static constexpr uint64_t kSameAsSoft = ~0ull - 1;
  struct Limit {
    int resource;
    uint64_t soft;
    uint64_t hard = kSameAsSoft;
  };
  std::vector<Limit> rlimits;
  std::string cwd;  // the child's working directory; "" keeps ours
  // When false, the child's stdout is a pipe that nobody reads until the
  // child has exited (a guest that floods an undrained pipe).
  bool read_stdout = true;
};

struct RunResult {
  bool started = false;    // fork/exec succeeded
  std::string error;       // why not started, or what went wrong while running
  bool exited = false;     // WIFEXITED
  int exit_code = -1;      // WEXITSTATUS when exited
  bool signaled = false;   // WIFSIGNALED
  int signo = 0;           // WTERMSIG when signaled
  bool timed_out = false;  // killed by Run() after (timeout)
  // The child exited but something it started kept stdout/stderr open, so Run()
  // had to kill its process group.
  bool left_processes_behind = false;
  std::string out;
  std::string err;
  double wall_seconds = 0;

  bool Exited() const { return started && exited && !timed_out; }
  // The status a shell would report: the exit code, or 128 + signal number.
  int ShellStatus() const;
  // A one-paragraph description for assertion messages: argv, how it ended,
  // and the start of stdout and stderr.
  std::string Describe() const;

  std::vector<std::string> argv;
};

// Runs (spec). Never throws; failures to start are reported in RunResult.
// The child runs in its own process group, with core dumps off and default
// signal dispositions; on timeout the whole group is killed.
RunResult Run(const RunSpec& spec);

// A program started in the background (a server, a guest that must be
// talked to while it runs), in a process group of its own that is killed
// with it when this goes; its stdout (and stderr, with (with_stderr)) is
// kept for Line() and Output().
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv, bool with_stderr = false);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  bool started() const { return pid_ > 0 && out_ >= 0; }
  pid_t pid() const { return pid_; }
  // The next line it writes (without '\n'), or "" after (patience).
  std::string Line(std::chrono::milliseconds patience = std::chrono::seconds(30));
  // Everything it has written so far that Line() did not take.
  const std::string& Output();
  // Whether it has ended; its shell-style status in *status then.
  bool Ended(int* status);
  // Waits up to (patience) for it to end: its shell-style status, or -1.
  int Wait(std::chrono::milliseconds patience = std::chrono::seconds(30));

 private:
  bool ReadSome(int timeout_ms);  // false at the end of its output
  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = -1;
  std::string output_;
};

// The signal's name as in <signal.h>, e.g. "SIGSEGV".
std::string SignalName(int signo);

// Whether (text) carries a sanitizer report (ASan, UBSan, LSan).
bool HasSanitizerReport(const std::string& text);

// (text), cut to (max) bytes with a note when longer, for messages.
std::string Abbrev(const std::string& text, size_t max = 2000);

// Compares two outputs; returns "" if equal, otherwise a short description
// of the first difference (offset, lengths, context on both sides).
std::string FirstDifference(const std::string& want, const std::string& got);

}  // namespace hvtest

#endif  // TESTS_E2E_PROCESS_H_
