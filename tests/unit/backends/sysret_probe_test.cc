// File: tests/unit/backends/sysret_probe_test.cc
//
// The kvm sysret-probe cache (hv-backends/kvm/host/sysret_probe.h) against a
// directory someone else has written into: symlinks planted at every name
// hvrun uses, a forged "yes", a FIFO, a huge file, a directory that is not
// private. None of it may be followed, trusted or block; no /dev/kvm needed.
#include "hv-backends/kvm/host/sysret_probe.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace hvrun::kvm {
namespace {

class SysretProbeCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hv_probe_cache_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    dir_ = base_ + "/hvrun";
  }
  void TearDown() override {
    const std::string cmd = "rm -rf '" + base_ + "'";
    (void)!system(cmd.c_str());
  }
  std::string In(const std::string& name) const { return dir_ + "/" + name; }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  std::string base_, dir_;
};

TEST_F(SysretProbeCache, RemembersNoAndReadsItBack) {
  const UniqueFd dir = OpenCacheDir(dir_);
  ASSERT_TRUE(dir.valid());
  struct stat st {};
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a"));
  ASSERT_TRUE(RememberNo(dir.get(), "boot-a"));
  EXPECT_TRUE(CacheSaysNo(dir.get(), "boot-a"));
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-b"));  // another boot: probe again
  EXPECT_EQ(Read(In(kProbeCacheName)), "boot-a 0\n");
}

TEST_F(SysretProbeCache, PlantedSymlinksAreNeitherWrittenThroughNorRead) {
  const std::string victim = base_ + "/victim";
  Write(victim, "boot-a 0\n");  // even a victim that looks like a cache entry
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  for (const std::string& name :
       {std::string(kProbeCacheName), absl::StrCat(kProbeCacheName, ".tmp"),
        absl::StrCat(kProbeCacheName, ".", getpid(), ".tmp")}) {
    ASSERT_EQ(symlink(victim.c_str(), In(name).c_str()), 0) << name;
  }
  const UniqueFd dir = OpenCacheDir(dir_);
  ASSERT_TRUE(dir.valid());
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a")) << "read through a symlink";
  // The temporary name is taken (by a symlink): nothing is written at all.
  EXPECT_FALSE(RememberNo(dir.get(), "boot-b"));
  EXPECT_EQ(Read(victim), "boot-a 0\n");
  // With the temporary name free, the symlink at the final name is replaced,
  // not followed.
  ASSERT_EQ(unlink(In(absl::StrCat(kProbeCacheName, ".", getpid(), ".tmp")).c_str()), 0);
  EXPECT_TRUE(RememberNo(dir.get(), "boot-b"));
  EXPECT_EQ(Read(victim), "boot-a 0\n");
  struct stat st {};
  ASSERT_EQ(lstat(In(kProbeCacheName).c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(SysretProbeCache, AForgedYesIsIgnored) {
  const UniqueFd dir = OpenCacheDir(dir_);
  ASSERT_TRUE(dir.valid());
  Write(In(kProbeCacheName), "boot-a 1\n");
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a"));
  Write(In(kProbeCacheName), "boot-a 0\ntrailing");
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a"));
  Write(In(kProbeCacheName), std::string(4096, 'x'));
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a"));
  EXPECT_FALSE(CacheSaysNo(dir.get(), ""));
}

TEST_F(SysretProbeCache, AFifoAtTheCacheNameDoesNotBlock) {
  const UniqueFd dir = OpenCacheDir(dir_);
  ASSERT_TRUE(dir.valid());
  ASSERT_EQ(mkfifo(In(kProbeCacheName).c_str(), 0600), 0);
  EXPECT_FALSE(CacheSaysNo(dir.get(), "boot-a"));  // returns at once: O_NONBLOCK, not S_ISREG
}

TEST_F(SysretProbeCache, ADirectoryThatIsNotPrivateIsNotUsed) {
  ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
  EXPECT_FALSE(OpenCacheDir(dir_).valid());
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  EXPECT_TRUE(OpenCacheDir(dir_).valid());
  if (geteuid() == 0) {  // another owner: only root can make one here
    ASSERT_EQ(chown(dir_.c_str(), 65534, 65534), 0);
    EXPECT_FALSE(OpenCacheDir(dir_).valid());
  }
}

TEST_F(SysretProbeCache, ASymlinkedDirectoryIsNotUsed) {
  const std::string real = base_ + "/elsewhere";
  ASSERT_EQ(mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(symlink(real.c_str(), dir_.c_str()), 0);
  EXPECT_FALSE(OpenCacheDir(dir_).valid());
}

}  // namespace
}  // namespace hvrun::kvm
