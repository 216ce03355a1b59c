// The in-guest VFS (runtime/vfs/vfs.h, tmpfs.h) through its syscalls: path
// resolution, tmpfs data and directories, the fd table, limits and errno
// paths that the differential programs (tests/programs/{files_basic,dirs,
// fds,devs}.c) cannot reach natively.
#include "runtime/vfs/vfs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/stat.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/linux/abi/signal.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/tmpfs.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;

class VfsTest : public ::testing::Test {
 protected:
  void SetUp() override { g_.Boot(); }

  uint64_t Str(const std::string& s) { return g_.String(s); }
  uint64_t Buf() { return g_.Buffer(); }
  int64_t Open(const std::string& path, uint64_t flags, uint64_t mode = 0644) {
    return g_.Syscall(SYS_openat, AT_FDCWD, Str(path), flags, mode);
  }
  int64_t Write(int64_t fd, const std::string& s) {
    return g_.Syscall(SYS_write, fd, Str(s), s.size());
  }
  std::string ReadAll(int64_t fd, uint64_t off = 0) {
    int64_t n = g_.Syscall(SYS_pread64, fd, Buf(), 4096, off);
    return n < 0 ? "ERR" + std::to_string(-n) : std::string(g_.At<char>(Buf()), n);
  }
  int64_t Stat(const std::string& path, struct stat* st, uint64_t flags = 0) {
    int64_t r = g_.Syscall(SYS_newfstatat, AT_FDCWD, Str(path), Buf() + 0x1000, flags);
    if (r == 0) std::memcpy(st, g_.At<void>(Buf() + 0x1000), sizeof *st);
    return r;
  }
  std::string Cwd() {
    int64_t n = g_.Syscall(SYS_getcwd, Buf(), 4096);
    return n < 0 ? "ERR" + std::to_string(-n) : std::string(g_.At<char>(Buf()));
  }

  FakeGuest g_;
};

TEST_F(VfsTest, TheBootTree) {
  struct stat st;
  for (const char* dir : {"/", "/tmp", "/dev", "/proc", "/proc/self"}) {
    ASSERT_EQ(Stat(dir, &st), 0) << dir;
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << dir;
  }
  ASSERT_EQ(Stat("/tmp", &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  ASSERT_EQ(Stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, 0x103u);
  ASSERT_EQ(Stat("/proc/self/exe", &st, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  int64_t fd = Open("/proc/meminfo", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_NE(ReadAll(fd).find("MemTotal:          65536 kB"), std::string::npos) << ReadAll(fd);
  EXPECT_EQ(Open("/proc/meminfo", O_WRONLY), -EACCES);
  EXPECT_EQ(Open("/proc/new", O_CREAT | O_WRONLY), -EACCES);
  EXPECT_EQ(g_.Syscall(SYS_mkdir, Str("/dev/x"), 0755), -EACCES);
  // "/" is writable: mkdir /x works, and ".." never climbs above "/".
  EXPECT_EQ(g_.Syscall(SYS_mkdir, Str("/x"), 0755), 0);
  EXPECT_EQ(Stat("/../../x/../tmp", &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
}

TEST_F(VfsTest, MountsAreSeparate) {
  ASSERT_GE(Open("/tmp/f", O_CREAT | O_WRONLY), 0);
  EXPECT_EQ(g_.Syscall(SYS_rename, Str("/tmp/f"), Str("/f")), -EXDEV);
  EXPECT_EQ(g_.Syscall(SYS_link, Str("/tmp/f"), Str("/f")), -EXDEV);
  EXPECT_EQ(g_.Syscall(SYS_rmdir, Str("/tmp")), -EBUSY);
  EXPECT_EQ(g_.Syscall(SYS_rmdir, Str("/")), -EBUSY);
  EXPECT_EQ(g_.Syscall(SYS_rename, Str("/tmp"), Str("/tmp2")), -EBUSY);
  struct stat a, b;
  ASSERT_EQ(Stat("/tmp/f", &a), 0);
  ASSERT_EQ(Stat("/", &b), 0);
  EXPECT_NE(a.st_dev, b.st_dev);
}

TEST_F(VfsTest, RelativePathsAndCwd) {
  EXPECT_EQ(Cwd(), "/");
  ASSERT_EQ(g_.Syscall(SYS_mkdir, Str("/tmp/a"), 0755), 0);
  ASSERT_EQ(g_.Syscall(SYS_mkdir, Str("/tmp/a/b"), 0755), 0);
  ASSERT_EQ(g_.Syscall(SYS_chdir, Str("tmp//a/./b/")), 0);
  EXPECT_EQ(Cwd(), "/tmp/a/b");
  ASSERT_GE(Open("../f", O_CREAT | O_WRONLY), 0);
  struct stat st;
  EXPECT_EQ(Stat("/tmp/a/f", &st), 0);
  EXPECT_EQ(g_.Syscall(SYS_getcwd, Buf(), 8), -ERANGE);
  // Removing the cwd leaves the process in a dead directory.
  ASSERT_EQ(g_.Syscall(SYS_rmdir, Str("/tmp/a/b")), 0);
  EXPECT_EQ(Cwd(), "ERR" + std::to_string(ENOENT));
  EXPECT_EQ(Open("new", O_CREAT | O_WRONLY), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_chdir, Str("/")), 0);
  EXPECT_EQ(Cwd(), "/");
}

TEST_F(VfsTest, SymlinkLoopsAndLongNames) {
  ASSERT_EQ(g_.Syscall(SYS_symlink, Str("l0"), Str("/tmp/l0")), 0);  // a link to itself
  EXPECT_EQ(Open("/tmp/l0", O_RDONLY), -ELOOP);
  // A chain of 40 links resolves; 41 is too many (MAXSYMLINKS).
  ASSERT_GE(Open("/tmp/target", O_CREAT | O_WRONLY), 0);
  for (int i = 1; i <= 41; i++) {
    std::string to = i == 1 ? "target" : "c" + std::to_string(i - 1);
    ASSERT_EQ(g_.Syscall(SYS_symlink, Str(to), Str("/tmp/c" + std::to_string(i))), 0);
  }
  EXPECT_GE(Open("/tmp/c40", O_RDONLY), 0);
  EXPECT_EQ(Open("/tmp/c41", O_RDONLY), -ELOOP);
  // Absolute targets restart at "/".
  ASSERT_EQ(g_.Syscall(SYS_symlink, Str("/tmp"), Str("/tmp/abs")), 0);
  struct stat st;
  EXPECT_EQ(Stat("/tmp/abs/abs/abs/target", &st), 0);
  EXPECT_EQ(Stat("/tmp/target/", &st), -ENOTDIR);
  EXPECT_EQ(Open(std::string("/tmp/") + std::string(256, 'n'), O_CREAT | O_WRONLY), -ENAMETOOLONG);
  EXPECT_GE(Open(std::string("/tmp/") + std::string(255, 'n'), O_CREAT | O_WRONLY), 0);
  EXPECT_EQ(g_.Syscall(SYS_symlink, Str(""), Str("/tmp/empty")), -ENOENT);
  // Creating through a dangling link creates its target.
  ASSERT_EQ(g_.Syscall(SYS_symlink, Str("made"), Str("/tmp/dangling")), 0);
  EXPECT_GE(Open("/tmp/dangling", O_CREAT | O_WRONLY), 0);
  EXPECT_EQ(Stat("/tmp/made", &st), 0);
  EXPECT_EQ(Open("/tmp/dangling", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
}

TEST_F(VfsTest, FdTableAndDup) {
  int64_t fd = Open("/tmp/f", O_CREAT | O_RDWR);
  ASSERT_EQ(fd, 3);
  // fds 0-2 are the console; dup of one reaches the same stream.
  EXPECT_EQ(g_.Syscall(SYS_dup, 1), 4);
  EXPECT_EQ(Write(4, "via dup"), 7);
  EXPECT_EQ(g_.out[1], "via dup");
  EXPECT_EQ(g_.Syscall(SYS_close, 1), 0);
  EXPECT_EQ(Write(4, "!"), 1);
  EXPECT_EQ(g_.out[1], "via dup!");
  EXPECT_EQ(g_.Syscall(SYS_dup2, 3, 1), 1);  // stdout now goes to the file
  EXPECT_EQ(Write(1, "to file"), 7);
  EXPECT_EQ(ReadAll(3), "to file");
  // Every fd up to the limit, then EMFILE.
  int64_t last = 0;
  for (int i = 0; i < hvrt::vfs::kMaxFds; i++) {
    int64_t r = g_.Syscall(SYS_dup, 3);
    if (r < 0) {
      EXPECT_EQ(r, -EMFILE);
      break;
    }
    last = r;
  }
  EXPECT_EQ(last, hvrt::vfs::kMaxFds - 1);
  EXPECT_EQ(g_.Syscall(SYS_dup2, 3, hvrt::vfs::kMaxFds), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 3, F_DUPFD, hvrt::vfs::kMaxFds), -EINVAL);
}

TEST_F(VfsTest, DevStdoutFollowsFd1) {
  int64_t fd = Open("/tmp/out", O_CREAT | O_RDWR);
  ASSERT_EQ(Write(fd, "file text"), 9);
  ASSERT_EQ(g_.Syscall(SYS_dup2, fd, 1), 1);
  int64_t again = Open("/dev/stdout", O_RDONLY);
  ASSERT_GE(again, 0);
  EXPECT_EQ(ReadAll(again), "file text");
  EXPECT_EQ(g_.Syscall(SYS_readlink, Str("/dev/stdout"), Buf(), 100), 15);
  EXPECT_EQ(std::string(g_.At<char>(Buf()), 15), "/proc/self/fd/1");
  ASSERT_EQ(g_.Syscall(SYS_close, 1), 0);
  EXPECT_EQ(Open("/dev/stdout", O_WRONLY), -ENOENT);
  // A pipe reopened through /dev/stdin is one more reader.
  uint64_t fds = Buf() + 0x2000;
  ASSERT_EQ(g_.Syscall(SYS_pipe2, fds, 0), 0);
  int32_t r = g_.At<int32_t>(fds)[0];
  int32_t w = g_.At<int32_t>(fds)[1];
  ASSERT_EQ(g_.Syscall(SYS_dup2, r, 0), 0);
  int64_t r2 = Open("/dev/stdin", O_RDONLY);
  ASSERT_GE(r2, 0);
  EXPECT_EQ(g_.Syscall(SYS_close, r), 0);
  EXPECT_EQ(g_.Syscall(SYS_close, 0), 0);
  EXPECT_EQ(Write(w, "x"), 1);  // r2 still reads
  EXPECT_EQ(g_.Syscall(SYS_close, r2), 0);
  *g_.At<hvrt::abi::KSigaction>(Buf() + 0x100) = {reinterpret_cast<uint64_t>(SIG_IGN), 0, 0, 0};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGPIPE, Buf() + 0x100, 0, 8), 0);
  EXPECT_EQ(Write(w, "x"), -EPIPE);  // the last reader is gone
}

TEST_F(VfsTest, UnlinkedFileKeepsItsPagesUntilClosed) {
  int64_t fd = Open("/tmp/big", O_CREAT | O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(g_.Syscall(SYS_ftruncate, fd, 1 << 20), 0);
  uint64_t data = 0;
  {
    hvrt::vfs::File* f = hvrt::vfs::FileOf(static_cast<int32_t>(fd));
    data = hvrt::vfs::InodeOf(*f)->data;
  }
  ASSERT_NE(data, 0u);
  EXPECT_TRUE(hvrt::mm::Pages().IsUsed(data));
  ASSERT_EQ(g_.Syscall(SYS_unlink, Str("/tmp/big")), 0);
  EXPECT_TRUE(hvrt::mm::Pages().IsUsed(data));
  ASSERT_EQ(g_.Syscall(SYS_close, fd), 0);
  EXPECT_FALSE(hvrt::mm::Pages().IsUsed(data));
}

TEST_F(VfsTest, OutOfMemoryIsENOSPC) {
  int64_t fd = Open("/tmp/huge", O_CREAT | O_RDWR);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(g_.Syscall(SYS_ftruncate, fd, 128 << 20), -ENOSPC);  // guest memory is 64 MiB
  EXPECT_EQ(g_.Syscall(SYS_ftruncate, fd, 1ll << 50), -EFBIG);
  EXPECT_EQ(g_.Syscall(SYS_fallocate, fd, 1, 0, 10), -EOPNOTSUPP);
  EXPECT_EQ(g_.Syscall(SYS_ftruncate, fd, 5), 0);
  EXPECT_EQ(ReadAll(fd), std::string(5, '\0'));
}

TEST_F(VfsTest, InodeTableExhaustionIsENOSPC) {
  int64_t r = 0;
  int made = 0;
  for (int i = 0; i < static_cast<int>(hvrt::tmpfs::kMaxInodes) + 1; i++) {
    r = g_.Syscall(SYS_mkdir, Str("/tmp/d" + std::to_string(i)), 0755);
    g_.ResetStrings();  // reuse the string area
    if (r < 0) break;
    made++;
  }
  EXPECT_EQ(r, -ENOSPC);
  EXPECT_GT(made, 4000);
  // Removing one frees its slot.
  ASSERT_EQ(g_.Syscall(SYS_rmdir, Str("/tmp/d0")), 0);
  EXPECT_EQ(g_.Syscall(SYS_mkdir, Str("/tmp/again"), 0755), 0);
}

// A pipe is a host pipe (FakeGuest: a real, non-blocking one): the runtime
// keeps the fd semantics (flags, no offset, SIGPIPE), the host the bytes.
TEST_F(VfsTest, PipeSemantics) {
  uint64_t fds = Buf() + 0x2000;
  ASSERT_EQ(g_.Syscall(SYS_pipe2, fds, O_CLOEXEC | O_NONBLOCK), 0);
  EXPECT_EQ(g_.Count(HV_CALL_PIPE), 1);
  int32_t r = g_.At<int32_t>(fds)[0];
  int32_t w = g_.At<int32_t>(fds)[1];
  EXPECT_EQ(g_.Syscall(SYS_fcntl, w, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, r, F_GETFL), O_RDONLY | O_NONBLOCK);
  EXPECT_EQ(g_.Syscall(SYS_read, r, Buf(), 10), -EAGAIN);  // empty, writer open, O_NONBLOCK
  EXPECT_EQ(g_.Last(HV_CALL_FILE_READ)->As<hv_file_io>().flags, HV_IO_NOWAIT);
  EXPECT_EQ(g_.Last(HV_CALL_FILE_READ)->As<hv_file_io>().offset, -1);
  EXPECT_EQ(Write(w, "abc"), 3);
  EXPECT_EQ(g_.Syscall(SYS_read, r, Buf(), 10), 3);
  EXPECT_EQ(std::string(g_.At<char>(Buf()), 3), "abc");
  EXPECT_EQ(g_.Syscall(SYS_pread64, r, Buf(), 10, 0), -ESPIPE);
  EXPECT_EQ(g_.Syscall(SYS_lseek, w, 0, SEEK_SET), -ESPIPE);
  // Both ends are one pipe: fstat gives the host pipe's inode, for both.
  struct stat st[2];
  for (int i = 0; i < 2; i++) {
    ASSERT_EQ(g_.Syscall(SYS_fstat, g_.At<int32_t>(fds)[i], Buf()), 0);
    std::memcpy(&st[i], g_.At<void>(Buf()), sizeof st[i]);
    EXPECT_TRUE(S_ISFIFO(st[i].st_mode));
  }
  EXPECT_EQ(st[0].st_ino, st[1].st_ino);
  // No reader left: EPIPE, with SIGPIPE, ignored here...
  EXPECT_EQ(g_.Syscall(SYS_close, r), 0);
  *g_.At<hvrt::abi::KSigaction>(Buf() + 0x100) = {reinterpret_cast<uint64_t>(SIG_IGN), 0, 0, 0};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGPIPE, Buf() + 0x100, 0, 8), 0);
  EXPECT_EQ(Write(w, "z"), -EPIPE);
  // ...whose default action ends the process, as Linux's does.
  *g_.At<hvrt::abi::KSigaction>(Buf() + 0x100) = {reinterpret_cast<uint64_t>(SIG_DFL), 0, 0, 0};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGPIPE, Buf() + 0x100, 0, 8), 0);
  try {
    Write(w, "z");
    ADD_FAILURE() << "a write to a pipe without readers did not end the guest";
  } catch (const hvrt_test::GuestExit& e) {
    EXPECT_EQ(e.exit.status, SIGPIPE);
    EXPECT_EQ(e.exit.flags, HV_EXIT_SIGNALED);
  }
}

// A backend without processes (xen) serves no host pipes (ENOSYS): the
// runtime's own pipe, a ring its threads share, takes over.
TEST_F(VfsTest, PipeInTheGuestWhereHvrunHasNone) {
  g_.pipe_result = -ENOSYS;
  uint64_t fds = Buf() + 0x2000;
  ASSERT_EQ(g_.Syscall(SYS_pipe2, fds, O_NONBLOCK), 0);
  int32_t r = g_.At<int32_t>(fds)[0];
  int32_t w = g_.At<int32_t>(fds)[1];
  EXPECT_EQ(g_.Syscall(SYS_read, r, Buf(), 10), -EAGAIN);
  EXPECT_EQ(Write(w, "ring"), 4);
  EXPECT_EQ(g_.Syscall(SYS_read, r, Buf(), 10), 4);
  EXPECT_EQ(std::string(g_.At<char>(Buf()), 4), "ring");
  EXPECT_EQ(g_.Count(HV_CALL_FILE_READ), 0);  // nothing went to the host
  EXPECT_EQ(g_.Syscall(SYS_close, w), 0);
  EXPECT_EQ(g_.Syscall(SYS_read, r, Buf(), 10), 0);  // no writer: end of file
}

TEST_F(VfsTest, PipeFlagsAndHostRefusal) {
  uint64_t fds = Buf() + 0x2000;
  EXPECT_EQ(g_.Syscall(SYS_pipe2, fds, O_RDWR), -EINVAL);
  EXPECT_EQ(g_.Count(HV_CALL_PIPE), 0);
  g_.pipe_result = -EMFILE;  // hvrun's handle table is full
  EXPECT_EQ(g_.Syscall(SYS_pipe2, fds, 0), -EMFILE);
  g_.pipe_result = 0;
  // A blocking end with no signal handler to interrupt it waits in hvrun
  // (no HV_IO_NOWAIT: one crossing) ...
  ASSERT_EQ(g_.Syscall(SYS_pipe2, fds, 0), 0);
  const int32_t rd = g_.At<int32_t>(fds)[0], wr = g_.At<int32_t>(fds)[1];
  std::memcpy(g_.At<char>(Buf()), "xy", 2);
  ASSERT_EQ(g_.Syscall(SYS_write, wr, Buf(), 2), 2);
  EXPECT_EQ(g_.Syscall(SYS_read, rd, Buf() + 16, 10), 2);
  EXPECT_EQ(g_.Last(HV_CALL_FILE_READ)->As<hv_file_io>().flags, 0u);
  // ... and with one, never (a queued read could not be taken back for the
  // handler): it tries with HV_IO_NOWAIT and would wait for readiness
  // (HV_CALL_POLL, in slices) only if the pipe were empty.
  const uint64_t act = Buf() + 0x100;
  g_.At<uint64_t>(act)[0] = 0x401000;    // a handler
  g_.At<uint64_t>(act)[1] = 0x04000000;  // SA_RESTORER
  g_.At<uint64_t>(act)[2] = 0x401000;
  g_.At<uint64_t>(act)[3] = 0;
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR1, act, 0, 8), 0);
  ASSERT_EQ(g_.Syscall(SYS_write, wr, Buf(), 2), 2);
  EXPECT_EQ(g_.Syscall(SYS_read, rd, Buf() + 16, 10), 2);
  EXPECT_EQ(g_.Last(HV_CALL_FILE_READ)->As<hv_file_io>().flags, uint32_t{HV_IO_NOWAIT});
  EXPECT_EQ(g_.Count(HV_CALL_POLL), 0);
}

TEST_F(VfsTest, MmapOfATmpfsFileIsACopy) {
  int64_t fd = Open("/tmp/m", O_CREAT | O_RDWR);
  ASSERT_EQ(Write(fd, "mapped bytes"), 12);
  int64_t a = g_.Syscall(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ASSERT_GT(a, 0);
  EXPECT_EQ(std::string(g_.At<char>(a), 12), "mapped bytes");
  EXPECT_EQ(*g_.At<char>(a + 12), '\0');
  EXPECT_GT(g_.Syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 0), 0);
  // /dev/zero maps as zeroed anonymous memory; /dev/null maps nothing.
  int64_t zero = Open("/dev/zero", O_RDONLY);
  int64_t z = g_.Syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, zero, 0);
  ASSERT_GT(z, 0);
  EXPECT_EQ(*g_.At<char>(z + 100), '\0');
  int64_t null = Open("/dev/null", O_RDONLY);
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, null, 0), -ENODEV);
  // Offsets past off_t's range: EOVERFLOW.
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, -4096), -EOVERFLOW);
  int64_t wo = Open("/tmp/m", O_WRONLY);
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
}

// MAP_SHARED of a tmpfs file: writes are seen through the mapping, stores
// through it by reads, and munmap leaves them in the file (shared_maps.h).
TEST_F(VfsTest, SharedMappingOfATmpfsFileIsCoherent) {
  int64_t fd = Open("/tmp/shm", O_CREAT | O_RDWR);
  ASSERT_EQ(Write(fd, std::string(5000, 'a')), 5000);
  int64_t a = g_.Syscall(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ASSERT_GT(a, 0);
  uint64_t buf = Buf() + 0x4000;
  std::memcpy(g_.At<char>(buf), "WR", 2);
  ASSERT_EQ(g_.Syscall(SYS_pwrite64, fd, buf, 2, 10), 2);
  EXPECT_EQ(std::string(g_.At<char>(a + 10), 2), "WR") << "a write is not seen by the mapping";
  std::memcpy(g_.At<char>(a + 4000), "STORE", 5);
  ASSERT_EQ(g_.Syscall(SYS_pread64, fd, buf, 5, 4000), 5);
  EXPECT_EQ(std::string(g_.At<char>(buf), 5), "STORE") << "a store is not seen by pread";
  *g_.At<char>(a + 6000) = 'X';  // past the end of the 5000-byte file
  ASSERT_EQ(g_.Syscall(SYS_msync, a, 8192, 4 /* MS_SYNC */), 0);
  ASSERT_EQ(g_.Syscall(SYS_munmap, a, 8192), 0);
  ASSERT_EQ(g_.Syscall(SYS_pread64, fd, buf, 5, 4000), 5);
  EXPECT_EQ(std::string(g_.At<char>(buf), 5), "STORE") << "munmap lost the store";
  EXPECT_EQ(g_.Syscall(SYS_lseek, fd, 0, SEEK_END), 5000) << "a store past the end grew the file";
  // Writable and shared needs a file open for reading and writing.
  int64_t ro = Open("/tmp/shm", O_RDONLY);
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), -EACCES);
}

// MADV_DONTNEED zeroes private anonymous pages but leaves shared ones (their
// shmem object keeps them on Linux).
TEST_F(VfsTest, SharedAnonymousSurvivesDontneed) {
  int64_t shared =
      g_.Syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int64_t priv =
      g_.Syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_GT(shared, 0);
  ASSERT_GT(priv, 0);
  *g_.At<char>(shared) = 3;
  *g_.At<char>(priv) = 4;
  ASSERT_EQ(g_.Syscall(SYS_madvise, shared, 4096, MADV_DONTNEED), 0);
  ASSERT_EQ(g_.Syscall(SYS_madvise, priv, 4096, MADV_DONTNEED), 0);
  EXPECT_EQ(*g_.At<char>(shared), 3);
  EXPECT_EQ(*g_.At<char>(priv), 0);
}

TEST_F(VfsTest, StatxAndChown) {
  ASSERT_GE(Open("/tmp/s", O_CREAT | O_WRONLY, 0600), 0);
  uint64_t out = Buf() + 0x3000;
  ASSERT_EQ(g_.Syscall(SYS_statx, AT_FDCWD, Str("/tmp/s"), 0, STATX_BASIC_STATS, out), 0);
  const struct statx* sx = g_.At<struct statx>(out);
  EXPECT_EQ(sx->stx_mode, S_IFREG | 0600);
  EXPECT_EQ(sx->stx_size, 0u);
  EXPECT_EQ(g_.Syscall(SYS_statx, AT_FDCWD, Str("/tmp/none"), 0, STATX_BASIC_STATS, out), -ENOENT);
  // The fake guest runs as uid 0 unless told; a non-root guest can only
  // "give" a file to itself.
  uint32_t uid = g_.boot().uid;
  EXPECT_EQ(g_.Syscall(SYS_chown, Str("/tmp/s"), uid, -1), 0);
}

TEST(VfsNonRootTest, ChownToAnotherUserIsEPERM) {
  FakeGuest g;
  g.boot().uid = 1000;
  g.boot().gid = 1000;
  g.Boot();
  uint64_t path = g.scratch();
  std::memcpy(reinterpret_cast<void*>(path), "/tmp/f", 7);
  ASSERT_GE(g.Syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY, 0644), 0);
  EXPECT_EQ(g.Syscall(SYS_chown, path, 1000, 1000), 0);
  EXPECT_EQ(g.Syscall(SYS_chown, path, 0, -1), -EPERM);
  EXPECT_EQ(g.Syscall(SYS_chown, path, -1, 5), -EPERM);
  EXPECT_EQ(g.Syscall(SYS_faccessat, AT_FDCWD, path, W_OK), 0);
  std::memcpy(reinterpret_cast<void*>(path), "/proc/cpuinfo", 14);
  EXPECT_EQ(g.Syscall(SYS_faccessat, AT_FDCWD, path, W_OK), -EACCES);
  EXPECT_EQ(g.Syscall(SYS_faccessat, AT_FDCWD, path, R_OK), 0);
}

}  // namespace
