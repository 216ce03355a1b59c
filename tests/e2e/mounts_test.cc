// File: tests/e2e/mounts_test.cc
//
// Host directory mounts (hvrun -v HOST:GUEST[:ro]) under every backend:
//   - escapes: tests/programs/escape tries to leave a mount through prepared
//     symlinks (relative, absolute, /proc/self/root) and "..": every attempt
//     fails, and the file outside is unchanged;
//   - :ro: reads work, every kind of write is EROFS;
//   - real shells: Debian's bash-static and busybox run
//     tests/e2e/scripts/builtins.sh (shell builtins only: hvrun runs one
//     process) natively and under hvrun, with the scripts mounted read-only
//     and a scratch directory read-write; outputs must match. busybox's
//     in-process applets (cat, ls, wc, stat) likewise.
// (tests/e2e/differential_test.cc's mounted_files case covers the file
// operations themselves.)
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "tests/e2e/elf_util.h"
#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"

namespace hvtest {
namespace {

namespace fs = std::filesystem;

constexpr char kSecret[] = "TOPSECRET-hvrun-escape-test\n";

class Mounts : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    ASSERT_EQ(MissingHvrunBuild(), "");
    base_ = MakeTempDir();
    ASSERT_FALSE(base_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    for (const std::string& d : dirs_) fs::remove_all(d, ec);
  }

  std::string MakeTempDir() {
    std::string tmpl = ::testing::TempDir() + "hv_mounts_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return "";
    // realpath: the absolute symlinks below must name the real place.
    std::error_code ec;
    std::string real = fs::canonical(tmpl, ec).string();
    dirs_.push_back(real);
    return real;
  }

  std::string base_;
  std::vector<std::string> dirs_;
};

// Runs under hvrun and natively and expects the same stdout and status.
void ExpectSameOutput(const RunResult& native, const RunResult& guest) {
  ASSERT_TRUE(native.Exited()) << native.Describe();
  ASSERT_TRUE(guest.Exited()) << guest.Describe();
  EXPECT_FALSE(HasSanitizerReport(guest.err)) << guest.Describe();
  EXPECT_EQ(guest.exit_code, native.exit_code)
      << "native: " << native.Describe() << "\nhvrun: " << guest.Describe();
  EXPECT_EQ(FirstDifference(native.out, guest.out), "") << "hvrun: " << guest.Describe();
}

TEST_P(Mounts, EscapeAttemptsAllFail) {
  // base/secret outside; base/data mounted at /data with links out of it.
  const std::string secret = base_ + "/secret";
  const std::string data = base_ + "/data";
  ASSERT_TRUE(WriteFile(secret, kSecret, 0600));
  ASSERT_EQ(mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((data + "/sub").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFile(data + "/sub/victim", "victim\n", 0644));
  const std::vector<std::pair<std::string, std::string>> links = {
      {"rel.lnk", "../secret"},
      {"abs.lnk", secret},
      {"proc.lnk", "/proc/self/root" + secret},
      {"deep.lnk", "sub/../../secret"},
      {"sub/rel2.lnk", "../../secret"},
      {"up.lnk", ".."},
      {"root.lnk", base_},
      {"procroot.lnk", "/proc/self/root" + base_},
  };
  for (const auto& [name, target] : links) {
    ASSERT_EQ(symlink(target.c_str(), (data + "/" + name).c_str()), 0) << name;
  }
  struct stat before;
  ASSERT_EQ(stat(secret.c_str(), &before), 0);

  RunResult r = RunHvrun(GetParam(), {"-v", data + ":/data"}, ProgramPath("escape"), {"/data"});
  ASSERT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("escape: done"), std::string::npos) << r.Describe();
  int attempts = 0;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t end = r.out.find('\n', pos);
    if (end == std::string::npos) end = r.out.size();
    std::string line = r.out.substr(pos, end - pos);
    pos = end + 1;
    if (line == "escape: done") continue;
    attempts++;
    EXPECT_EQ(line.find(": ok"), std::string::npos) << "an escape attempt worked: " << line;
    EXPECT_NE(line.find(": E"), std::string::npos) << "no errno: " << line;
  }
  EXPECT_GE(attempts, 60) << r.Describe();
  EXPECT_EQ(r.out.find("TOPSECRET"), std::string::npos) << r.Describe();

  struct stat after;
  ASSERT_EQ(stat(secret.c_str(), &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_nlink, before.st_nlink);
  EXPECT_EQ(after.st_size, before.st_size);
  EXPECT_EQ(ReadFile(secret), kSecret);
  for (const char* planted : {"planted", "planted_dir", "planted_lnk", "stolen"}) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(base_ + "/" + planted))) << planted;
    EXPECT_FALSE(fs::exists(fs::symlink_status("/" + std::string(planted)))) << planted;
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(data + "/stolen")));
  EXPECT_EQ(ReadFile(data + "/sub/victim"), "victim\n");
}

TEST_P(Mounts, ReadOnlyMountRefusesWrites) {
  ASSERT_TRUE(WriteFile(base_ + "/in.txt", "from the host\n", 0644));
  RunResult r =
      RunHvrun(GetParam(), {"--volume=" + base_ + ":/ro:ro"}, ProgramPath("escape"), {"ro", "/ro"});
  ASSERT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("read in.txt: ok read 14 [from the host\n]"), std::string::npos)
      << r.Describe();
  for (const char* write : {"create new.txt", "open in.txt for write", "open in.txt O_TRUNC",
                            "unlink in.txt", "mkdir newdir", "rename in.txt", "chmod in.txt",
                            "truncate in.txt", "symlink", "link", "utimes", "access W_OK"}) {
    EXPECT_NE(r.out.find(std::string(write) + ": EROFS\n"), std::string::npos) << write << "\n"
                                                                               << r.Describe();
  }
  EXPECT_EQ(ReadFile(base_ + "/in.txt"), "from the host\n");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(base_)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"in.txt"});
}

// A guest path outside every mount still does not exist.
TEST_P(Mounts, UnmountedPathsStayInvisible) {
  ASSERT_TRUE(WriteFile(base_ + "/in.txt", "x\n", 0644));
  RunResult r =
      RunHvrun(GetParam(), {"-v", base_ + ":/data:ro"}, "/bin/busybox", {"cat", base_ + "/in.txt"});
  ASSERT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.Describe();
}

// A shell (bash-static, busybox sh) running the builtins-only script.
void RunScript(const std::string& backend, const std::string& shell,
               const std::vector<std::string>& shell_args, const std::string& native_scratch,
               const std::string& guest_scratch) {
  const std::string scripts = HV_E2E_SCRIPTS_DIR;
  std::vector<std::string> args = shell_args;
  args.insert(args.end(), {scripts + "/builtins.sh", native_scratch, scripts});
  RunResult native = RunNative(shell, args);
  args = shell_args;
  args.insert(args.end(), {"/scripts/builtins.sh", "/data", "/scripts"});
  RunResult guest = RunHvrun(
      backend, {"-v", scripts + ":/scripts:ro", "-v", guest_scratch + ":/data"}, shell, args);
  ExpectSameOutput(native, guest);
  EXPECT_NE(native.out.find("total 42"), std::string::npos) << native.Describe();
  EXPECT_EQ(ReadFile(guest_scratch + "/out.txt"), ReadFile(native_scratch + "/out.txt"));
}

// /tmp is a host directory every process shares (hvrun's own, removed at
// the end); a -v mount below /tmp keeps the guest's own /tmp so the mount
// shows (hvrun --verbose says why), and -v over /tmp is the user's.
TEST_P(Mounts, TmpIsSharedUnlessAMountIsThere) {
  if (!FileExists("/bin/busybox")) GTEST_SKIP() << "no /bin/busybox (scripts/install-deps.sh)";
  // Sharing needs processes (xen runs one: only the mounts below are tried).
  if (BackendForks(GetParam())) {
    const std::vector<std::string> sh = {
        "sh", "-c",
        "/bin/busybox ls / > /tmp/x && /bin/busybox wc -c < /tmp/x | /bin/busybox tr -d ' '"};
    RunResult shared = RunHvrun(GetParam(), {"-v", "/bin:/bin:ro"}, "/bin/busybox", sh);
    ASSERT_TRUE(shared.Exited()) << shared.Describe();
    EXPECT_EQ(shared.exit_code, 0) << shared.Describe();
    EXPECT_NE(shared.out, "0\n") << "the child's /tmp file did not reach its parent\n"
                                 << shared.Describe();
    // --tmp-size=0: each process its own in-memory /tmp, so the parent sees
    // nothing of what the child wrote (an empty file at most: busybox sh
    // opens the redirection before it forks).
    RunResult own =
        RunHvrun(GetParam(), {"--tmp-size=0", "-v", "/bin:/bin:ro"}, "/bin/busybox", sh);
    ASSERT_TRUE(own.Exited()) << own.Describe();
    EXPECT_EQ(own.out, "0\n") << own.Describe();
  }
  ASSERT_TRUE(WriteFile(base_ + "/in.txt", "below tmp\n", 0644));
  RunResult below = RunHvrun(GetParam(), {"--verbose", "-v", base_ + ":/tmp/sub:ro"},
                             "/bin/busybox", {"cat", "/tmp/sub/in.txt"});
  ASSERT_TRUE(below.Exited()) << below.Describe();
  EXPECT_EQ(below.out, "below tmp\n") << below.Describe();
  EXPECT_NE(below.err.find("/tmp stays the guest's own"), std::string::npos) << below.Describe();
  RunResult over =
      RunHvrun(GetParam(), {"-v", base_ + ":/tmp:ro"}, "/bin/busybox", {"cat", "/tmp/in.txt"});
  EXPECT_EQ(over.out, "below tmp\n") << over.Describe();
}

TEST_P(Mounts, BashStaticBuiltinsScript) {
  if (!FileExists("/bin/bash-static"))
    GTEST_SKIP() << "no /bin/bash-static (scripts/install-deps.sh)";
  std::string native = MakeTempDir();
  std::string guest = MakeTempDir();
  RunScript(GetParam(), "/bin/bash-static", {}, native, guest);
}

TEST_P(Mounts, BusyboxShBuiltinsScript) {
  if (!FileExists("/bin/busybox")) GTEST_SKIP() << "no /bin/busybox (scripts/install-deps.sh)";
  std::string native = MakeTempDir();
  std::string guest = MakeTempDir();
  RunScript(GetParam(), "/bin/busybox", {"sh"}, native, guest);
}

// busybox applets that run in-process, on a read-only mount.
TEST_P(Mounts, BusyboxApplets) {
  if (!FileExists("/bin/busybox")) GTEST_SKIP() << "no /bin/busybox (scripts/install-deps.sh)";
  ASSERT_TRUE(WriteFile(base_ + "/a.txt", "one\ntwo words\nthree\n", 0644));
  ASSERT_TRUE(WriteFile(base_ + "/b.txt", "", 0600));
  ASSERT_EQ(mkdir((base_ + "/dir").c_str(), 0750), 0);
  ASSERT_EQ(symlink("a.txt", (base_ + "/link").c_str()), 0);
  const std::vector<std::vector<std::string>> runs = {
      {"cat", "@/a.txt"},
      {"ls", "-1", "@"},
      {"ls", "-l", "-n", "--full-time", "@/a.txt"},
      {"wc", "@/a.txt"},
      {"wc", "-l", "@/a.txt", "@/link"},
      {"stat", "-c", "%n %s %A %F", "@/a.txt", "@/b.txt", "@/dir", "@/link"},
      {"head", "-n", "2", "@/link"},
      {"cat", "@/missing"},
  };
  for (const auto& run : runs) {
    auto with = [&](const std::string& dir) {
      std::vector<std::string> args = run;
      for (std::string& a : args) {
        if (!a.empty() && a[0] == '@') a = dir + a.substr(1);
      }
      return args;
    };
    SCOPED_TRACE(run[0] + " " + run.back());
    // Natively the paths are the host's: compared with base_ read as /data.
    RunResult native = RunNative("/bin/busybox", with(base_));
    RunResult guest =
        RunHvrun(GetParam(), {"-v", base_ + ":/data:ro"}, "/bin/busybox", with("/data"));
    ASSERT_TRUE(native.Exited() && guest.Exited()) << guest.Describe();
    EXPECT_EQ(guest.exit_code, native.exit_code) << native.Describe() << "\n" << guest.Describe();
    std::string expect = native.out;
    for (size_t at; (at = expect.find(base_)) != std::string::npos;) {
      expect.replace(at, base_.size(), "/data");
    }
    EXPECT_EQ(FirstDifference(expect, guest.out), "") << guest.Describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Mounts, ::testing::ValuesIn(BackendsUnderTest()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
