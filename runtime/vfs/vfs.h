// File: runtime/vfs/vfs.h
//
// The guest's files: the fd table, open file descriptions, the mount table
// and path resolution, over the inodes of runtime/vfs/tmpfs.h. All state is
// static (no hidden allocation); file data lives in pages from runtime/mm.
//
// Mounts (fixed at boot; host directory mounts come later):
//   /      tmpfs (dev 1): the root, writable, so mkdir /x works
//   /tmp   tmpfs (dev 2), mode 1777
//   /dev   dev 3: null, zero, random, urandom (created files: -EACCES)
//   /proc  dev 4: cpuinfo, meminfo; self/exe (link to the app path),
//          self/maps and self/fd/ (generated: runtime/vfs/procfs.h)
//   hvrun's -v mounts at their guest paths (runtime/vfs/hostfs.h)
// Pipes are dev 5, the console fds dev 6. A rename or link across mounts is
// -EXDEV, removing a mount point -EBUSY, as on Linux.
//
// fds 0-2 start as the console (runtime/vfs/console.h). Every open() makes an
// open file description (offset, status flags) that dup() shares; the fd
// holds only FD_CLOEXEC. Limits: kMaxFds fds, kMaxFiles descriptions (-EMFILE
// / -ENFILE beyond). There are no permission checks beyond what access()
// reports: the guest owns every file it creates.
//
// Paths are app strings already checked with user::StringLength; they are
// read in place, never copied to the app's stack.
//
// Example:
//   int64_t fd = hvrt::vfs::Open(abi::kAT_FDCWD, "/tmp/x", O_CREAT | O_RDWR, 0644);
//   hvrt::vfs::File* f = hvrt::vfs::FileOf(fd);
#ifndef HVRT_VFS_VFS_H_
#define HVRT_VFS_VFS_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/vfs/tmpfs.h"

namespace hvrt::vfs {

// fds: RLIMIT_NOFILE's default (runtime/linux/process.cc), so the limit the
// app reads is the one it meets (a lowered limit is not enforced).
inline constexpr int32_t kMaxFds = 1024;
inline constexpr uint32_t kMaxFiles = 1024;
inline constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS: more is -ELOOP

enum Dev : uint32_t { kDevRoot = 1, kDevTmp, kDevDev, kDevProc, kDevPipe, kDevConsole };

// An open file description.
struct File {
  uint32_t ino;         // 0: free slot
  uint32_t refs;        // fds sharing it
  uint64_t flags;       // O_ACCMODE | O_APPEND | O_NONBLOCK | ... as opened
  uint64_t offset;      // files: bytes; directories: the getdents position
  uint32_t busy;        // sched::Lock word: a host transfer on it is in flight
  uint32_t sig;         // F_SETSIG: the signal O_ASYNC raises (0: SIGIO)
  int32_t owner;        // F_SETOWN(_EX): a pid, tid or process group id (0: none)
  uint32_t owner_type;  // F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP
};

// Holds open description (f) while a blocking call uses it: a close of its
// fd by another thread meanwhile closes it when the call ends, as Linux's
// file references do (gVisor's ClosedReadBlockingSocket).
class FileRef {
 public:
  explicit FileRef(File& f);
  ~FileRef();
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;

 private:
  uint32_t index_;
};

// The outcome of resolving a path: the directory holding the last component
// (parent), that component (name, len; len 0 for "/"), and what it names
// (ino, 0 if nothing). A path that ends inside a host mount (hostfs.h) has
// (host) set instead: (mount) and the path relative to its root (hpath,
// hlen; "" is the root), normalized lexically; parent and ino are 0 then.
// (hpath) lives in a static buffer that the next-but-one Resolve reuses, so
// rename and link can hold two lookups at once.
struct Lookup {
  uint32_t parent;
  uint32_t ino;
  const char* name;
  uint64_t len;
  bool trailing_slash;  // the path ended in '/': the target must be a directory
  bool host = false;
  uint32_t mount = 0;
  const char* hpath = nullptr;
  uint32_t hlen = 0;
};

// Builds the tree and the console fds 0-2. Call after mm::Init.
void Reset();

// Open fd (fd)'s description, or nullptr (-EBADF for the caller).
File* FileOf(int32_t fd);
tmpfs::Inode* InodeOf(const File& f);

// Resolves (path) (relative ones against (dirfd): AT_FDCWD or a directory
// fd), following symlinks in the middle, and at the end if (follow). An
// empty path is -ENOENT. Returns 0 or -errno (ENOENT for a missing
// directory on the way, ENOTDIR, ELOOP, ENAMETOOLONG, EBADF).
int64_t Resolve(int32_t dirfd, const char* path, bool follow, Lookup* out);

// Resolves to an existing inode: 0 or -errno; sets (*ino). With
// AT_EMPTY_PATH semantics when (empty_ok) and (path) is "": (dirfd)'s inode
// (a kHost inode for a host fd). A path inside a host mount returns
// kOnHost with the lookup in (*host): the host decides whether it exists.
inline constexpr int64_t kOnHost = 1;
int64_t ResolveExisting(int32_t dirfd, const char* path, bool follow, bool empty_ok, uint32_t* ino,
                        Lookup* host);

// open(2) semantics: returns the new fd or -errno.
int64_t Open(int32_t dirfd, const char* path, uint64_t flags, uint32_t mode);

// A new description for (ino) with (flags) at the lowest free fd; -EMFILE,
// -ENFILE.
int64_t Install(uint32_t ino, uint64_t flags);

int64_t Close(int32_t fd);
// dup/F_DUPFD: the lowest free fd >= (min) sharing (fd)'s description.
int64_t Dup(int32_t fd, int32_t min, bool cloexec);
// dup2/dup3: (newfd) closed first if open.
int64_t DupTo(int32_t fd, int32_t newfd, bool cloexec);
bool CloExec(int32_t fd);
// execve: closes every fd marked close-on-exec.
void CloseOnExec();
void SetCloExec(int32_t fd, bool on);

// Reads/writes the description at (*off) between it and app memory at
// (buf) (already range-checked). (off) is f.offset for read/write, a
// caller's value for pread/pwrite. Return bytes or -errno.
int64_t Read(File& f, uint64_t buf, uint64_t len, uint64_t* off);
int64_t Write(File& f, uint64_t buf, uint64_t len, uint64_t* off);
// Whether the description has a file offset (pread, lseek): not pipes or the
// console (-ESPIPE).
bool Seekable(const File& f);

// Creates a pipe: fds[0] reads, fds[1] writes. 0 or -errno.
int64_t Pipe(uint64_t flags, int32_t fds[2]);
// socketpair(AF_UNIX, (type)): two connected host sockets (HV_CALL_PIPE's
// socket_type), shared like a host pipe by the processes that inherit them;
// (flags) O_NONBLOCK and O_CLOEXEC; (cred) each end's SO_PEERCRED. -EOPNOTSUPP where
// hvrun has none (xen).
int64_t SocketPair(uint32_t type, uint64_t flags, const hv_ucred& cred, int32_t fds[2]);
// eventfd: a host eventfd (HV_CALL_EVENTFD) with counter (initval);
// (semaphore): EFD_SEMAPHORE; (flags) O_NONBLOCK and O_CLOEXEC. A new fd,
// or -errno (-ENOSYS where hvrun has none: xen).
int64_t Eventfd(uint32_t initval, bool semaphore, uint64_t flags);
// A new fd (open with (flags)) on host stream handle (handle) (a socket, an
// eventfd) as an unnamed kHost inode of (mode); the handle is closed if it
// cannot be. The fd or -errno.
int64_t InstallHostHandle(uint32_t handle, uint32_t mode, uint64_t flags);

// The cwd and umask.
uint32_t Cwd();
void SetCwd(uint32_t ino);
// chdir(2) to (path): 0 or -errno (-ENOTDIR for a non-directory).
int64_t ChangeDir(const char* path);
uint32_t Umask();
void SetUmask(uint32_t mask);

// The absolute path of directory (ino) into (buf) of (cap): the length
// without NUL, -ERANGE if it does not fit, -ENOENT if it was removed.
int64_t PathOf(uint32_t ino, char* buf, uint64_t cap);

// Whether new names may be made in directory (n): -EACCES in /dev and /proc,
// -ENOENT in a removed directory.
int64_t CanCreateIn(const tmpfs::Inode& dir);

}  // namespace hvrt::vfs

#endif  // HVRT_VFS_VFS_H_
