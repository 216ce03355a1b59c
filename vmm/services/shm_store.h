// File: shm_store.h
//
// ShmStore is the container's /dev/shm: a host directory of hvrun's own,
// mounted at /dev/shm in every process of the container (HV_MOUNT_SHM), so
// that shm_open, sem_open and every file operation on it are the host file
// service's as for any mount, and the objects are the same files in every
// process. What sets it apart is mmap: MAP_SHARED of a store file maps the
// host file's pages into the guest (HV_SHARE_MAP_FILE, GuestMemory::MapFile),
// so stores are shared between processes for real, futexes included.
//
// Two rules keep hvrun safe while the guest maps such files:
//   - no mapped page may vanish under hvrun, which touches guest memory
//     directly (a host file truncated below a mapping raises SIGBUS in
//     whoever touches it): while a range of a file is mapped, shrinking the
//     file below its end is -EBUSY (CheckResize), and nothing but hvrun can
//     reach the directory (mode 0700 above it);
//   - the store holds at most (quota) bytes (--shm-size, as docker's): the
//     sizes of all its files, sparse or not, together; growth past it is
//     -ENOSPC. Pages can only be touched below a file's size, so host memory
//     stays within the quota whatever the guest stores through its mappings.
// The directory lives on the host's /dev/shm (tmpfs) where hvrun may write
// there, else under $TMPDIR or /tmp, and is removed with the store (the
// container's end).
//
// Example:
//   HV_ASSIGN_OR_RETURN(std::shared_ptr<ShmStore> shm, ShmStore::Create(64 << 20));
//   files.AddMount(shm->Mount());
#ifndef VMM_SERVICES_SHM_STORE_H_
#define VMM_SERVICES_SHM_STORE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "hv/abi.h"
#include "vmm/base/unique_fd.h"
#include "vmm/services/host_files.h"

namespace hvrun {

class ShmStore : public std::enable_shared_from_this<ShmStore> {
 public:
  // A store mounted at (guest_path): "/dev/shm" (the default) lives on the
  // host's /dev/shm where it can, any other (the shared /tmp) under $TMPDIR
  // or /tmp, on disk as docker's writable layer is.
  static absl::StatusOr<std::shared_ptr<ShmStore>> Create(uint64_t quota,
                                                          std::string guest_path = "/dev/shm");
  ~ShmStore();
  ShmStore(const ShmStore&) = delete;
  ShmStore& operator=(const ShmStore&) = delete;

  // The store as a mount at its guest path (a new O_PATH root each call).
  absl::StatusOr<HostMount> Mount() const;
  uint64_t quota() const { return quota_; }
  const std::string& guest_path() const { return guest_path_; }
  const std::string& host_path() const { return dir_; }

  // Whether store file (fd) may grow to (new_end) bytes (a write, an
  // fallocate): 0, or -ENOSPC past the quota.
  int64_t CheckGrowth(int fd, uint64_t new_end);
  // The same for a write of (len) bytes at (offset) (-1, or an O_APPEND fd:
  // at the end).
  int64_t CheckWrite(int fd, int64_t offset, uint64_t len);
  // ftruncate of store file (fd) to (new_size): 0, -ENOSPC past the quota,
  // -EBUSY below the end of a mapped range, or ftruncate's -errno.
  int64_t Truncate(int fd, uint64_t new_size);

  // System V segments (HV_CALL_SYSV_SHM): files of the store's own
  // directory beside the mount's (never seen in /dev/shm), counted in the
  // quota. Each returns the id or 0, else -errno as shmget/shmctl would.
  static constexpr size_t kMaxSysvSegments = 4096;  // Linux's SHMMNI
  int64_t SysvGet(const hv_sysv_shm& req);
  int64_t SysvStat(int32_t id, hv_sysv_shm* out) const;
  int64_t SysvSet(int32_t id, const hv_sysv_shm& req);
  int64_t SysvRemove(int32_t id);
  // The file to map for an attach of segment (id) by (pid), as MapGuard
  // gives, and the segment's size in (*size); -EINVAL for no such segment.
  absl::StatusOr<std::shared_ptr<const UniqueFd>> SysvAttach(int32_t id, int32_t pid,
                                                             uint64_t* size);

  // A mapping of store file (fd) up to file offset (end): the fd to map
  // (read and write: hvrun's own view writes guest memory), which guards
  // [0, end) against shrinking while it lives. -EINVAL if (end) lies past
  // the file's size rounded up to a page; -errno of the reopen.
  absl::StatusOr<std::shared_ptr<const UniqueFd>> MapGuard(int fd, uint64_t end);

 private:
  ShmStore(uint64_t quota, std::string guest_path)
      : quota_(quota), guest_path_(std::move(guest_path)) {}
  // The bytes the store's files hold (their sizes), counted anew when what
  // grew since the last count could reach the quota, or passed a sixteenth
  // of it (so a store of many files is walked once per quota/16 bytes
  // written, not per write); removals are seen at the next count. With
  // count_mu_ held.
  uint64_t Usage(uint64_t growth);
  // Whether a file of (size) bytes may become (new_end): 0, or -ENOSPC;
  // the growth is counted.
  int64_t Reserve(uint64_t size, uint64_t new_end);
  // The largest mapped end of file (dev, ino), 0 if none; with mu_ held.
  uint64_t MappedEnd(dev_t dev, ino_t ino) const;
  void Unguard(dev_t dev, ino_t ino, uint64_t end);

  // Drops segments marked for removal that nobody maps; with mu_ held.
  void ReapSysv();

  struct Segment {
    int32_t key = 0;  // 0: IPC_PRIVATE, or removed
    uint64_t size = 0;
    uint32_t mode = 0, uid = 0, gid = 0, cuid = 0, cgid = 0;
    int32_t cpid = 0, lpid = 0;
    int64_t atime = 0, dtime = 0, ctime = 0;
    bool removed = false;
    std::string path;
    UniqueFd file;
    // The attaches' guards: each process's ranges hold a copy, so the use
    // counts add up to the attaches in every process.
    std::vector<std::weak_ptr<const UniqueFd>> attaches;
    uint32_t Attached() const;
  };

  const uint64_t quota_;
  const std::string guest_path_;
  std::string parent_;  // the private 0700 directory
  std::string dir_;     // parent_/shm, the mount's root
  mutable std::mutex mu_;
  std::multimap<std::pair<dev_t, ino_t>, uint64_t> mapped_;  // guarded by mu_
  std::map<int32_t, Segment> sysv_;                          // guarded by mu_
  int32_t next_sysv_ = 0;                                    // guarded by mu_
  mutable std::mutex count_mu_;
  uint64_t counted_ = 0;  // guarded by count_mu_: the last count
  uint64_t grown_ = 0;    // guarded by count_mu_: growth allowed since
};

}  // namespace hvrun

#endif  // VMM_SERVICES_SHM_STORE_H_
