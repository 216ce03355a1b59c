// File: tests/e2e/hvrun_env.h
//
// Where the suites find hvrun and the test programs, which backends they run
// under, and how to run a program natively or under hvrun the same way.
//
// Paths come from compile definitions set by tests/e2e/CMakeLists.txt
// (HV_BIN_DIR, HV_PROGRAMS_DIR); the environment variable HVRUN overrides the
// launcher (e.g. an installed or sanitized build).
//
// Example:
//   if (auto why = hvtest::MissingPrerequisite("kvm"); !why.empty()) GTEST_SKIP() << why;
//   auto r = hvtest::RunHvrun("sim", {"--verbose"}, hvtest::ProgramPath("hello_c"), {"3"});
#ifndef TESTS_E2E_HVRUN_ENV_H_
#define TESTS_E2E_HVRUN_ENV_H_

#include <string>
#include <vector>

#include "tests/e2e/process.h"

namespace hvtest {

// The backends the suites run under. Adding one is one line here. The
// environment variable HV_E2E_BACKENDS (comma-separated, e.g. "sim,kvm")
// replaces the list for one run.
inline constexpr const char* kDefaultBackends[] = {
    "sim",
    "kvm",  // skips, saying why, where /dev/kvm is absent or unusable
};
std::vector<std::string> BackendsUnderTest();

// Whether guests on (backend) can make processes (fork, exec between
// processes): Backend::ForkSupported. xen runs one process so far.
inline bool BackendForks(const std::string& backend) {
  return backend == "sim" || backend == "kvm";
}

// "" if the host can run (backend), else why not (printed when a test is
// skipped). Only host prerequisites: a backend hvrun was built without is a
// test failure, not a skip.
std::string MissingPrerequisite(const std::string& backend);

// <build>/bin/hvrun, or $HVRUN.
std::string HvrunPath();
// <build>/bin/hvrun-runtime.elf.
std::string RuntimeImagePath();
// <build>/bin/(name): examples such as hello.
std::string BinPath(const std::string& name);
// The test program (name) from tests/programs.
std::string ProgramPath(const std::string& name);
// Whether (path) is an existing file.
bool FileExists(const std::string& path);
// A message for tests that need hvrun and the runtime image: "" if both are
// built, else which is missing.
std::string MissingHvrunBuild();

// Runs (program args...) natively with exactly (env) as its environment.
RunResult RunNative(const std::string& program, const std::vector<std::string>& args,
                    const std::vector<std::string>& env = {}, const std::string& stdin_data = "");

// Runs `hvrun --backend=(backend) (flags...) [-e KEY=VAL]... (program) (args...)`.
// hvrun inherits this process's environment; the guest gets (env) via -e.
RunResult RunHvrun(const std::string& backend, const std::vector<std::string>& flags,
                   const std::string& program, const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {}, const std::string& stdin_data = "");

// Runs hvrun with exactly (args) after argv[0].
RunResult RunHvrunRaw(const std::vector<std::string>& args, const std::string& stdin_data = "");

}  // namespace hvtest

#endif  // TESTS_E2E_HVRUN_ENV_H_
