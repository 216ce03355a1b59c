// File: shm_store.cc
#include "vmm/services/shm_store.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"

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
  return HostTmpDir();
}

}  // namespace

absl::StatusOr<std::shared_ptr<ShmStore>> ShmStore::Create(uint64_t quota, std::string guest_path) {
  const bool shm = guest_path == "/dev/shm";
  std::shared_ptr<ShmStore> store(new ShmStore(quota, std::move(guest_path)));
  std::string parent =
      absl::StrCat(shm ? BaseDir() : HostTmpDir(), shm ? "/hvrun-shm-XXXXXX" : "/hvrun-tmp-XXXXXX");
  if (mkdtemp(parent.data()) == nullptr) {  // mode 0700: only hvrun gets in
    return absl::ErrnoToStatus(errno, "making the shared-memory store's directory");
  }
  store->parent_ = parent;
  store->dir_ = parent + "/shm";
  if (shm && mkdir((parent + "/sysv").c_str(), 0700) != 0) {
    return absl::ErrnoToStatus(errno, "making the shared-memory store's directory");
  }
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
  m.guest_path = guest_path_;
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

uint64_t ShmStore::Usage(uint64_t growth) {
  if (counted_ + grown_ + growth > quota_ || grown_ > quota_ / 16) {
    std::lock_guard walk(g_walk_mu);
    g_walk_bytes = 0;
    nftw(parent_.c_str(), AddSize, 16, FTW_PHYS);
    counted_ = g_walk_bytes;
    grown_ = 0;
  }
  return counted_ + grown_;
}

int64_t ShmStore::Reserve(uint64_t size, uint64_t new_end) {
  if (new_end <= size) return 0;
  if (new_end > quota_) return -ENOSPC;
  const uint64_t growth = new_end - size;
  std::lock_guard lock(count_mu_);
  if (Usage(growth) + growth > quota_) return -ENOSPC;
  grown_ += growth;
  return 0;
}

int64_t ShmStore::CheckGrowth(int fd, uint64_t new_end) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return -errno;
  return Reserve(static_cast<uint64_t>(st.st_size), new_end);
}

int64_t ShmStore::CheckWrite(int fd, int64_t offset, uint64_t len) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return -errno;
  const int fl = fcntl(fd, F_GETFL);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const uint64_t at =
      (fl >= 0 && (fl & O_APPEND)) || offset < 0 ? size : static_cast<uint64_t>(offset);
  return Reserve(size, at + len);
}

int64_t ShmStore::Truncate(int fd, uint64_t new_size) {
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
      break;
    }
  }
  ReapSysv();
}

namespace {

int64_t Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec;
}

// Linux's bounds: SHMMIN is 1; SHMMAX here is the store's quota.
constexpr int kIpcCreat = 01000;
constexpr int kIpcExcl = 02000;

}  // namespace

uint32_t ShmStore::Segment::Attached() const {
  uint32_t n = 0;
  for (const auto& w : attaches) n += static_cast<uint32_t>(w.use_count());
  return n;
}

void ShmStore::ReapSysv() {
  for (auto it = sysv_.begin(); it != sysv_.end();) {
    if (it->second.removed && it->second.Attached() == 0) {
      unlink(it->second.path.c_str());
      it = sysv_.erase(it);
    } else {
      ++it;
    }
  }
}

int64_t ShmStore::SysvGet(const hv_sysv_shm& req) {
  if ((req.flags & ~uint32_t{kIpcCreat | kIpcExcl}) != 0) return -EINVAL;
  std::lock_guard lock(mu_);
  if (req.key != 0) {  // IPC_PRIVATE always makes a new one
    for (auto& [id, seg] : sysv_) {
      if (seg.removed || seg.key != req.key) continue;
      if ((req.flags & kIpcCreat) && (req.flags & kIpcExcl)) return -EEXIST;
      if (req.size > seg.size) return -EINVAL;
      return id;
    }
    if (!(req.flags & kIpcCreat)) return -ENOENT;
  }
  if (req.size < 1 || req.size > quota_) return -EINVAL;
  if (sysv_.size() >= kMaxSysvSegments) return -ENOSPC;
  const int32_t id = next_sysv_;
  if (next_sysv_ == INT32_MAX) return -ENOSPC;
  Segment seg;
  seg.path = absl::StrCat(parent_, "/sysv/", id);
  seg.file.Reset(open(seg.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!seg.file.valid()) return -errno;
  // The quota counts sizes: check before the file takes its size.
  if (Reserve(0, req.size) < 0) {
    unlink(seg.path.c_str());
    return -ENOSPC;
  }
  if (ftruncate(seg.file.get(), static_cast<off_t>(req.size)) != 0) {
    const int64_t err = -errno;
    unlink(seg.path.c_str());
    return err;
  }
  ++next_sysv_;
  seg.key = req.key;
  seg.size = req.size;
  seg.mode = req.mode & 0777;
  seg.uid = seg.cuid = req.uid;
  seg.gid = seg.cgid = req.gid;
  seg.cpid = req.pid;
  seg.ctime = Now();
  sysv_.emplace(id, std::move(seg));
  return id;
}

int64_t ShmStore::SysvStat(int32_t id, hv_sysv_shm* out) const {
  std::lock_guard lock(mu_);
  auto it = sysv_.find(id);
  if (it == sysv_.end()) return -EINVAL;
  const Segment& seg = it->second;
  out->key = seg.removed ? 0 : seg.key;
  out->size = seg.size;
  out->mode = seg.mode | (seg.removed ? HV_SYSV_MODE_DEST : 0);
  out->uid = seg.uid;
  out->gid = seg.gid;
  out->cuid = seg.cuid;
  out->cgid = seg.cgid;
  out->cpid = seg.cpid;
  out->lpid = seg.lpid;
  out->nattch = seg.Attached();
  out->atime = seg.atime;
  out->dtime = seg.dtime;
  out->ctime = seg.ctime;
  return 0;
}

int64_t ShmStore::SysvSet(int32_t id, const hv_sysv_shm& req) {
  std::lock_guard lock(mu_);
  auto it = sysv_.find(id);
  if (it == sysv_.end()) return -EINVAL;
  it->second.uid = req.uid;
  it->second.gid = req.gid;
  it->second.mode = req.mode & 0777;
  it->second.ctime = Now();
  return 0;
}

int64_t ShmStore::SysvRemove(int32_t id) {
  std::lock_guard lock(mu_);
  auto it = sysv_.find(id);
  if (it == sysv_.end()) return -EINVAL;
  it->second.removed = true;
  it->second.ctime = Now();
  ReapSysv();
  return 0;
}

absl::StatusOr<std::shared_ptr<const UniqueFd>> ShmStore::SysvAttach(int32_t id, int32_t pid,
                                                                     uint64_t* size) {
  UniqueFd file;
  {
    std::lock_guard lock(mu_);
    auto it = sysv_.find(id);
    if (it == sysv_.end()) return absl::NotFoundError("no such segment");
    file.Reset(fcntl(it->second.file.get(), F_DUPFD_CLOEXEC, 0));
    if (!file.valid()) return absl::ErrnoToStatus(errno, "dup of a segment");
    *size = it->second.size;
  }
  const uint64_t end = (*size + layout::kPageSize - 1) / layout::kPageSize * layout::kPageSize;
  HV_ASSIGN_OR_RETURN(std::shared_ptr<const UniqueFd> guard, MapGuard(file.get(), end));
  std::lock_guard lock(mu_);
  auto it = sysv_.find(id);
  if (it == sysv_.end()) return absl::NotFoundError("the segment went away");
  Segment& seg = it->second;
  std::erase_if(seg.attaches, [](const auto& w) { return w.expired(); });
  seg.attaches.push_back(guard);
  seg.lpid = pid;
  seg.atime = Now();
  return guard;
}

}  // namespace hvrun
