// File: tests/hostile/hostile_util.cc
#include "tests/hostile/hostile_util.h"

#include <stdlib.h>

#include <regex>

#include "tests/e2e/hvrun_env.h"

#ifndef HV_HOSTILE_GUESTS_DIR
#error "HV_HOSTILE_GUESTS_DIR must be defined by the build"
#endif

namespace hvtest {

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/hv_hostile_XXXXXX";
  if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  // chmod first: an attack may have left a directory without write permission.
  std::string cmd = "chmod -R u+rwx '" + path_ + "' 2>/dev/null; rm -rf '" + path_ + "'";
  (void)!system(cmd.c_str());
}

std::string HostileGuestPath(const std::string& name) {
  return std::string(HV_HOSTILE_GUESTS_DIR) + "/" + name;
}

RunResult RunHvrunWith(RunSpec spec, const std::string& backend,
                       const std::vector<std::string>& flags, const std::string& program,
                       const std::vector<std::string>& args) {
  spec.argv = {HvrunPath(), "--backend=" + backend};
  spec.argv.insert(spec.argv.end(), flags.begin(), flags.end());
  spec.argv.push_back(program);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.inherit_env = true;
  return Run(spec);
}

void ExpectNoCrash(const RunResult& r) {
  ASSERT_TRUE(r.started) << r.Describe();
  ASSERT_FALSE(r.timed_out) << r.Describe();
  ASSERT_TRUE(r.exited) << "hvrun died of a signal\n" << r.Describe();
  EXPECT_FALSE(HasSanitizerReport(r.err)) << r.Describe();
  EXPECT_FALSE(r.left_processes_behind) << r.Describe();
}

void ExpectError(const RunResult& r, int status, const std::string& pattern) {
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, status) << r.Describe();
  EXPECT_EQ(r.err.rfind("hvrun: ", 0), 0u) << "the message does not start \"hvrun: \"\n"
                                           << r.Describe();
  EXPECT_TRUE(!r.err.empty() && r.err.find('\n') == r.err.size() - 1)
      << "the message is not exactly one line\n"
      << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex(pattern, std::regex::icase)))
      << "the message does not match /" << pattern << "/i\n"
      << r.Describe();
  EXPECT_TRUE(r.out.empty()) << "an error wrote to stdout\n" << r.Describe();
}

}  // namespace hvtest
