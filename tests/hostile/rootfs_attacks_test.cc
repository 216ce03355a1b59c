// File: tests/hostile/rootfs_attacks_test.cc
//
// Guests that try to leave their root file system (hvrun --rootfs=DIR),
// under every backend. The rootfs is a temp dir holding Debian's
// busybox-static as /bin/busybox, its own /etc/hostname, and links meant to
// escape: an absolute symlink (/escape_abs -> /etc), a relative one that
// climbs far above the root (/escape_up -> ../../../../../../../..), and a
// program link to a host program outside (/bin/outside -> /usr/bin/env).
// Next to the rootfs, outside it, lies a secret file. Each case runs one
// busybox applet and checks what it saw and what is left on the host:
//   - absolute and climbing links resolve inside the rootfs (as in a chroot);
//   - ".." above "/" stays at "/";
//   - the secret outside is never read;
//   - a read-only rootfs refuses writes (EROFS) and the host is unchanged;
//     --rootfs-rw lets them through;
//   - /tmp is the guest's own, not the rootfs's;
//   - APP is found inside the rootfs through PATH, and an APP link to a
//     host program outside does not run it (127).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"
#include "tests/hostile/hostile_util.h"

namespace hvtest {
namespace {

namespace fs = std::filesystem;

constexpr char kBusybox[] = "/bin/busybox";

class RootfsAttacks : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    ASSERT_EQ(MissingHvrunBuild(), "");
    ASSERT_TRUE(fs::exists(kBusybox)) << "busybox-static is a test dependency (install-deps.sh)";
    char tmpl[] = "/tmp/hv_rootfs_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    top_ = tmpl;
    root_ = top_ + "/root";
    fs::create_directories(root_ + "/bin");
    fs::create_directories(root_ + "/etc");
    fs::create_directories(root_ + "/tmp");
    fs::copy_file(kBusybox, root_ + "/bin/busybox");
    Write(root_ + "/etc/hostname", "rootfs-hostname\n");
    Write(top_ + "/secret", "host secret\n");
    fs::create_symlink("/etc", root_ + "/escape_abs");
    fs::create_symlink("../../../../../../../..", root_ + "/escape_up");
    fs::create_symlink("/usr/bin/env", root_ + "/bin/outside");
  }
  void TearDown() override {
    std::error_code ec;
    if (!top_.empty()) fs::remove_all(top_, ec);
  }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  RunResult Busybox(const std::vector<std::string>& args, bool rw = false) {
    std::vector<std::string> flags = {"--rootfs=" + root_};
    if (rw) flags.push_back("--rootfs-rw");
    return RunHvrun(GetParam(), flags, "/bin/busybox", args);
  }

  std::string top_, root_;
};

TEST_P(RootfsAttacks, AbsoluteSymlinkStaysInside) {
  RunResult r = Busybox({"cat", "/escape_abs/hostname"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "rootfs-hostname\n") << "an absolute link left the rootfs\n" << r.Describe();
}

TEST_P(RootfsAttacks, ClimbingSymlinkAndDotDotStayInside) {
  for (const char* path :
       {"/escape_up/etc/hostname", "/../../../etc/hostname", "/bin/../../etc/hostname"}) {
    RunResult r = Busybox({"cat", path});
    ExpectNoCrash(r);
    EXPECT_EQ(r.out, "rootfs-hostname\n") << path << " left the rootfs\n" << r.Describe();
  }
  for (const char* path : {"/escape_up/secret", "/../secret", "/escape_up/../secret"}) {
    RunResult r = Busybox({"cat", path});
    ExpectNoCrash(r);
    EXPECT_NE(r.exit_code, 0) << path << " was readable\n" << r.Describe();
    EXPECT_EQ(r.out.find("host secret"), std::string::npos) << r.Describe();
  }
}

TEST_P(RootfsAttacks, ReadOnlyRootfsRefusesWrites) {
  RunResult touch = Busybox({"touch", "/newfile"});
  ExpectNoCrash(touch);
  EXPECT_NE(touch.exit_code, 0) << touch.Describe();
  EXPECT_NE(touch.err.find("Read-only file system"), std::string::npos) << touch.Describe();
  RunResult mkdir = Busybox({"mkdir", "/etc/newdir"});
  EXPECT_NE(mkdir.exit_code, 0) << mkdir.Describe();
  RunResult rm = Busybox({"rm", "/etc/hostname"});
  EXPECT_NE(rm.exit_code, 0) << rm.Describe();
  EXPECT_FALSE(fs::exists(root_ + "/newfile"));
  EXPECT_FALSE(fs::exists(root_ + "/etc/newdir"));
  EXPECT_TRUE(fs::exists(root_ + "/etc/hostname"));
}

TEST_P(RootfsAttacks, ReadWriteRootfsTakesWritesInside) {
  RunResult r = Busybox({"touch", "/newfile"}, /*rw=*/true);
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::exists(root_ + "/newfile")) << r.Describe();
  // Through the absolute link: still inside.
  RunResult link = Busybox({"touch", "/escape_abs/made-by-guest"}, /*rw=*/true);
  EXPECT_EQ(link.exit_code, 0) << link.Describe();
  EXPECT_TRUE(fs::exists(root_ + "/etc/made-by-guest")) << link.Describe();
  EXPECT_FALSE(fs::exists("/etc/made-by-guest")) << "a guest wrote into the host's /etc";
}

TEST_P(RootfsAttacks, TmpIsTheGuestsOwn) {
  RunResult r = Busybox({"mkdir", "/tmp/guest-dir"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_FALSE(fs::exists(root_ + "/tmp/guest-dir")) << "/tmp went to the rootfs";
}

TEST_P(RootfsAttacks, AppIsFoundInsideTheRootfs) {
  RunResult r = RunHvrun(GetParam(), {"--rootfs=" + root_}, "busybox", {"echo", "found"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "found\n") << r.Describe();
  // /bin/outside is a link to the host's /usr/bin/env, which the rootfs
  // does not have: inside the rootfs it names nothing.
  RunResult out = RunHvrun(GetParam(), {"--rootfs=" + root_}, "/bin/outside", {});
  ExpectError(out, 127, "not found");
}

INSTANTIATE_TEST_SUITE_P(Backends, RootfsAttacks, ::testing::ValuesIn(BackendsUnderTest()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
