// Unit tests for hvrun/elf/elf_dynamic.h and library_dirs.h, on Debian's own
// dynamically linked programs and on ELF files built in memory.
#include "hvrun/elf/library_dirs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hvrun/elf/elf_dynamic.h"
#include "hvrun/elf/elf_image.h"

namespace hvrun {
namespace {

TEST(ElfDynamicTest, BinLsNeedsLibc) {
  absl::StatusOr<ElfImage> ls = ReadElfFile("/bin/ls");
  ASSERT_TRUE(ls.ok()) << ls.status();
  absl::StatusOr<ElfDynamic> dyn = ReadDynamic(*ls);
  ASSERT_TRUE(dyn.ok()) << dyn.status();
  EXPECT_NE(std::find(dyn->needed.begin(), dyn->needed.end(), "libc.so.6"), dyn->needed.end());
}

TEST(ElfDynamicTest, StaticImageNeedsNothing) {
  absl::StatusOr<ElfImage> busybox = ReadElfFile("/bin/busybox");
  ASSERT_TRUE(busybox.ok()) << busybox.status();
  absl::StatusOr<ElfDynamic> dyn = ReadDynamic(*busybox);
  ASSERT_TRUE(dyn.ok()) << dyn.status();
  EXPECT_TRUE(dyn->needed.empty());
}

// /bin/ls's libraries (libselinux, libpcre2, libc) are all in Debian's first
// system directory: that one directory is what the guest needs.
TEST(LibraryDirsTest, BinLsNeedsTheMultiarchLibDir) {
  absl::StatusOr<ElfImage> ls = ReadElfFile("/bin/ls");
  ASSERT_TRUE(ls.ok()) << ls.status();
  absl::StatusOr<std::vector<std::string>> dirs = LibraryDirs(*ls, "");
  ASSERT_TRUE(dirs.ok()) << dirs.status();
  ASSERT_FALSE(dirs->empty());
  EXPECT_EQ(dirs->front(), "/lib/x86_64-linux-gnu");
  for (const std::string& d : *dirs) {
    EXPECT_EQ(d[0], '/') << d;
    EXPECT_NE(d.back(), '/') << d;
  }
}

// LD_LIBRARY_PATH comes before the system directories, as in ld.so: a
// directory holding a copy of libc is then the one used.
TEST(LibraryDirsTest, LdLibraryPathWins) {
  char tmpl[] = "/tmp/hv_libdirs_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string copy = dir + "/libc.so.6";
  ASSERT_EQ(symlink("/lib/x86_64-linux-gnu/libc.so.6", copy.c_str()), 0);
  absl::StatusOr<ElfImage> ls = ReadElfFile("/bin/ls");
  ASSERT_TRUE(ls.ok()) << ls.status();
  absl::StatusOr<std::vector<std::string>> dirs = LibraryDirs(*ls, "relative/ignored:" + dir);
  unlink(copy.c_str());
  rmdir(dir.c_str());
  ASSERT_TRUE(dirs.ok()) << dirs.status();
  EXPECT_NE(std::find(dirs->begin(), dirs->end(), dir), dirs->end());
  EXPECT_EQ(std::find(dirs->begin(), dirs->end(), "relative/ignored"), dirs->end());
}

}  // namespace
}  // namespace hvrun
