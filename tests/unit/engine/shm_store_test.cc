// File: tests/unit/engine/shm_store_test.cc
//
// The shared-memory store (vmm/services/shm_store.h) on its own: its
// directory, the quota, the guard that keeps a mapped file from shrinking
// under hvrun, System V segments' keys, ids and removal, and that nothing
// is left on the host when it goes.
#include "vmm/services/shm_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace hvrun {
namespace {

namespace fs = std::filesystem;

UniqueFd MakeFile(const ShmStore& store, const std::string& name) {
  return UniqueFd(
      open((store.host_path() + "/" + name).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
}

hv_sysv_shm Get(int32_t key, uint64_t size, uint32_t flags) {
  hv_sysv_shm req{};
  req.op = HV_SYSV_GET;
  req.key = key;
  req.size = size;
  req.flags = flags;
  req.mode = 0640;
  req.pid = 7;
  return req;
}

TEST(ShmStore, IsAPrivateDirectoryRemovedAtTheEnd) {
  std::string parent;
  {
    auto store = ShmStore::Create(1 << 20);
    ASSERT_TRUE(store.ok()) << store.status();
    const fs::path dir = (*store)->host_path();
    parent = dir.parent_path();
    struct stat st {};
    ASSERT_EQ(stat(parent.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);  // nobody else gets in
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 01777u);  // what the guest expects of /dev/shm
    ASSERT_TRUE(MakeFile(**store, "x").valid());
    fs::create_directory(dir / "sub");
    ASSERT_TRUE(MakeFile(**store, "sub/y").valid());
    auto m = (*store)->Mount();
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->guest_path, "/dev/shm");
    EXPECT_EQ(m->shm, *store);
  }
  EXPECT_FALSE(fs::exists(parent));
}

TEST(ShmStore, QuotaCountsEveryFilesSize) {
  auto store = ShmStore::Create(64 << 10);
  ASSERT_TRUE(store.ok());
  UniqueFd a = MakeFile(**store, "a");
  UniqueFd b = MakeFile(**store, "b");
  EXPECT_EQ((*store)->Truncate(a.get(), 40 << 10), 0);
  EXPECT_EQ((*store)->Truncate(b.get(), 30 << 10), -ENOSPC);  // 70 KiB in all
  EXPECT_EQ((*store)->Truncate(b.get(), 24 << 10), 0);
  EXPECT_EQ((*store)->CheckGrowth(b.get(), 25 << 10), -ENOSPC);
  EXPECT_EQ((*store)->CheckGrowth(b.get(), 10), 0);  // not growth at all
  EXPECT_EQ((*store)->Truncate(a.get(), 1ull << 40), -ENOSPC);
  EXPECT_EQ((*store)->Truncate(a.get(), ~0ull), -EINVAL);
}

TEST(ShmStore, AMappedFileCannotShrinkBelowTheMapping) {
  auto store = ShmStore::Create(1 << 20);
  ASSERT_TRUE(store.ok());
  UniqueFd f = MakeFile(**store, "m");
  ASSERT_EQ((*store)->Truncate(f.get(), 3 * 4096 + 100), 0);
  // Past the last page that holds file bytes: refused.
  EXPECT_FALSE((*store)->MapGuard(f.get(), 5 * 4096).ok());
  auto guard = (*store)->MapGuard(f.get(), 4 * 4096);
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_TRUE((**guard).valid());
  EXPECT_EQ((*store)->Truncate(f.get(), 3 * 4096), -EBUSY);
  EXPECT_EQ((*store)->Truncate(f.get(), 0), -EBUSY);
  EXPECT_EQ((*store)->Truncate(f.get(), 8 * 4096), 0);  // growing is fine
  EXPECT_EQ((*store)->Truncate(f.get(), 4 * 4096), 0);  // down to the mapping's end
  guard->reset();
  EXPECT_EQ((*store)->Truncate(f.get(), 0), 0);
}

TEST(ShmStore, SysvKeysIdsAndRemoval) {
  auto store = ShmStore::Create(1 << 20);
  ASSERT_TRUE(store.ok());
  ShmStore& s = **store;
  const int64_t a = s.SysvGet(Get(0, 8192, 0));  // IPC_PRIVATE
  const int64_t b = s.SysvGet(Get(0, 8192, 0));
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_NE(a, b);
  const int64_t k = s.SysvGet(Get(0x1234, 4096, 01000 | 02000));
  ASSERT_GE(k, 0);
  EXPECT_EQ(s.SysvGet(Get(0x1234, 4096, 01000 | 02000)), -EEXIST);
  EXPECT_EQ(s.SysvGet(Get(0x1234, 100, 0)), k);
  EXPECT_EQ(s.SysvGet(Get(0x1234, 8192, 0)), -EINVAL);  // larger than the segment
  EXPECT_EQ(s.SysvGet(Get(0x9999, 4096, 0)), -ENOENT);
  EXPECT_EQ(s.SysvGet(Get(0, 0, 0)), -EINVAL);
  EXPECT_EQ(s.SysvGet(Get(0, 2 << 20, 0)), -EINVAL);  // above the quota
  EXPECT_EQ(s.SysvGet(Get(0, 8192, 0777777)), -EINVAL);

  hv_sysv_shm st{};
  ASSERT_EQ(s.SysvStat(static_cast<int32_t>(k), &st), 0);
  EXPECT_EQ(st.key, 0x1234);
  EXPECT_EQ(st.size, 4096u);
  EXPECT_EQ(st.mode, 0640u);
  EXPECT_EQ(st.cpid, 7);
  EXPECT_EQ(st.nattch, 0u);

  uint64_t size = 0;
  auto attach = s.SysvAttach(static_cast<int32_t>(k), 9, &size);
  ASSERT_TRUE(attach.ok()) << attach.status();
  EXPECT_EQ(size, 4096u);
  auto copy = *attach;  // a fork's child holds a copy of the range
  ASSERT_EQ(s.SysvStat(static_cast<int32_t>(k), &st), 0);
  EXPECT_EQ(st.nattch, 2u);
  EXPECT_EQ(st.lpid, 9);

  // IPC_RMID: the key is free at once; the segment lives while attached.
  EXPECT_EQ(s.SysvRemove(static_cast<int32_t>(k)), 0);
  ASSERT_EQ(s.SysvStat(static_cast<int32_t>(k), &st), 0);
  EXPECT_NE(st.mode & HV_SYSV_MODE_DEST, 0u);
  EXPECT_EQ(s.SysvGet(Get(0x1234, 4096, 0)), -ENOENT);
  attach->reset();
  copy.reset();
  EXPECT_EQ(s.SysvStat(static_cast<int32_t>(k), &st), -EINVAL);
  EXPECT_FALSE(s.SysvAttach(static_cast<int32_t>(k), 9, &size).ok());
  EXPECT_EQ(s.SysvRemove(12345), -EINVAL);
  // Segments count in the quota: 16 KiB are taken of 1 MiB.
  EXPECT_EQ(s.SysvGet(Get(0, 1 << 20, 0)), -ENOSPC);
}

}  // namespace
}  // namespace hvrun
