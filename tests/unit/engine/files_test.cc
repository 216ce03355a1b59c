// File: tests/unit/engine/files_test.cc
//
// Host files beneath mounts, driven through the ServiceEngine with argument
// structs in real guest memory. The tree under test holds hostile links:
// every way out of the mount must fail, and an outside file must never
// change. Also: no setuid/setgid bit reaches the host, opening a FIFO lets no
// host peer through, and the handle table leaves hvrun fds of its own.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/support/fifo_waiter.h"
#include "vmm/engine/service_engine.h"

namespace hvrun {
namespace {

using hvtest::FifoWaiter;

namespace fs = std::filesystem;

constexpr uint64_t kArg = 0x2000, kPath = 0x3000, kPath2 = 0x4000, kData = 0x5000;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hv_files_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    top_ = tmpl;
    fs::create_directories(top_ / "rw/dir");
    fs::create_directories(top_ / "ro");
    std::ofstream(top_ / "rw/file") << "hello";
    std::ofstream(top_ / "ro/file") << "read only";
    std::ofstream(top_ / "secret") << "outside";
    fs::permissions(top_ / "secret", fs::perms(0600));
    fs::create_symlink("../secret", top_ / "rw/up");                     // relative, escapes
    fs::create_symlink(top_ / "secret", top_ / "rw/abs");                // absolute, escapes
    fs::create_symlink("file", top_ / "rw/inside");                      // stays inside
    fs::create_symlink("/proc/self/root/etc/passwd", top_ / "rw/proc");  // magic link
    ASSERT_EQ(mkfifo((top_ / "rw/fifo").c_str(), 0600), 0);

    auto mem = GuestMemory::Create(1 << 20);
    ASSERT_TRUE(mem.ok());
    memory_.emplace(std::move(*mem));
    HostFiles files;
    auto rw = HostMount::Parse((top_ / "rw").string() + ":/data");
    auto ro = HostMount::Parse((top_ / "ro").string() + ":/ro:ro");
    ASSERT_TRUE(rw.ok()) << rw.status();
    ASSERT_TRUE(ro.ok()) << ro.status();
    files.AddMount(std::move(*rw));
    files.AddMount(std::move(*ro));
    engine_.emplace(*memory_, ServiceOptions{}, std::move(files));
  }
  void TearDown() override { fs::remove_all(top_); }

  hv_mount_path Path(uint32_t mount, const std::string& rel, uint64_t at = kPath) {
    EXPECT_TRUE(
        memory_->WriteBytes(at, {reinterpret_cast<const uint8_t*>(rel.data()), rel.size()}).ok());
    return hv_mount_path{mount, static_cast<uint32_t>(rel.size()), at};
  }
  int64_t Open(uint32_t mount, const std::string& rel, uint32_t flags, uint32_t mode = 0644) {
    EXPECT_TRUE(memory_->Write(kArg, hv_file_open{Path(mount, rel), flags, mode}).ok());
    return engine_->Handle(HV_CALL_FILE_OPEN, kArg).result;
  }
  int64_t Pathop(uint32_t op, uint32_t mount, const std::string& rel, const std::string& to = "",
                 uint32_t mode = 0, uint32_t flags = 0) {
    hv_file_pathop p{};
    p.op = op;
    p.flags = flags;
    p.at = Path(mount, rel);
    p.to = Path(mount, to, kPath2);
    p.mode = mode;
    p.buf = kData;
    p.buf_len = 256;
    EXPECT_TRUE(memory_->Write(kArg, p).ok());
    return engine_->Handle(HV_CALL_FILE_PATHOP, kArg).result;
  }
  std::string Read(int64_t handle, int64_t offset = 0) {
    EXPECT_TRUE(
        memory_->Write(kArg, hv_file_io{static_cast<uint32_t>(handle), 0, kData, 100, offset})
            .ok());
    const int64_t n = engine_->Handle(HV_CALL_FILE_READ, kArg).result;
    if (n < 0) return "errno " + std::to_string(-n);
    auto bytes = memory_->Span(kData, n);
    return std::string(bytes->begin(), bytes->end());
  }

  fs::path top_;
  std::optional<GuestMemory> memory_;
  std::optional<ServiceEngine> engine_;
};

TEST_F(FilesTest, OpenReadWriteInsideTheMount) {
  const int64_t h = Open(0, "file", O_RDWR);
  ASSERT_GE(h, 0);
  EXPECT_EQ(Read(h), "hello");
  const std::string more = " world";
  ASSERT_TRUE(
      memory_->WriteBytes(kData, {reinterpret_cast<const uint8_t*>(more.data()), more.size()})
          .ok());
  ASSERT_TRUE(
      memory_->Write(kArg, hv_file_io{static_cast<uint32_t>(h), 0, kData, more.size(), 5}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_WRITE, kArg).result, 6);
  EXPECT_EQ(ReadAll(top_ / "rw/file"), "hello world");
  EXPECT_EQ(Read(Open(0, "inside", O_RDONLY)), "hello world") << "a symlink within the mount works";
  EXPECT_GE(Open(0, "", O_RDONLY | O_DIRECTORY), 0) << "the mount's root";
  ASSERT_TRUE(memory_->Write(kArg, hv_file_io{static_cast<uint32_t>(h), 0, 0, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_CLOSE, kArg).result, 0);
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_CLOSE, kArg).result, -EBADF) << "closed twice";
}

TEST_F(FilesTest, NoWayOut) {
  EXPECT_EQ(Open(0, "../secret", O_RDONLY), -EACCES);
  EXPECT_EQ(Open(0, "dir/../../secret", O_RDONLY), -EACCES);
  EXPECT_EQ(Open(0, "up", O_RDONLY), -EACCES) << "relative symlink out";
  EXPECT_EQ(Open(0, "abs", O_RDONLY), -EACCES) << "absolute symlink";
  EXPECT_LT(Open(0, "proc", O_RDONLY), 0) << "through /proc";
  EXPECT_EQ(Open(0, "/etc/passwd", O_RDONLY), -EINVAL) << "paths are relative to the mount";
  EXPECT_EQ(Open(0, "up", O_RDWR | O_CREAT | O_TRUNC), -EACCES);
  EXPECT_EQ(Open(7, "file", O_RDONLY), -ENOENT) << "no such mount";
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "up", "", 0777), -EACCES);
  EXPECT_EQ(Pathop(HV_PATHOP_TRUNCATE, 0, "abs"), -EACCES);
  EXPECT_EQ(Pathop(HV_PATHOP_UNLINK, 0, "../secret"), -EACCES);
  EXPECT_EQ(Pathop(HV_PATHOP_RENAME, 0, "file", "../stolen"), -EACCES);
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "dir/..", "", 0755), -EINVAL);
  // A hard link of an escaping symlink links the symlink, not the secret.
  EXPECT_EQ(Pathop(HV_PATHOP_LINK, 0, "up", "uplink"), 0);
  EXPECT_TRUE(fs::is_symlink(top_ / "rw/uplink"));
  EXPECT_EQ(fs::hard_link_count(top_ / "secret"), 1u);
  EXPECT_EQ(ReadAll(top_ / "secret"), "outside");
  EXPECT_EQ(fs::status(top_ / "secret").permissions(), fs::perms(0600));
  EXPECT_FALSE(fs::exists(top_ / "stolen"));
}

TEST_F(FilesTest, ReadOnlyIsEnforcedByHvrun) {
  EXPECT_EQ(Read(Open(1, "file", O_RDONLY)), "read only");
  EXPECT_EQ(Open(1, "file", O_WRONLY), -EROFS);
  EXPECT_EQ(Open(1, "file", O_RDONLY | O_TRUNC), -EROFS);
  EXPECT_EQ(Open(1, "new", O_RDONLY | O_CREAT), -EROFS);
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 1, "d", "", 0755), -EROFS);
  EXPECT_EQ(Pathop(HV_PATHOP_UNLINK, 1, "file"), -EROFS);
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 1, "file", "", 0777), -EROFS);
  EXPECT_EQ(Pathop(HV_PATHOP_ACCESS, 1, "file", "", W_OK), -EROFS);
  EXPECT_EQ(Pathop(HV_PATHOP_ACCESS, 1, "file", "", R_OK), 0);
  EXPECT_EQ(ReadAll(top_ / "ro/file"), "read only");
  EXPECT_EQ(Pathop(HV_PATHOP_RENAME, 0, "file", "x"), 0);
  hv_file_pathop cross{};
  cross.op = HV_PATHOP_RENAME;
  cross.at = Path(0, "x");
  cross.to = Path(1, "y", kPath2);
  ASSERT_TRUE(memory_->Write(kArg, cross).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_PATHOP, kArg).result, -EXDEV);
}

TEST_F(FilesTest, ReadOnlyHandleRefusesChangesTheKernelWouldAllow) {
  const int64_t h = Open(1, "file", O_RDONLY);
  ASSERT_GE(h, 0);
  const auto before = fs::status(top_ / "ro/file").permissions();
  for (uint32_t op : {HV_FDOP_CHMOD, HV_FDOP_UTIMENS, HV_FDOP_TRUNCATE, HV_FDOP_FALLOCATE}) {
    ASSERT_TRUE(
        memory_->Write(kArg, hv_file_fdop{op, static_cast<uint32_t>(h), 0, 0, 0777, 1}).ok());
    EXPECT_EQ(engine_->Handle(HV_CALL_FILE_FDOP, kArg).result, -EROFS) << op;
  }
  ASSERT_TRUE(
      memory_->Write(kArg, hv_file_fdop{HV_FDOP_FSYNC, static_cast<uint32_t>(h), 0, 0, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_FDOP, kArg).result, 0) << "fsync changes nothing";
  EXPECT_EQ(fs::status(top_ / "ro/file").permissions(), before);
}

TEST_F(FilesTest, FifoIsRefusedWithoutBlocking) { EXPECT_EQ(Open(0, "fifo", O_RDONLY), -EACCES); }

// A device node in a mount (here a copy of /dev/null's numbers) is never
// opened, for reading, writing or truncating.
TEST_F(FilesTest, DeviceNodeIsRefused) {
  if (mknod((top_ / "rw/dev").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot make a device node here: " << strerror(errno);
  }
  EXPECT_EQ(Open(0, "dev", O_RDONLY), -EACCES);
  EXPECT_EQ(Open(0, "dev", O_WRONLY | O_TRUNC), -EACCES);
  EXPECT_EQ(Open(0, "dev", O_RDWR | O_CREAT), -EACCES);
}

// hvrun decides from an O_PATH fd, which opens nothing: a FIFO opened for
// reading would let a waiting writer through, and a device's open can act
// (rewind a tape).
TEST_F(FilesTest, OpeningAFifoLetsNoPeerThrough) {
  FifoWaiter writer((top_ / "rw/fifo").string(), O_WRONLY);
  ASSERT_TRUE(writer.WaitUntilBlocked());
  EXPECT_EQ(Open(0, "fifo", O_RDONLY), -EACCES);
  EXPECT_EQ(Open(0, "fifo", O_RDONLY | O_NONBLOCK), -EACCES);
  EXPECT_EQ(Open(0, "fifo", O_RDWR), -EACCES);
  EXPECT_EQ(Open(0, "fifo", O_RDONLY | O_CREAT), -EACCES);
  // O_PATH opens nothing: the FIFO's peer cannot tell.
  EXPECT_GE(Open(0, "fifo", O_PATH), 0);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(200));  // a peer let through returns at once
  EXPECT_FALSE(writer.opened()) << "hvrun opened the FIFO: the waiting writer got through";

  ASSERT_EQ(mkfifo((top_ / "rw/fifo2").c_str(), 0600), 0);
  FifoWaiter reader((top_ / "rw/fifo2").string(), O_RDONLY);
  ASSERT_TRUE(reader.WaitUntilBlocked());
  EXPECT_EQ(Open(0, "fifo2", O_WRONLY), -EACCES);
  EXPECT_EQ(Open(0, "fifo2", O_WRONLY | O_NONBLOCK), -EACCES);
  EXPECT_EQ(Open(0, "fifo2", O_WRONLY | O_TRUNC), -EACCES);
  EXPECT_EQ(Pathop(HV_PATHOP_TRUNCATE, 0, "fifo2"), -EINVAL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(reader.opened()) << "hvrun opened the FIFO: the waiting reader got through";
}

// What O_CREAT, O_EXCL and O_NOFOLLOW do with links and existing files is
// Linux's, now that a create is O_CREAT|O_EXCL beneath and an existing file
// is reopened through its O_PATH fd.
TEST_F(FilesTest, CreateFollowsLinuxSemantics) {
  ASSERT_EQ(symlink("dir/made", (top_ / "rw/dangling").c_str()), 0);
  ASSERT_EQ(symlink("dangling", (top_ / "rw/chain").c_str()), 0);
  ASSERT_EQ(symlink("../outside", (top_ / "rw/dangling_out").c_str()), 0);
  ASSERT_EQ(symlink("missing/x", (top_ / "rw/dangling_deep").c_str()), 0);
  EXPECT_GE(Open(0, "file", O_RDWR | O_CREAT, 0600), 0);
  EXPECT_EQ(ReadAll(top_ / "rw/file"), "hello") << "O_CREAT on an existing file opens it";
  EXPECT_EQ(Open(0, "file", O_RDWR | O_CREAT | O_EXCL, 0600), -EEXIST);
  EXPECT_EQ(Open(0, "inside", O_RDWR | O_NOFOLLOW), -ELOOP);
  EXPECT_EQ(Open(0, "inside", O_RDWR | O_CREAT | O_NOFOLLOW), -ELOOP);
  EXPECT_EQ(Open(0, "dangling", O_RDWR | O_CREAT | O_EXCL, 0600), -EEXIST);
  EXPECT_GE(Open(0, "chain", O_RDWR | O_CREAT, 0600), 0) << "creates what the links name";
  EXPECT_TRUE(fs::is_regular_file(top_ / "rw/dir/made"));
  EXPECT_EQ(Open(0, "dangling_out", O_RDWR | O_CREAT, 0600), -EACCES);
  EXPECT_FALSE(fs::exists(top_ / "outside"));
  EXPECT_EQ(Open(0, "dangling_deep", O_RDWR | O_CREAT, 0600), -ENOENT);
  EXPECT_EQ(Open(0, "dir", O_RDWR), -EISDIR);
  EXPECT_EQ(Open(0, "dir", O_RDONLY | O_CREAT), -EISDIR);
  EXPECT_EQ(Open(0, "file", O_RDONLY | O_DIRECTORY), -ENOTDIR);
  EXPECT_EQ(Open(0, "nope", O_RDONLY), -ENOENT);
  EXPECT_EQ(Pathop(HV_PATHOP_TRUNCATE, 0, "dir"), -EISDIR);
  const int64_t h = Open(0, "file", O_WRONLY | O_TRUNC | O_APPEND);
  ASSERT_GE(h, 0);
  EXPECT_EQ(ReadAll(top_ / "rw/file"), "") << "O_TRUNC on the reopened file";
  // The handle's host fd (the only one open on "file"): the guest's flags,
  // without the O_NONBLOCK hvrun opened it with, and close-on-exec.
  int fd = -1;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (fs::read_symlink(e.path(), ec) == top_ / "rw/file") fd = std::stoi(e.path().filename());
  }
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK | O_ACCMODE), O_APPEND | O_WRONLY);
  EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

// No create or mode change puts S_ISUID or S_ISGID on a host file (hvrun runs
// as root in CI: that would be a setuid-root program), and only directories
// keep S_ISVTX. The guest sees the stripped mode.
TEST_F(FilesTest, SetuidAndSetgidBitsNeverReachTheHost) {
  const mode_t mask = umask(0);
  umask(mask);
  auto mode = [&](const char* name) {
    struct stat st {};
    EXPECT_EQ(lstat((top_ / "rw" / name).c_str(), &st), 0) << name;
    return st.st_mode & 07777;
  };
  const int64_t h = Open(0, "suid", O_WRONLY | O_CREAT, 06755);
  ASSERT_GE(h, 0);
  EXPECT_EQ(mode("suid"), 0755 & ~mask);
  EXPECT_GE(Open(0, "excl", O_WRONLY | O_CREAT | O_EXCL, 07777), 0);
  EXPECT_EQ(mode("excl"), 0777 & ~mask);
  ASSERT_TRUE(
      memory_->Write(kArg, hv_file_fdop{HV_FDOP_CHMOD, static_cast<uint32_t>(h), 0, 0, 06777, 0})
          .ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_FDOP, kArg).result, 0);
  EXPECT_EQ(mode("suid"), 0777u);
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "file", "", 06755), 0);
  EXPECT_EQ(mode("file"), 0755u);
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "inside", "", 04700), 0) << "through a link";
  EXPECT_EQ(mode("file"), 0700u);
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "file", "", 01644), 0);
  EXPECT_EQ(mode("file"), 0644u) << "no sticky regular file";
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "sgid", "", 02777), 0);
  EXPECT_EQ(mode("sgid"), 0777 & ~mask);
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "sticky", "", 07777), 0);
  EXPECT_EQ(mode("sticky"), 01777 & ~mask) << "a directory keeps S_ISVTX, as /tmp";
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "sticky", "", 06777), 0);
  EXPECT_EQ(mode("sticky"), 0777u);
  EXPECT_EQ(Pathop(HV_PATHOP_CHMOD, 0, "sticky", "", 03755), 0);
  EXPECT_EQ(mode("sticky"), 01755u);

  hv_file_stat st{};
  st.by_path = 1;
  st.at = Path(0, "suid");
  st.st = kData;
  ASSERT_TRUE(memory_->Write(kArg, st).ok());
  ASSERT_EQ(engine_->Handle(HV_CALL_FILE_STAT, kArg).result, 0);
  EXPECT_EQ(memory_->Read<struct stat>(kData)->st_mode & 07777, 0777u) << "what the guest sees";
}

TEST_F(FilesTest, PathOpsStatAndDirectoryListing) {
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "made", "", 0750), 0);
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "made", "", 0750), -EEXIST);
  EXPECT_EQ(Pathop(HV_PATHOP_SYMLINK, 0, "file", "made/link"), 0);
  EXPECT_EQ(Pathop(HV_PATHOP_READLINK, 0, "made/link"), 4);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory_->Span(kData, 4)->data()), 4), "file");
  EXPECT_EQ(Pathop(HV_PATHOP_RMDIR, 0, "made"), -ENOTEMPTY);
  EXPECT_EQ(Pathop(HV_PATHOP_UNLINK, 0, "made/link"), 0);
  EXPECT_EQ(Pathop(HV_PATHOP_RMDIR, 0, "made"), 0);
  EXPECT_EQ(Pathop(HV_PATHOP_TRUNCATE, 0, "file", "", 0), 0);

  hv_file_stat st{};
  st.by_path = 1;
  st.at = Path(0, "file");
  st.st = kData;
  ASSERT_TRUE(memory_->Write(kArg, st).ok());
  ASSERT_EQ(engine_->Handle(HV_CALL_FILE_STAT, kArg).result, 0);
  struct stat out = *memory_->Read<struct stat>(kData);
  EXPECT_TRUE(S_ISREG(out.st_mode));
  EXPECT_EQ(out.st_size, 0);
  st.at = Path(0, "abs");
  st.nofollow = 1;
  ASSERT_TRUE(memory_->Write(kArg, st).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_STAT, kArg).result, 0) << "lstat of a link is fine";
  EXPECT_TRUE(S_ISLNK(memory_->Read<struct stat>(kData)->st_mode));
  st.nofollow = 0;
  ASSERT_TRUE(memory_->Write(kArg, st).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_STAT, kArg).result, -EACCES) << "stat through it is not";

  const int64_t dir = Open(0, "", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  ASSERT_TRUE(memory_->Write(kArg, hv_file_io{static_cast<uint32_t>(dir), 0, kData, 4096, 0}).ok());
  const int64_t n = engine_->Handle(HV_CALL_FILE_GETDENTS, kArg).result;
  ASSERT_GT(n, 0);
  std::string names;
  for (int64_t off = 0; off < n;) {
    auto rec = memory_->Span(kData + off, 19);
    const uint16_t reclen = (*rec)[16] | ((*rec)[17] << 8);
    names +=
        std::string(reinterpret_cast<const char*>(memory_->Span(kData + off + 19, 1)->data())) +
        " ";
    off += reclen;
  }
  EXPECT_NE(names.find("file "), std::string::npos) << names;
  EXPECT_NE(names.find("dir "), std::string::npos) << names;
  EXPECT_EQ(names.find("secret"), std::string::npos) << names;
}

// Each handle is one of hvrun's fds: the table leaves hvrun kReservedFds
// and one fd per mount below its RLIMIT_NOFILE. A guest at the limit gets
// EMFILE, and a refused open(O_CREAT) makes nothing.
TEST_F(FilesTest, HandleLimitLeavesHvrunItsOwnFds) {
  EXPECT_EQ(HostFiles(256).handle_limit(), 256 - HostFiles::kReservedFds);
  EXPECT_EQ(HostFiles(1 << 20).handle_limit(), HostFiles::kMaxHandles);
  EXPECT_EQ(HostFiles(HostFiles::kReservedFds).handle_limit(), 0u);
  HostFiles files(HostFiles::kReservedFds + 2 + 3);
  for (const char* spec : {":/data", ":/ro:ro"}) {
    auto m = HostMount::Parse((top_ / (spec[2] == 'd' ? "rw" : "ro")).string() + spec);
    ASSERT_TRUE(m.ok()) << m.status();
    files.AddMount(std::move(*m));
  }
  EXPECT_EQ(files.handle_limit(), 3u) << "two mounts' roots are hvrun's too";
  engine_.emplace(*memory_, ServiceOptions{}, std::move(files));
  int64_t h[3];
  for (int64_t& handle : h) ASSERT_GE(handle = Open(0, "file", O_RDONLY), 0);
  EXPECT_EQ(Open(0, "file", O_RDONLY), -EMFILE);
  EXPECT_EQ(Open(0, "new", O_WRONLY | O_CREAT), -EMFILE);
  EXPECT_FALSE(fs::exists(top_ / "rw/new")) << "a refused create made the file";
  EXPECT_EQ(Pathop(HV_PATHOP_MKDIR, 0, "made", "", 0755), 0) << "path ops need no handle";
  ASSERT_TRUE(memory_->Write(kArg, hv_file_io{static_cast<uint32_t>(h[1]), 0, 0, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_FILE_CLOSE, kArg).result, 0);
  EXPECT_GE(Open(0, "new", O_WRONLY | O_CREAT), 0) << "a closed handle is free again";
  EXPECT_TRUE(fs::exists(top_ / "rw/new"));
}

TEST(HostMountTest, ParsesAndRejectsSpecs) {
  EXPECT_TRUE(HostMount::Parse("/tmp:/t").ok());
  EXPECT_TRUE(HostMount::Parse("/tmp:/t:ro")->read_only);
  EXPECT_FALSE(HostMount::Parse("/tmp:/t:rw")->read_only);
  EXPECT_EQ(HostMount::Parse("/tmp:/t/")->guest_path, "/t");
  for (const char* bad :
       {"/tmp", "/tmp:t", "/tmp:/", "/tmp:/a/../b", "/tmp:/t:rx", ":/t", "/tmp:/t:ro:x"}) {
    EXPECT_EQ(HostMount::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(HostMount::Parse("/no/such/dir:/t").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hvrun
