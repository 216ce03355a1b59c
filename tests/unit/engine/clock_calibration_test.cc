// hvrun/clock_calibration.h: the TSC scaling remembered per host boot, and
// never taken from a file that is not the user's own or does not match.
#include "hvrun/clock_calibration.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace hvrun {
namespace {

bool InvariantTsc() { return CalibrateClock().tsc_hz != 0; }

class ClockCalibrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "hv_clock_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    const char* old = getenv("XDG_RUNTIME_DIR");
    if (old != nullptr) old_ = old;
    setenv("XDG_RUNTIME_DIR", dir_.c_str(), 1);
    path_ = dir_ + "/hvrun-" + std::to_string(geteuid()) + ".tsc";
  }
  void TearDown() override {
    if (old_.empty()) {
      unsetenv("XDG_RUNTIME_DIR");
    } else {
      setenv("XDG_RUNTIME_DIR", old_.c_str(), 1);
    }
    std::filesystem::remove_all(dir_);
  }
  std::string Contents() {
    std::ifstream in(path_);
    std::string s;
    std::getline(in, s);
    return s;
  }
  std::string dir_, old_, path_;
};

TEST_F(ClockCalibrationTest, RemembersTheScalingForThisBoot) {
  const hv_clock_calibration first = CalibrateClock();
  if (first.tsc_hz == 0) GTEST_SKIP() << "no invariant TSC here: nothing to remember";
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string boot_id;
  std::getline(boot, boot_id);
  const std::string line = Contents();
  EXPECT_EQ(line, boot_id + " " + std::to_string(first.mult) + " " + std::to_string(first.shift));
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const hv_clock_calibration again = CalibrateClock();
  EXPECT_EQ(again.mult, first.mult);
  EXPECT_EQ(again.shift, first.shift);
}

TEST_F(ClockCalibrationTest, IgnoresAWrongOrForeignFile) {
  if (!InvariantTsc()) GTEST_SKIP() << "no invariant TSC here";
  const hv_clock_calibration good = CalibrateClock();
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string boot_id;
  std::getline(boot, boot_id);
  // A scaling 10x off for this boot: the 100 us check refuses it.
  {
    std::ofstream out(path_, std::ios::trunc);
    out << boot_id << " " << good.mult * 10ull << " " << good.shift << "\n";
  }
  chmod(path_.c_str(), 0600);
  const hv_clock_calibration c = CalibrateClock();
  EXPECT_NEAR(static_cast<double>(c.mult), static_cast<double>(good.mult), good.mult * 0.05);
  // Another boot's, or a file others may write: not read.
  {
    std::ofstream out(path_, std::ios::trunc);
    out << "not-this-boot " << good.mult * 10ull << " " << good.shift << "\n";
  }
  EXPECT_NEAR(static_cast<double>(CalibrateClock().mult), static_cast<double>(good.mult),
              good.mult * 0.05);
  {
    std::ofstream out(path_, std::ios::trunc);
    out << boot_id << " " << good.mult * 10ull << " " << good.shift << "\n";
  }
  chmod(path_.c_str(), 0666);
  // It is not taken (rewritten instead, as the user's own 0600 file).
  EXPECT_NEAR(static_cast<double>(CalibrateClock().mult), static_cast<double>(good.mult),
              good.mult * 0.05);
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ClockCalibrationTest, NeverFollowsALink) {
  if (!InvariantTsc()) GTEST_SKIP() << "no invariant TSC here";
  const std::string target = dir_ + "/elsewhere";
  {
    std::ofstream out(target);
    out << "keep\n";
  }
  unlink(path_.c_str());  // InvariantTsc() wrote it
  ASSERT_EQ(symlink(target.c_str(), path_.c_str()), 0);
  CalibrateClock();
  std::ifstream in(target);
  std::string s;
  std::getline(in, s);
  EXPECT_EQ(s, "keep");  // the link was replaced, its target untouched
  struct stat st {};
  ASSERT_EQ(lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

}  // namespace
}  // namespace hvrun
