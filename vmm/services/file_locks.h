// File: file_locks.h
//
// fcntl record locks between the guest's processes, held by the host
// kernel. Open file description (OFD) locks need nothing here: a guest's
// open file description is one host handle (dup'ed into forked children),
// so the host's F_OFD_* on it are Linux's own semantics. POSIX locks belong
// to a process and an inode instead: this table keeps, per process, one
// host OFD per locked file (a reopen of it through hvrun's /proc/self/fd)
// and sets the process's POSIX locks as OFD locks there. So the host kernel
// decides every conflict between processes (and with host processes), a
// process never conflicts with itself, its locks go when it closes any fd
// of the file (ReleasePosix, asked by the runtime), when it ends (the table
// goes), and never come along into a fork (a child starts with none). A
// blocked F_SETLKW is the runtime's: it retries (so no host thread waits
// in the kernel for a lock).
//
// F_GETLK must name the holder's pid, which a host OFD lock does not say:
// every process's lock OFDs are in one container-wide list (LockOwners),
// and the holder is the process whose own lock OFD sees no such conflict.
// A conflicting lock no guest process holds as a POSIX lock (an OFD lock,
// or a host process's) reads as pid -1, as Linux reports an OFD lock.
//
// Thread-safety: one table per process (its engine thread); LockOwners is
// locked inside.
#ifndef VMM_SERVICES_FILE_LOCKS_H_
#define VMM_SERVICES_FILE_LOCKS_H_

#include <fcntl.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "vmm/base/unique_fd.h"

namespace hvrun {

class LockOwners {
 public:
  using Key = std::pair<dev_t, ino_t>;
  void Add(Key key, int32_t pid, int fd);
  void Remove(Key key, int fd);
  // The pid of a process other than (asker) whose lock OFD holds the lock
  // that (conflict) (F_OFD_GETLK's answer) reports, or 0.
  int32_t HolderOf(Key key, int32_t asker, const struct flock& conflict);

 private:
  std::mutex mu_;
  std::map<Key, std::vector<std::pair<int32_t, int>>> owners_;  // guarded by mu_
};

class FileLocks {
 public:
  static constexpr size_t kMaxFiles = 1024;  // files with POSIX locks, per process

  FileLocks() = default;
  FileLocks(FileLocks&&) = default;
  FileLocks& operator=(FileLocks&&) = default;
  ~FileLocks();

  void set_pid(int32_t pid) { pid_ = pid; }
  // A table for a forked child: the same owners list, no locks.
  FileLocks ForChild() const;

  // fcntl (cmd) (F_GETLK, F_SETLK, F_OFD_GETLK or F_OFD_SETLK) of (*fl) on
  // host fd (fd); (readable)/(writable): the guest's access mode, which a
  // read or write lock needs (else -EBADF). Returns 0, -EAGAIN (a conflict)
  // or -errno; a GETLK rewrites (*fl).
  int64_t Lock(int fd, bool readable, bool writable, int cmd, struct flock* fl);
  // The process closed an fd of (fd)'s file: its POSIX locks there go.
  void ReleasePosix(int fd);

 private:
  struct Held {
    UniqueFd fd;
  };
  std::map<LockOwners::Key, Held> held_;
  std::shared_ptr<LockOwners> owners_ = std::make_shared<LockOwners>();
  int32_t pid_ = 0;
};

}  // namespace hvrun

#endif  // VMM_SERVICES_FILE_LOCKS_H_
