// /proc/self/maps and /proc/self/fd (runtime/vfs/procfs.h): the line
// format, which regions are listed (and that the runtime's own pages are
// not), truncation, and the fd directory's listing and links, including the
// cases the differential program (tests/programs/proc_self.c) cannot make
// natively: a removed file, the console, many regions.
#include "runtime/vfs/procfs.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/mm/vm.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;

std::string Line(uint64_t start, uint64_t end, const char* perms, uint64_t off,
                 const std::string& path) {
  char buf[4200];
  uint64_t n = hvrt::procfs::FormatMapsLine(buf, sizeof buf, start, end, perms, off, path.data(),
                                            path.size());
  return std::string(buf, n);
}

TEST(FormatMapsLine, MatchesLinux) {
  // As Linux's show_map_vma: hex at least 8 digits, a trailing space on an
  // anonymous line, a path at column 73.
  EXPECT_EQ(Line(0x400000, 0x401000, "r--p", 0, "/bin/app"),
            "00400000-00401000 r--p 00000000 00:00 0" + std::string(34, ' ') + "/bin/app\n");
  EXPECT_EQ(Line(0x7ffc1000, 0x7ffc3000, "rw-p", 0, ""),
            "7ffc1000-7ffc3000 rw-p 00000000 00:00 0 \n");
  std::string wide = Line(0x7f0000001000, 0x7f0000002000, "r-xp", 0x12000, "[stack]");
  EXPECT_EQ(wide.find("[stack]"), 73u) << wide;
  EXPECT_EQ(wide.substr(0, 48), "7f0000001000-7f0000002000 r-xp 00012000 00:00 0 ");
}

TEST(FormatMapsLine, NothingPartial) {
  char buf[64];
  std::memset(buf, 'z', sizeof buf);
  EXPECT_EQ(hvrt::procfs::FormatMapsLine(buf, 40, 0x1000, 0x2000, "rw-p", 0, nullptr, 0), 0u);
  EXPECT_EQ(hvrt::procfs::FormatMapsLine(buf, 41, 0x1000, 0x2000, "rw-p", 0, nullptr, 0), 41u);
  EXPECT_EQ(hvrt::procfs::FormatMapsLine(buf, 41, 0x1000, 0x2000, "rw-p", 0, "/x", 2), 0u);
}

struct Map {
  uint64_t start, end;
  std::string perms, path;
};

class ProcfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two PT_LOAD headers where boot info says the app's headers are:
    // text (r-x, 0x1800 bytes) and data (rw-, 0x2000 in the file, 0x5000
    // in memory: bss past it).
    Elf64_Phdr ph[2] = {};
    const uint64_t app = g_.base() + FakeGuest::kApp;
    ph[0] = {PT_LOAD, PF_R | PF_X, 0, app, app, 0x1800, 0x1800, 0x1000};
    ph[1] = {PT_LOAD, PF_R | PF_W, 0x2000, app + 0x2000, app + 0x2000, 0x2000, 0x5000, 0x1000};
    std::memcpy(g_.At<void>(g_.boot().app_phdr), ph, sizeof ph);
    g_.Boot();
  }

  uint64_t Str(const std::string& s) { return g_.String(s); }
  uint64_t Buf() { return g_.Buffer(); }

  std::string ReadFile(const std::string& path) {
    int64_t fd = g_.Syscall(SYS_openat, AT_FDCWD, Str(path), O_RDONLY, 0);
    if (fd < 0) return "ERR" + std::to_string(-fd);
    std::string text;
    for (;;) {
      int64_t n = g_.Syscall(SYS_read, fd, Buf(), 1000);
      if (n <= 0) break;
      text.append(g_.At<char>(Buf()), n);
    }
    g_.Syscall(SYS_close, fd);
    return text;
  }

  std::vector<Map> Maps() {
    std::vector<Map> maps;
    std::istringstream in(ReadFile("/proc/self/maps"));
    std::string line;
    while (std::getline(in, line)) {
      Map m;
      char perms[5] = {};
      int n = 0;
      unsigned long s, e;
      EXPECT_EQ(std::sscanf(line.c_str(), "%lx-%lx %4s %*x %*x:%*x %*u %n", &s, &e, perms, &n), 3)
          << line;
      m.start = s;
      m.end = e;
      m.perms = perms;
      m.path = line.substr(n);
      maps.push_back(m);
    }
    return maps;
  }

  std::string Readlink(const std::string& path) {
    int64_t n = g_.Syscall(SYS_readlinkat, AT_FDCWD, Str(path), Buf(), 4096);
    return n < 0 ? "ERR" + std::to_string(-n) : std::string(g_.At<char>(Buf()), n);
  }

  std::set<std::string> ListFdDir() {
    int64_t fd = g_.Syscall(SYS_openat, AT_FDCWD, Str("/proc/self/fd"), O_RDONLY | O_DIRECTORY, 0);
    std::set<std::string> names;
    if (fd < 0) return {"ERR" + std::to_string(-fd)};
    for (;;) {
      int64_t n = g_.Syscall(SYS_getdents64, fd, Buf(), 64);  // a few records per call
      if (n <= 0) break;
      for (int64_t off = 0; off < n;) {
        auto* d = g_.At<char>(Buf() + off);
        uint16_t reclen;
        std::memcpy(&reclen, d + 16, 2);
        if (d[18] != DT_LNK && std::strcmp(d + 19, ".") != 0 && std::strcmp(d + 19, "..") != 0)
          names.insert("!type");
        names.insert(d + 19);
        off += reclen;
      }
    }
    g_.Syscall(SYS_close, fd);
    return names;
  }

  FakeGuest g_;
};

TEST_F(ProcfsTest, MapsAtBoot) {
  const uint64_t app = g_.base() + FakeGuest::kApp;
  std::vector<Map> maps = Maps();
  ASSERT_EQ(maps.size(), 4u) << ReadFile("/proc/self/maps");
  EXPECT_EQ(maps[0].start, app);
  EXPECT_EQ(maps[0].end, app + 0x2000);
  EXPECT_EQ(maps[0].perms, "r-xp");
  EXPECT_EQ(maps[0].path, "/bin/app");
  EXPECT_EQ(maps[1].start, app + 0x2000);
  EXPECT_EQ(maps[1].end, app + 0x4000);
  EXPECT_EQ(maps[1].perms, "rw-p");
  EXPECT_EQ(maps[1].path, "/bin/app");
  EXPECT_EQ(maps[2].start, app + 0x4000);  // bss past the file's pages
  EXPECT_EQ(maps[2].end, app + 0x7000);
  EXPECT_EQ(maps[2].path, "");
  // The stack: the top stack_size bytes. No heap yet; the runtime's own
  // pages (the tree's directories, /proc text, the fd links) are not shown.
  EXPECT_EQ(maps[3].path, "[stack]");
  EXPECT_EQ(maps[3].end, hvrt::mm::Pages().End());
  EXPECT_EQ(maps[3].end - maps[3].start, g_.boot().stack_size);
  EXPECT_EQ(maps[3].perms, "rw-p");
}

TEST_F(ProcfsTest, MapsFollowsBrkAndMmap) {
  uint64_t base = hvrt::mm::BrkBase();
  ASSERT_EQ(g_.Syscall(SYS_brk, base + 0x1800), static_cast<int64_t>(base + 0x1800));
  int64_t a = g_.Syscall(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         -1ull, 0);
  ASSERT_GT(a, 0);
  // A file's data (runtime pages in the same allocator) is not the app's.
  int64_t fd = g_.Syscall(SYS_openat, AT_FDCWD, Str("/tmp/big"), O_CREAT | O_RDWR, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(g_.Syscall(SYS_ftruncate, fd, 1 << 20), 0);
  ASSERT_EQ(g_.Syscall(SYS_pwrite64, fd, Str("x"), 1, (1 << 20) - 1), 1);

  std::vector<Map> maps = Maps();
  ASSERT_EQ(maps.size(), 6u) << ReadFile("/proc/self/maps");
  EXPECT_EQ(maps[3].path, "[heap]");
  EXPECT_EQ(maps[3].start, base);
  EXPECT_EQ(maps[3].end, base + 0x2000);
  EXPECT_EQ(maps[4].start, static_cast<uint64_t>(a));
  EXPECT_EQ(maps[4].end, static_cast<uint64_t>(a) + 3 * 4096);
  EXPECT_EQ(maps[4].perms, "rw-p");
  EXPECT_EQ(maps[4].path, "");
  EXPECT_EQ(maps[5].path, "[stack]");

  // A hole in the middle splits it; unmapping it all removes it.
  ASSERT_EQ(g_.Syscall(SYS_munmap, a + 4096, 4096), 0);
  maps = Maps();
  ASSERT_EQ(maps.size(), 7u) << ReadFile("/proc/self/maps");
  EXPECT_EQ(maps[4].end, static_cast<uint64_t>(a) + 4096);
  EXPECT_EQ(maps[5].start, static_cast<uint64_t>(a) + 2 * 4096);
  ASSERT_EQ(g_.Syscall(SYS_munmap, a, 3 * 4096), 0);
  EXPECT_EQ(Maps().size(), 5u);
}

TEST_F(ProcfsTest, MapsIsBoundedAndWholeLines) {
  // Every other page mapped: one line each, far more than fit.
  // Low in memory: the runtime's own pages are at the top, below the stack.
  uint64_t low = hvrt::mm::Pages().Base() + (1 << 20);
  for (int i = 0; i < 800; i++) {
    uint64_t at = low + static_cast<uint64_t>(2 * i) * 4096;
    ASSERT_EQ(g_.Syscall(SYS_mmap, at, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                         -1ull, 0),
              static_cast<int64_t>(at));
  }
  std::string text = ReadFile("/proc/self/maps");
  EXPECT_LE(text.size(), hvrt::procfs::kMapsBytes);
  EXPECT_GT(text.size(), hvrt::procfs::kMapsBytes - 100);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find("[stack]"), std::string::npos);  // dropped whole, with what follows
  for (const Map& m : Maps()) EXPECT_LT(m.start, m.end);
}

TEST_F(ProcfsTest, FdDirListsOpenFds) {
  EXPECT_EQ(ListFdDir(), (std::set<std::string>{".", "..", "0", "1", "2", "3"}));
  int64_t fd = g_.Syscall(SYS_openat, AT_FDCWD, Str("/tmp/f"), O_CREAT | O_RDWR, 0600);
  ASSERT_EQ(fd, 3);
  ASSERT_EQ(g_.Syscall(SYS_dup2, fd, 700), 700);
  EXPECT_EQ(ListFdDir(), (std::set<std::string>{".", "..", "0", "1", "2", "3", "4", "700"}));
  struct stat st;
  ASSERT_EQ(g_.Syscall(SYS_newfstatat, AT_FDCWD, Str("/proc/self/fd"), Buf(), 0), 0);
  std::memcpy(&st, g_.At<void>(Buf()), sizeof st);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(g_.Syscall(SYS_mkdirat, AT_FDCWD, Str("/proc/self/fd/9"), 0700), -EACCES);
  EXPECT_EQ(g_.Syscall(SYS_unlinkat, AT_FDCWD, Str("/proc/self/fd/3"), 0), -EACCES);
}

TEST_F(ProcfsTest, FdLinks) {
  ASSERT_EQ(g_.Syscall(SYS_mkdirat, AT_FDCWD, Str("/tmp/d"), 0700), 0);
  int64_t file = g_.Syscall(SYS_openat, AT_FDCWD, Str("/tmp/d/f"), O_CREAT | O_WRONLY, 0600);
  int64_t dir = g_.Syscall(SYS_openat, AT_FDCWD, Str("/tmp/d"), O_RDONLY | O_DIRECTORY, 0);
  int64_t null = g_.Syscall(SYS_openat, AT_FDCWD, Str("/dev/null"), O_RDONLY, 0);
  int64_t root = g_.Syscall(SYS_openat, AT_FDCWD, Str("/"), O_RDONLY, 0);
  ASSERT_EQ(g_.Syscall(SYS_pipe2, Buf() + 0x2000, 0), 0);
  int32_t p[2];
  std::memcpy(p, g_.At<void>(Buf() + 0x2000), sizeof p);
  auto link = [&](int64_t fd) { return Readlink("/proc/self/fd/" + std::to_string(fd)); };
  EXPECT_EQ(link(file), "/tmp/d/f");
  EXPECT_EQ(link(dir), "/tmp/d");
  EXPECT_EQ(link(null), "/dev/null");
  EXPECT_EQ(link(root), "/");
  struct stat st;
  ASSERT_EQ(g_.Syscall(SYS_fstat, p[0], Buf()), 0);
  std::memcpy(&st, g_.At<void>(Buf()), sizeof st);
  EXPECT_EQ(link(p[0]), "pipe:[" + std::to_string(st.st_ino) + "]");
  EXPECT_EQ(link(p[1]), link(p[0]));
  // FakeGuest's console streams are host pipes.
  EXPECT_EQ(link(1), "pipe:[1001]");

  // lstat: the link, with Linux's modes; stat: what it reaches.
  ASSERT_EQ(g_.Syscall(SYS_newfstatat, AT_FDCWD, Str("/proc/self/fd/" + std::to_string(file)),
                       Buf(), AT_SYMLINK_NOFOLLOW),
            0);
  std::memcpy(&st, g_.At<void>(Buf()), sizeof st);
  EXPECT_EQ(st.st_mode, S_IFLNK | 0300u);
  ASSERT_EQ(g_.Syscall(SYS_newfstatat, AT_FDCWD, Str("/proc/self/fd/" + std::to_string(null)),
                       Buf(), AT_SYMLINK_NOFOLLOW),
            0);
  std::memcpy(&st, g_.At<void>(Buf()), sizeof st);
  EXPECT_EQ(st.st_mode, S_IFLNK | 0500u);
  ASSERT_EQ(
      g_.Syscall(SYS_newfstatat, AT_FDCWD, Str("/proc/self/fd/" + std::to_string(p[0])), Buf(), 0),
      0);
  std::memcpy(&st, g_.At<void>(Buf()), sizeof st);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  // A path through a directory's link goes on inside it.
  EXPECT_EQ(ReadFile("/proc/self/fd/" + std::to_string(dir) + "/f"), "");
  EXPECT_EQ(ReadFile("/proc/self/fd/" + std::to_string(null) + "/x"), "ERR20");  // ENOTDIR

  // Removed: Linux's " (deleted)" suffix, without the name (it is gone).
  ASSERT_EQ(g_.Syscall(SYS_unlinkat, AT_FDCWD, Str("/tmp/d/f"), 0), 0);
  EXPECT_EQ(link(file), "(deleted)");
  // Closed, never open, not a name Linux would give: ENOENT.
  ASSERT_EQ(g_.Syscall(SYS_close, file), 0);
  EXPECT_EQ(link(file), "ERR2");
  EXPECT_EQ(link(1000), "ERR2");
  EXPECT_EQ(Readlink("/proc/self/fd/01"), "ERR2");
  EXPECT_EQ(Readlink("/proc/self/fd/99999"), "ERR2");
  EXPECT_EQ(Readlink("/proc/self/fd/-1"), "ERR2");
  EXPECT_EQ(Readlink("/proc/self/fd"), "ERR22");  // EINVAL: not a link
  // /dev/stdin keeps its own text and still reaches fd 0.
  EXPECT_EQ(Readlink("/dev/stdin"), "/proc/self/fd/0");
}

TEST_F(ProcfsTest, ReopenThroughFdLink) {
  int64_t fd = g_.Syscall(SYS_openat, AT_FDCWD, Str("/tmp/f"), O_CREAT | O_RDWR, 0600);
  ASSERT_EQ(g_.Syscall(SYS_write, fd, Str("hello"), 5), 5);
  EXPECT_EQ(ReadFile("/proc/self/fd/" + std::to_string(fd)), "hello");  // its own offset: 0
  EXPECT_EQ(g_.Syscall(SYS_lseek, fd, 0, SEEK_CUR), 5);
}

}  // namespace
