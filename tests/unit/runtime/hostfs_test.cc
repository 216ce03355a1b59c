// Host mounts in the guest VFS (runtime/vfs/hostfs.h): which paths reach the
// host, normalized how, and which stay in the guest. The host side is
// FakeGuest's, which records every path and answers -ENOENT; what hvrun
// really does with them is tests/unit/engine/files_test.cc's and the e2e
// suites'.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
using hvrt_test::GuestOptions;

GuestOptions WithMounts() {
  GuestOptions o;
  o.mounts = {"/data", "/mnt/deep/m2", "/tmp/t"};
  return o;
}

class HostfsTest : public ::testing::Test {
 protected:
  void SetUp() override { g_.Boot(); }

  uint64_t Str(const std::string& s) { return g_.String(s); }
  uint64_t Buf() { return g_.Buffer(); }
  int64_t Stat(const std::string& path, uint64_t flags = 0) {
    return g_.Syscall(SYS_newfstatat, AT_FDCWD, Str(path), Buf(), flags);
  }
  uint32_t Mode() { return g_.At<struct stat>(Buf())->st_mode; }
  // The host paths of the calls since the last Sent().
  std::vector<std::string> Sent() {
    std::vector<std::string> v = g_.host_paths;
    g_.host_paths.clear();
    return v;
  }

  FakeGuest g_{WithMounts()};
};

using V = std::vector<std::string>;

TEST_F(HostfsTest, PathsBelowAMountGoToTheHostNormalized) {
  EXPECT_EQ(Stat("/data/a/b.txt"), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:a/b.txt"});
  EXPECT_EQ(Stat("/data//a/./b/../c"), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:a/c"});
  EXPECT_EQ(Stat("/data"), -ENOENT);  // the mount's root is the host's directory
  EXPECT_EQ(Sent(), V{"0:"});
  EXPECT_EQ(Stat("/data/."), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:"});
  EXPECT_EQ(Stat("/data/a/"), -ENOENT);  // a trailing slash goes along
  EXPECT_EQ(Sent(), V{"0:a/"});
  EXPECT_EQ(Stat("/mnt/deep/m2/x/.."), -ENOENT);
  EXPECT_EQ(Sent(), V{"1:"});
  EXPECT_EQ(Stat("/tmp/t/link"), -ENOENT);  // symlinks are the host's to follow
  EXPECT_EQ(Sent(), V{"2:link"});
  EXPECT_EQ(Stat("/data/link", AT_SYMLINK_NOFOLLOW), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:link"});
}

TEST_F(HostfsTest, DotDotAboveAMountRootIsTheGuestTree) {
  ASSERT_EQ(Stat("/data/.."), 0);
  EXPECT_TRUE(S_ISDIR(Mode()));
  ASSERT_EQ(Stat("/data/a/../../tmp"), 0);  // the guest's own /tmp
  EXPECT_EQ(Mode() & 07777, 01777u);
  EXPECT_EQ(Stat("/data/../../etc/passwd"), -ENOENT);  // not the host's
  EXPECT_EQ(Stat("/mnt/deep/m2/../../deep/m2/y"), -ENOENT);
  EXPECT_EQ(Sent(), V{"1:y"});
}

TEST_F(HostfsTest, GuestSymlinksIntoAMountContinueOnTheHost) {
  ASSERT_EQ(g_.Syscall(SYS_symlink, Str("/data/dir/"), Str("/tmp/l")), 0);
  EXPECT_EQ(Stat("/tmp/l/f"), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:dir/f"});
  EXPECT_EQ(Stat("/tmp/l"), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:dir/"});
  ASSERT_EQ(g_.Syscall(SYS_symlink, Str("../data"), Str("/tmp/rel")), 0);
  EXPECT_EQ(Stat("/tmp/rel/a/../b"), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:b"});
}

TEST_F(HostfsTest, MountPointsAreMadeInTheGuestTree) {
  ASSERT_EQ(Stat("/mnt/deep"), 0);
  EXPECT_TRUE(S_ISDIR(Mode()));
  EXPECT_EQ(Sent(), V{});
  EXPECT_EQ(Stat("/elsewhere"), -ENOENT);  // unmounted paths stay invisible
  EXPECT_EQ(Sent(), V{});
  // A mount point cannot be removed from the guest side.
  EXPECT_EQ(g_.Syscall(SYS_rmdir, Str("/data")), -EBUSY);
  EXPECT_EQ(g_.Syscall(SYS_unlink, Str("/data")), -EISDIR);
}

TEST_F(HostfsTest, RenameAndLinkStayWithinOneMount) {
  EXPECT_EQ(g_.Syscall(SYS_rename, Str("/data/a"), Str("/tmp/b")), -EXDEV);
  EXPECT_EQ(g_.Syscall(SYS_rename, Str("/data/a"), Str("/tmp/t/b")), -EXDEV);
  EXPECT_EQ(g_.Syscall(SYS_link, Str("/tmp/x"), Str("/data/b")), -ENOENT);  // /tmp/x is not there
  EXPECT_EQ(Sent(), V{});                                                   // refused in the guest
  EXPECT_EQ(g_.Syscall(SYS_rename, Str("/data/a"), Str("/data/sub/../b")), -ENOENT);
  EXPECT_EQ(Sent(), V{"0:a -> 0:b"});
}

TEST_F(HostfsTest, OpenPassesFlagsAndTheHostsError) {
  EXPECT_EQ(g_.Syscall(SYS_openat, AT_FDCWD, Str("/data/new"), O_CREAT | O_WRONLY, 0666), -ENOENT);
  const hvrt_test::Hypercall* c = g_.Last(HV_CALL_FILE_OPEN);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Sent(), V{"0:new"});
  EXPECT_EQ(c->As<hv_file_open>().flags, static_cast<uint32_t>(O_CREAT | O_WRONLY));
  EXPECT_EQ(c->As<hv_file_open>().mode, 0644u);  // the guest's umask 022 applied
  g_.file_result = -EROFS;
  EXPECT_EQ(g_.Syscall(SYS_mkdir, Str("/data/d"), 0777), -EROFS);
  EXPECT_EQ(Sent(), V{"0:d"});
}

}  // namespace
