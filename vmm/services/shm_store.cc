// File: shm_store.cc
#include "vmm/services/shm_store.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "vmm/base/layout.h"

namespace hvrun {
namespace {

// nftw has no user argument: the walks are serialized by this lock.
std::mutex g_walk_mu;
uint64_t g_walk_bytes = 0;

int AddSize(const char*, const struct stat* st, int type, FTW*) {
  if (type == FTW_F && S_ISREG(st->st_mode)) g_walk_bytes += static_cast<uint64_t>(st->st_size);
  return 0;
}

int RemoveEntry(const char* path, const struct stat*, int type, FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;
}

// Where the store's directory goes: the host's /dev/shm when it is a
// directory hvrun may make one in (tmpfs, like the guest's expects), else
// $TMPDIR or /tmp.
std::string BaseDir() {
  struct stat st {};
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK | X_OK) == 0) {
    return "/dev/shm";
  }
  const char* tmp = getenv("TMPDIR");
  return tmp != nullptr && *tmp == '/' ? tmp : "/tmp";
}

}  // namespace

absl::StatusOr<std::shared_ptr<ShmStore>> ShmStore::Create(uint64_t quota) {
  std::shared_ptr<ShmStore> store(new ShmStore(quota));
  std::string parent = absl::StrCat(BaseDir(), "/hvrun-shm-XXXXXX");
  if (mkdtemp(parent.data()) == nullptr) {  // mode 0700: only hvrun gets in
    return absl::ErrnoToStatus(errno, "making the shared-memory store's directory");
  }
  store->parent_ = parent;
  store->dir_ = parent + "/shm";
  // Within, the mode the guest expects of /dev/shm (sticky, everyone's).
  if (mkdir(store->dir_.c_str(), 0700) != 0 || chmod(store->dir_.c_str(), 01777) != 0) {
    return absl::ErrnoToStatus(errno, "making the shared-memory store's directory");
  }
  return store;
}

ShmStore::~ShmStore() {
  if (parent_.empty()) return;
  std::lock_guard walk(g_walk_mu);
  nftw(parent_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

absl::StatusOr<HostMount> ShmStore::Mount() const {
  HostMount m;
  m.host_path = dir_;
  m.guest_path = "/dev/shm";
  m.root.Reset(open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!m.root.valid()) return absl::ErrnoToStatus(errno, "opening the shared-memory store");
  m.shm = std::const_pointer_cast<ShmStore>(shared_from_this());
  return m;
}

uint64_t ShmStore::MappedEnd(dev_t dev, ino_t ino) const {
  uint64_t end = 0;
  auto [lo, hi] = mapped_.equal_range({dev, ino});
  for (auto it = lo; it != hi; ++it) end = std::max(end, it->second);
  return end;
}

int64_t ShmStore::CheckGrowth(int fd, uint64_t new_end) const {
  struct stat st {};
  if (fstat(fd, &st) != 0) return -errno;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (new_end <= size) return 0;
  if (new_end > quota_) return -ENOSPC;
  std::lock_guard walk(g_walk_mu);
  g_walk_bytes = 0;
  if (nftw(dir_.c_str(), AddSize, 16, FTW_PHYS) != 0) return -EIO;
  return g_walk_bytes + (new_end - size) > quota_ ? -ENOSPC : 0;
}

int64_t ShmStore::Truncate(int fd, uint64_t new_size) const {
  if (new_size > static_cast<uint64_t>(INT64_MAX)) return -EINVAL;
  if (int64_t r = CheckGrowth(fd, new_size); r < 0) return r;
  // The check and the shrink under one lock: MapGuard cannot slip between.
  std::lock_guard lock(mu_);
  struct stat st {};
  if (fstat(fd, &st) != 0) return -errno;
  if (new_size < MappedEnd(st.st_dev, st.st_ino)) return -EBUSY;
  return ftruncate(fd, static_cast<off_t>(new_size)) != 0 ? -errno : 0;
}

absl::StatusOr<std::shared_ptr<const UniqueFd>> ShmStore::MapGuard(int fd, uint64_t end) {
  struct Guard {
    UniqueFd fd;
    std::weak_ptr<ShmStore> store;
    dev_t dev = 0;
    ino_t ino = 0;
    uint64_t end = 0;
    ~Guard() {
      if (auto s = store.lock()) s->Unguard(dev, ino, end);
    }
  };
  struct stat st {};
  if (fstat(fd, &st) != 0) return absl::ErrnoToStatus(errno, "fstat of a store file");
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError("not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const uint64_t pages = (size + layout::kPageSize - 1) / layout::kPageSize * layout::kPageSize;
  // Read and write whatever the guest's fd allows: hvrun's view of guest
  // memory must be writable wherever the guest's is (the runtime keeps the
  // guest's own protection).
  UniqueFd rw(open(absl::StrCat("/proc/self/fd/", fd).c_str(), O_RDWR | O_CLOEXEC));
  if (!rw.valid()) return absl::ErrnoToStatus(errno, "reopening a store file to map it");
  std::lock_guard lock(mu_);
  // Checked with the lock held, so no shrink can slip in between.
  if (fstat(rw.get(), &st) != 0) return absl::ErrnoToStatus(errno, "fstat of a store file");
  if (end > pages || static_cast<uint64_t>(st.st_size) < size) {
    return absl::InvalidArgumentError("a mapping past the end of the file");
  }
  auto guard = std::make_shared<Guard>();
  guard->fd = std::move(rw);
  guard->dev = st.st_dev;
  guard->ino = st.st_ino;
  guard->end = end;
  mapped_.insert({{st.st_dev, st.st_ino}, end});
  guard->store = weak_from_this();  // from here on, its end unguards
  return std::shared_ptr<const UniqueFd>(guard, &guard->fd);
}

void ShmStore::Unguard(dev_t dev, ino_t ino, uint64_t end) {
  std::lock_guard lock(mu_);
  auto [lo, hi] = mapped_.equal_range({dev, ino});
  for (auto it = lo; it != hi; ++it) {
    if (it->second == end) {
      mapped_.erase(it);
      return;
    }
  }
}

}  // namespace hvrun
