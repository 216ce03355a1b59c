// File: tests/hostile/host_files_attacks_test.cc
//
// Guests that attack the host through a writable mount (hvrun -v HOST:GUEST),
// under every backend. Each case asserts hvrun's exit status and message and
// then looks at the host:
//   - SetuidBitsNeverReachTheHost: guests/hostfile_setuid asks for setuid,
//     setgid and sticky bits through every create and mode change (libc and
//     raw hypercalls). hvrun runs as root in CI, so such a file would be a
//     setuid-root program on the host: no host file may carry S_ISUID or
//     S_ISGID, no regular file S_ISVTX, and the guest sees the stripped mode.
//   - OpeningAFifoHasNoSideEffect: host processes wait in open(2) on two
//     FIFOs in the mount; guests/hostfile_fifo tries to open and truncate
//     them. Any open by hvrun would be the peer they wait for; both must still
//     be waiting after hvrun has exited.
//   - AFifoOpenThatNeverEndsStillEnds: the guest makes its own FIFO and opens
//     it for reading with no writer ever coming: hvrun waits for that open on
//     a host thread, and --timeout must still end the run (and, where the
//     waiting open is a forked child's, the first process's exit must).
//   - FdFloodLeavesHvrunItsOwnFds: with RLIMIT_NOFILE 256,
//     guests/hostfile_fd_flood opens host files until refused, then needs
//     hvrun to open fds of its own (stat, mkdir, symlink, read): all work, and
//     hvrun exits cleanly.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/elf_util.h"
#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"
#include "tests/hostile/hostile_util.h"
#include "tests/support/fifo_waiter.h"

namespace hvtest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HostFileAttacks : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    ASSERT_EQ(MissingHvrunBuild(), "");
  }
};

// The guest's lines "NAME: RESULT", by NAME.
std::map<std::string, std::string> Lines(const std::string& out) {
  std::map<std::string, std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) lines[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return lines;
}

std::string Octal(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

TEST_P(HostFileAttacks, SetuidBitsNeverReachTheHost) {
  ScratchDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  RunResult r =
      RunHvrun(GetParam(), {"-v", dir.path() + ":/w"}, HostileGuestPath("hostfile_setuid"), {"/w"});
  ExpectNoCrash(r);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "") << r.Describe();
  EXPECT_NE(r.out.find("hostfile_setuid: done"), std::string::npos) << r.Describe();

  // Nothing on the host carries S_ISUID or S_ISGID; no regular file is sticky.
  std::vector<fs::path> paths = {dir.path()};
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) paths.push_back(e.path());
  EXPECT_GE(paths.size(), 9u) << r.Describe();
  for (const fs::path& p : paths) {
    struct stat st;
    ASSERT_EQ(lstat(p.c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_mode & (S_ISUID | S_ISGID), 0u)
        << p << " is " << Octal(st.st_mode & 07777) << " on the host\n"
        << r.Describe();
    if (S_ISREG(st.st_mode)) {
      EXPECT_EQ(st.st_mode & S_ISVTX, 0u) << p << " is " << Octal(st.st_mode & 07777);
    }
  }

  // What the guest saw afterwards is the stripped mode (creates also lose
  // hvrun's umask, as any host process's creates do). A directory may keep
  // its sticky bit, as /tmp does.
  const mode_t mask = umask(0);
  umask(mask);
  auto created = [&](unsigned want) { return "mode=" + Octal(want & ~mask); };
  const std::map<std::string, std::string> want = {
      {"open O_CREAT 6755", created(0755)},
      {"openat O_CREAT|O_EXCL 4777", created(0777)},
      {"creat 2755", created(0755)},
      {"chmod 6755", "rc=0 mode=0755"},
      {"fchmod 6777", "rc=0 mode=0777"},
      {"fchmodat 4755", "rc=0 mode=0755"},
      {"chmod sticky file 1755", "rc=0 mode=0755"},
      {"mkdir 2777", "rc=0 " + created(0777)},
      {"mkdir 7777", "rc=0 " + created(01777)},
      {"mkdir sticky 1777", "rc=0 " + created(01777)},
      {"chmod dir 6777", "rc=0 mode=0777"},
      {"chmod dir 1777", "rc=0 mode=1777"},
      {"fchmod dir 3777", "rc=0 mode=1777"},
      {"raw open O_CREAT 7777", created(0777)},
      {"raw fdop chmod 7777", "rc=0 mode=0777"},
      {"raw pathop chmod 6777", "rc=0 mode=0777"},
      {"raw pathop mkdir 7777", "rc=0 " + created(01777)},
  };
  const auto lines = Lines(r.out);
  for (const auto& [what, result] : want) {
    auto it = lines.find(what);
    ASSERT_NE(it, lines.end()) << what << "\n" << r.Describe();
    EXPECT_NE(it->second.find(result), std::string::npos)
        << what << ": " << it->second << ", want " << result;
  }
  // O_TMPFILE is not served; if it ever is, its file is regular too.
  auto tmpfile = lines.find("raw open O_TMPFILE 7777");
  ASSERT_NE(tmpfile, lines.end()) << r.Describe();
  EXPECT_TRUE(tmpfile->second.rfind("E", 0) == 0 ||
              tmpfile->second.find(created(0777)) != std::string::npos)
      << tmpfile->second;
}

TEST_P(HostFileAttacks, OpeningAFifoHasNoSideEffect) {
  ScratchDir dir;
  ASSERT_EQ(mkfifo((dir / "wfifo").c_str(), 0666), 0);
  ASSERT_EQ(mkfifo((dir / "rfifo").c_str(), 0666), 0);
  FifoWaiter writer(dir / "wfifo", O_WRONLY);
  FifoWaiter reader(dir / "rfifo", O_RDONLY);
  ASSERT_TRUE(writer.WaitUntilBlocked());
  ASSERT_TRUE(reader.WaitUntilBlocked());

  RunResult r =
      RunHvrun(GetParam(), {"-v", dir.path() + ":/w"}, HostileGuestPath("hostfile_fifo"), {"/w"});
  // A peer's open returns at once when let through; give it time to show.
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(writer.opened()) << "hvrun opened wfifo for reading: the host's writer got through\n"
                                << r.Describe();
  EXPECT_FALSE(reader.opened()) << "hvrun opened rfifo for writing: the host's reader got through\n"
                                << r.Describe();
  writer.Release();
  reader.Release();

  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "") << r.Describe();
  const std::map<std::string, std::string> want = {
      {"stat wfifo", "ok"},
      {"open wfifo O_RDONLY", "EACCES"},
      {"open wfifo O_RDONLY|O_NONBLOCK", "EACCES"},
      {"open wfifo O_RDWR", "EACCES"},
      {"open wfifo O_CREAT|O_RDONLY", "EACCES"},
      {"open rfifo O_WRONLY", "EACCES"},
      {"open rfifo O_WRONLY|O_NONBLOCK", "EACCES"},
      {"open rfifo O_WRONLY|O_TRUNC", "EACCES"},
      {"truncate rfifo", "EINVAL"},
      {"truncate wfifo", "EINVAL"},
      {"hostfile_fifo", "done"},
  };
  const auto lines = Lines(r.out);
  for (const auto& [what, result] : want) {
    auto it = lines.find(what);
    ASSERT_NE(it, lines.end()) << what << "\n" << r.Describe();
    EXPECT_EQ(it->second, result) << what;
  }
}

TEST_P(HostFileAttacks, AFifoOpenThatNeverEndsStillEnds) {
  ScratchDir dir;
  RunSpec spec;
  spec.timeout = std::chrono::seconds(30);
  RunResult r = RunHvrunWith(spec, GetParam(), {"--timeout=2s", "-v", dir.path() + ":/w"},
                             HostileGuestPath("hostfile_fifo"), {"/w", "wait"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 124) << r.Describe();
  EXPECT_LT(r.wall_seconds, 8) << r.Describe();
  EXPECT_NE(r.out.find("waiting in open"), std::string::npos) << r.Describe();

  // The child case needs fork, which xen does not have yet (the case above ran there).
  if (GetParam() == "xen") return;
  ScratchDir dir2;
  r = RunHvrunWith(spec, GetParam(), {"--timeout=20s", "-v", dir2.path() + ":/w"},
                   HostileGuestPath("hostfile_fifo"), {"/w", "wait-child"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_LT(r.wall_seconds, 8) << r.Describe();
}

TEST_P(HostFileAttacks, FdFloodLeavesHvrunItsOwnFds) {
  ScratchDir dir;
  ASSERT_TRUE(WriteFile(dir / "data", "hello", 0644));
  RunSpec spec;
  spec.argv = {HvrunPath(),
               "--backend=" + GetParam(),
               "-v",
               dir.path() + ":/w",
               HostileGuestPath("hostfile_fd_flood"),
               "/w"};
  spec.inherit_env = true;
  spec.rlimits = {{RLIMIT_NOFILE, 256}};
  RunResult r = hvtest::Run(spec);
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "") << "hvrun did not end cleanly\n" << r.Describe();
  EXPECT_NE(r.out.find("hostfile_fd_flood: done"), std::string::npos) << r.Describe();

  // The guest was refused like a Linux process at its limit, after a fair
  // share of the 256 fds.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("flood: stopped after (\\d+): (\\w+)")))
      << r.Describe();
  EXPECT_GE(std::stoi(m[1]), 128) << r.Describe();
  EXPECT_LT(std::stoi(m[1]), 256) << r.Describe();
  EXPECT_EQ(m[2], "EMFILE") << r.Describe();

  EXPECT_TRUE(fs::is_directory(dir / "newdir"));
  EXPECT_TRUE(fs::is_symlink(dir / "newlink"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "newfile")))
      << "an open(O_CREAT) the guest was refused created the file anyway";
  EXPECT_EQ(ReadFile(dir / "data"), "hello");
}

// A setuid (and a setgid) file the host already had in a writable mount:
// the guest truncates and rewrites it. Linux drops the bits when a writer
// without CAP_FSETID does that; hvrun runs as root, which keeps them, so it
// drops them itself. Otherwise the guest's code would become a setuid-root
// program on the host.
TEST_P(HostFileAttacks, RewritingAnExistingSetuidFileDropsTheBits) {
  ScratchDir dir;
  for (const char* name : {"suid", "sgid"}) {
    ASSERT_TRUE(WriteFile(dir / name, "#!/bin/sh\necho trusted\n", 0755));
  }
  ASSERT_EQ(chmod((dir / "suid").c_str(), 04755), 0);
  ASSERT_EQ(chmod((dir / "sgid").c_str(), 02755), 0);
  for (const char* name : {"suid", "sgid"}) {
    RunResult r = RunHvrunWith(RunSpec{}, GetParam(), {"-v", dir.path() + ":/w"},
                               HostileGuestPath("write_past_fsize"), {std::string("/w/") + name});
    ExpectNoCrash(r);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    struct stat st {};
    ASSERT_EQ(stat((dir / name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u) << name;
    EXPECT_EQ(st.st_size, 3 * 4096) << name << ": the guest's write did not land";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, HostFileAttacks, ::testing::ValuesIn(BackendsUnderTest()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
