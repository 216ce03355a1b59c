// File: tests/hostile/hostile_util.h
//
// What the hostile suites share: a scratch directory per test, where the
// hostile guest programs live, and the assertions every attack ends with
// (hvrun ended by itself, in time, with no sanitizer report and nothing left
// behind; an error is one "hvrun: " line with the right status).
//
// Example:
//   hvtest::ScratchDir dir;
//   RunResult r = RunHvrun("sim", {"-v", dir.path() + ":/w"}, HostileGuestPath("x"), {});
//   hvtest::ExpectNoCrash(r);
#ifndef TESTS_HOSTILE_HOSTILE_UTIL_H_
#define TESTS_HOSTILE_HOSTILE_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/process.h"

namespace hvtest {

// A fresh directory under /tmp, removed with everything in it at scope exit.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  // (name) inside the directory.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The hostile guest program (name) from tests/hostile/guests.
std::string HostileGuestPath(const std::string& name);

// Runs `hvrun --backend=(backend) (flags...) (program) (args...)` with the
// rest of (spec) (limits, working directory, stdout handling, extra
// environment on top of this process's).
RunResult RunHvrunWith(RunSpec spec, const std::string& backend,
                       const std::vector<std::string>& flags, const std::string& program,
                       const std::vector<std::string>& args);

// hvrun ran to its end by itself: it exited (was not killed), in time, with
// no sanitizer report and no process left behind.
void ExpectNoCrash(const RunResult& r);

// An hvrun error: (status), and stderr is exactly one line starting "hvrun: "
// that matches (pattern) (an ECMAScript regex, case-insensitive).
void ExpectError(const RunResult& r, int status, const std::string& pattern);

}  // namespace hvtest

#endif  // TESTS_HOSTILE_HOSTILE_UTIL_H_
