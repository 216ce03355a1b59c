// File: runtime/vfs/hostfs.h
//
// Host directory mounts (hvrun -v HOST:GUEST[:ro]): the guest side of
// HV_CALL_FILE_*. hvrun resolves every path beneath the mount's root itself
// (openat2 RESOLVE_BENEATH), so the guest never follows a symlink inside a
// host mount: it only normalizes the path lexically (vfs.cc's HostWalk) and
// hands the rest to the host. Read-only mounts are enforced by hvrun (EROFS).
//
// Inodes. A kHost inode (tmpfs.h) is one of:
//   - a mount's root in the guest tree (mountpoint, made at boot): a path
//     walk that reaches it continues on the host;
//   - an open host file or directory, unnamed (nlink 0), freed with its last
//     open description (or the cwd leaving it);
//   - a host directory that chdir() made the cwd (no handle).
// Fields: (stream) the mount index, (pipe_head) the host handle + 1 (0: no
// handle), (data, size) the path relative to the mount root (to resolve
// paths relative to a host directory fd or cwd, and for getcwd), (mode) the
// host's st_mode when opened.
//
// Offsets of regular files are the host fd's: read and write use and move
// its position (kAtPosition), and lseek moves it, so processes that share
// the description through fork share the offset, as on Linux (hvrun's fork
// dup()s the host fd). The description's (offset) is a cache of it, exact
// after lseek. Where this process has shared mappings (shared_maps.h, which
// needs each transfer's file offset), a read or write asks the position,
// transfers at it, and moves it on. pread/pwrite are positioned as on Linux.
// O_APPEND is the host fd's (it was opened with it). F_SETFL O_APPEND after
// open changes only the guest's flag, not the host fd's. A host directory's getdents position is
// the host handle's: lseek to 0 reopens the directory by its path (Rewind), SEEK_CUR 0 tells the
// position, SEEK_END is the host's answer; other positions are -EINVAL. A host directory fd or cwd
// resolves relative paths by the path it was opened with (renaming it meanwhile is not followed).
//
// Ownership: chown family on host files is a no-op success when it asks for
// the guest's own uid/gid or -1, else -EPERM (hvrun never changes owners).
//
// Example:
//   vfs::Lookup l;  // from vfs::Resolve, l.host set
//   int64_t fd = hostfs::Open(l, O_RDONLY, 0);
#ifndef HVRT_VFS_HOSTFS_H_
#define HVRT_VFS_HOSTFS_H_

#include <stdint.h>

#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/vfs/tmpfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt::hostfs {

// Whether (n) is a kHost inode, and its handle (host handle + 1, 0: none).
inline bool IsHost(const tmpfs::Inode& n) { return n.kind == tmpfs::Kind::kHost; }
inline uint64_t HandleOf(const tmpfs::Inode& n) { return n.pipe_head; }
// Whether kHost inode (n) lies in hvrun's shared-memory store (/dev/shm,
// HV_MOUNT_SHM), whose files MAP_SHARED maps for real.
bool InShmStore(const tmpfs::Inode& n);

// open(2) of host lookup (l): a new fd or -errno.
int64_t Open(const vfs::Lookup& l, uint64_t flags, uint32_t mode);
// FIFOs in the guest's own tmpfs live in hvrun's FIFO store
// (HV_MOUNT_FIFO_STORE), so that forked processes share them: the tmpfs
// inode (mode S_IFIFO) keeps the store's number + 1 in (pipe_head).
// MakeStoreFifo makes one with (perm) and returns its number or -errno;
// OpenStoreFifo opens number (number) as open(2) would with (flags) (a new
// fd, or -errno; a blocking one-way open waits for the other end).
int64_t MakeStoreFifo(uint32_t perm);
int64_t OpenStoreFifo(uint64_t number, uint64_t flags);

// Record locks on host file (n) (HV_FDOP_LOCK, flock): (cmd) F_GETLK,
// F_SETLK, F_OFD_GETLK or F_OFD_SETLK on (*fl), whose l_whence is SEEK_SET
// or SEEK_END. A POSIX lock set makes every later close of a host file's fd
// ask hvrun to drop this process's POSIX locks on it (ClosedFd), as closing
// any fd of a file does on Linux.
int64_t Lock(const tmpfs::Inode& n, uint32_t cmd, abi::Flock* fl);
int64_t Flock(const tmpfs::Inode& n, uint32_t op);
void ClosedFd(const tmpfs::Inode& n);

// A handle-less kHost inode for directory (l) (chdir): its number or -errno.
int64_t DirInode(const vfs::Lookup& l, uint32_t* ino);
// Closes (n)'s host handle, if any (tmpfs::MaybeRelease, on the last use).
void Release(tmpfs::Inode& n);

// stat of (l) (lstat if (nofollow)) or of kHost inode (n).
int64_t Stat(const vfs::Lookup& l, bool nofollow, abi::Stat* st);
int64_t Stat(const tmpfs::Inode& n, abi::Stat* st);

// pread/pwrite at (off) between app memory (buf, len) and (n): bytes or
// -errno. (off) kAtPosition: read/write at the host fd's own position,
// which moves (the position every process that shares the description
// shares, as Linux's open file descriptions do across fork).
inline constexpr uint64_t kAtPosition = ~0ull;
// Whether open host file (n)'s offset is its host fd's position: where one
// description holds its handle (a reopen through /proc/self/fd shares the
// handle, not the offset, and keeps an offset of its own).
inline bool OffsetIsHostPosition(const tmpfs::Inode& n) { return n.opens == 1; }
int64_t Read(const tmpfs::Inode& n, uint64_t buf, uint64_t len, uint64_t off);
int64_t Write(const tmpfs::Inode& n, uint64_t buf, uint64_t len, uint64_t off);
// getdents64 into app memory from the handle's own position.
int64_t Getdents(const tmpfs::Inode& n, uint64_t buf, uint64_t len);
// A transfer on a host pipe end (mode S_IFIFO): no offset; (nonblock): what
// moves now, else -EAGAIN (O_NONBLOCK).
int64_t StreamIo(const tmpfs::Inode& n, bool write, uint64_t buf, uint64_t len, bool nonblock);
// Back to a directory's first entry (lseek to 0, rewinddir): the host
// handle keeps the position, so (n) gets a fresh handle on its path.
int64_t Rewind(tmpfs::Inode& n);

// HV_CALL_FILE_PATHOP (op) on (at) and, for rename/link/symlink, (to).
// (-EXDEV when they are on different mounts.)
int64_t PathOp(uint32_t op, const vfs::Lookup& at, const vfs::Lookup* to, uint32_t mode,
               uint64_t size, uint64_t buf, uint64_t buf_len, uint32_t flags);
// symlink(2): a link at (to) holding (target).
int64_t Symlink(const char* target, uint64_t target_len, const vfs::Lookup& to);
// HV_CALL_FILE_FDOP (op) on (n)'s handle: -EBADF without one.
int64_t FdOp(const tmpfs::Inode& n, uint32_t op, uint32_t flags, uint64_t arg0, uint64_t arg1);

}  // namespace hvrt::hostfs

#endif  // HVRT_VFS_HOSTFS_H_
