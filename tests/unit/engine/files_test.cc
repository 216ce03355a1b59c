// Host files beneath mounts, driven through the ServiceEngine with argument
// structs in real guest memory. The tree under test holds hostile links:
// every way out of the mount must fail, and an outside file must never
// change.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "hvrun/engine/service_engine.h"

namespace hvrun {
namespace {

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
