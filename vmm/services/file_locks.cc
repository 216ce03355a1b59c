// File: file_locks.cc
#include "vmm/services/file_locks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"

namespace hvrun {
namespace {

bool KeyOf(int fd, LockOwners::Key* key, mode_t* mode) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  *key = {st.st_dev, st.st_ino};
  *mode = st.st_mode;
  return true;
}

// A new open file description of (fd)'s file, for locks only: read and
// write where the host allows, else one of them.
UniqueFd Reopen(int fd) {
  const std::string path = absl::StrCat("/proc/self/fd/", fd);
  for (int access : {O_RDWR, O_RDONLY, O_WRONLY}) {
    UniqueFd f(open(path.c_str(), access | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (f.valid()) return f;
  }
  return UniqueFd();
}

}  // namespace

void LockOwners::Add(Key key, int32_t pid, int fd) {
  std::lock_guard lock(mu_);
  owners_[key].push_back({pid, fd});
}

void LockOwners::Remove(Key key, int fd) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(key);
  if (it == owners_.end()) return;
  std::erase_if(it->second, [fd](const auto& o) { return o.second == fd; });
  if (it->second.empty()) owners_.erase(it);
}

int32_t LockOwners::HolderOf(Key key, int32_t asker, const struct flock& conflict) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(key);
  if (it == owners_.end()) return -1;
  for (const auto& [pid, fd] : it->second) {
    if (pid == asker) continue;
    // Seen from the holder's own lock OFD, its lock is no conflict: a write
    // lock over the same range then finds nothing there, or another lock.
    struct flock probe = conflict;
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_pid = 0;
    if (fcntl(fd, F_OFD_GETLK, &probe) != 0) continue;
    if (probe.l_type == F_UNLCK || probe.l_start != conflict.l_start ||
        probe.l_len != conflict.l_len || probe.l_type != conflict.l_type) {
      return pid;
    }
  }
  return -1;
}

FileLocks::~FileLocks() {
  if (owners_ == nullptr) return;  // moved from
  for (const auto& [key, held] : held_) owners_->Remove(key, held.fd.get());
}

FileLocks FileLocks::ForChild() const {
  FileLocks child;
  child.owners_ = owners_;
  return child;
}

int64_t FileLocks::Lock(int fd, bool readable, bool writable, int cmd, struct flock* fl) {
  if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK) return -EINVAL;
  if (fl->l_whence != SEEK_SET && fl->l_whence != SEEK_END)
    return -EINVAL;  // SEEK_CUR: the guest's
  const bool set = cmd == F_SETLK || cmd == F_OFD_SETLK;
  if (set && ((fl->l_type == F_RDLCK && !readable) || (fl->l_type == F_WRLCK && !writable))) {
    return -EBADF;
  }
  if (cmd == F_OFD_SETLK || cmd == F_OFD_GETLK) {
    // The guest's open file description is this handle's: the host's own.
    return fcntl(fd, cmd, fl) == 0 ? 0 : -errno;
  }
  if (cmd != F_SETLK && cmd != F_GETLK) return -EINVAL;
  LockOwners::Key key;
  mode_t mode;
  if (!KeyOf(fd, &key, &mode)) return -errno;
  // Only regular files carry locks across processes here: reopening a FIFO
  // would be its peer. Elsewhere a lock is this process's alone.
  if (!S_ISREG(mode)) {
    if (cmd == F_GETLK) fl->l_type = F_UNLCK;
    return 0;
  }
  auto it = held_.find(key);
  struct flock req = *fl;
  req.l_pid = 0;  // F_OFD_* want 0
  if (cmd == F_GETLK) {
    UniqueFd temp;
    int from = it != held_.end() ? it->second.fd.get() : -1;
    if (from < 0) {
      temp = Reopen(fd);
      if (!temp.valid()) return -errno;
      from = temp.get();
    }
    if (fcntl(from, F_OFD_GETLK, &req) != 0) return -errno;
    if (req.l_type != F_UNLCK) req.l_pid = owners_->HolderOf(key, pid_, req);
    *fl = req;
    return 0;
  }
  if (it == held_.end()) {
    if (fl->l_type == F_UNLCK) return 0;  // nothing held, nothing to drop
    if (held_.size() >= kMaxFiles) return -ENOLCK;
    UniqueFd lock_fd = Reopen(fd);
    if (!lock_fd.valid()) return -errno;
    owners_->Add(key, pid_, lock_fd.get());
    it = held_.emplace(key, Held{std::move(lock_fd)}).first;
  }
  return fcntl(it->second.fd.get(), F_OFD_SETLK, &req) == 0 ? 0 : -errno;
}

void FileLocks::ReleasePosix(int fd) {
  LockOwners::Key key;
  mode_t mode;
  if (!KeyOf(fd, &key, &mode)) return;
  auto it = held_.find(key);
  if (it == held_.end()) return;
  owners_->Remove(key, it->second.fd.get());
  held_.erase(it);  // closing the lock OFD drops its locks
}

}  // namespace hvrun
