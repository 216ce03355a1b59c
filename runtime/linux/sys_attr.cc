// File attributes and sizes: umask, chmod/fchmod/fchmodat, the chown
// family, utimensat, truncate/ftruncate, fallocate, fsync/fdatasync. Host
// mount paths and fds go to the host (HV_PATHOP_* / HV_FDOP_*); chown on
// them is the no-op policy of runtime/vfs/hostfs.h.
#include "runtime/boot/boot_info.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/shared_maps.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

using tmpfs::Inode;

// An existing inode by path (follow or not) or, with AT_EMPTY_PATH and "",
// by (dirfd). A host mount path returns vfs::kOnHost with (*host) set and
// (*out) nullptr.
int64_t InodeAt(int32_t dirfd, uint64_t path_addr, bool follow, bool empty_ok, Inode** out,
                vfs::Lookup* host) {
  const char* path;
  if (int64_t r = user::Path(path_addr, &path); r < 0) return r;
  uint32_t ino;
  int64_t r = vfs::ResolveExisting(dirfd, path, follow, empty_ok, &ino, host);
  if (r < 0) return r;
  *out = tmpfs::Get(ino);
  return r;
}

int64_t InodeOfFd(int32_t fd, Inode** out) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr || (f->flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  *out = vfs::InodeOf(*f);
  return 0;
}

// Only the owner (or root) may change the mode or times of a file: the
// file-system uid (cred.h).
bool Owns(const Inode& n) {
  uint32_t uid = cred::Uid().fs;
  return uid == 0 || n.uid == uid;
}

int64_t Chmod(Inode* n, uint64_t mode) {
  if (n->kind == tmpfs::Kind::kConsole) return 0;  // the host's stream: not ours to change
  if (!Owns(*n)) return -abi::kEPERM;
  if (n->dev == vfs::kDevProc) return -abi::kEPERM;  // proc refuses chmod like this
  n->mode = (n->mode & abi::kS_IFMT) | (static_cast<uint32_t>(mode) & 07777);
  n->ctime = tmpfs::Now();
  return 0;
}

// chown: without root's file-system uid, only a "change" of an owned file
// to that uid, and to one of the caller's groups (uid/gid -1 leave a field
// alone). root may set anything.
int64_t Chown(Inode* n, uint32_t uid, uint32_t gid) {
  const uint32_t me = cred::Uid().fs;
  if (me != 0) {
    if (uid != 0xffffffffu && (uid != me || n->uid != me)) return -abi::kEPERM;
    if (gid != 0xffffffffu && (!cred::InGroup(gid) || n->uid != me)) return -abi::kEPERM;
  }
  if (n->kind == tmpfs::Kind::kConsole) return 0;
  if (uid != 0xffffffffu) n->uid = uid;
  if (gid != 0xffffffffu) n->gid = gid;
  n->ctime = tmpfs::Now();
  return 0;
}

int64_t Truncate(Inode* n, int64_t length) {
  if (length < 0) return -abi::kEINVAL;
  if (abi::IsDir(n->mode)) return -abi::kEISDIR;
  if (n->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(n->mode)) return -abi::kEINVAL;
  if (n->dev == vfs::kDevProc) return -abi::kEACCES;
  if (int64_t r = tmpfs::SetSize(*n, static_cast<uint64_t>(length)); r < 0) return r;
  n->mtime = n->ctime = tmpfs::Now();
  return 0;
}

// The chown policy on host files (hostfs.h): hvrun never changes owners, so
// only a "change" to what the guest already is (or -1) succeeds, after the
// file was found.
int64_t HostChown(uint32_t uid, uint32_t gid) {
  const hv_boot_info& bi = boot::Info();  // what the guest is on the host
  if (uid != 0xffffffffu && uid != bi.uid) return -abi::kEPERM;
  if (gid != 0xffffffffu && gid != bi.gid) return -abi::kEPERM;
  return 0;
}

int64_t ChownAt(int32_t dirfd, uint64_t path, bool follow, bool empty_ok, uint64_t uid,
                uint64_t gid) {
  Inode* n;
  vfs::Lookup host;
  int64_t r = InodeAt(dirfd, path, follow, empty_ok, &n, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) {
    abi::Stat st;
    if (int64_t s = hostfs::Stat(host, !follow, &st); s < 0) return s;
    return HostChown(static_cast<uint32_t>(uid), static_cast<uint32_t>(gid));
  }
  if (hostfs::IsHost(*n)) return HostChown(static_cast<uint32_t>(uid), static_cast<uint32_t>(gid));
  return Chown(n, static_cast<uint32_t>(uid), static_cast<uint32_t>(gid));
}

int64_t ChmodAt(int32_t dirfd, uint64_t path, uint64_t mode) {
  Inode* n;
  vfs::Lookup host;
  int64_t r = InodeAt(dirfd, path, true, false, &n, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) {
    return hostfs::PathOp(HV_PATHOP_CHMOD, host, nullptr, static_cast<uint32_t>(mode) & 07777, 0, 0,
                          0, 0);
  }
  if (hostfs::IsHost(*n)) return hostfs::FdOp(*n, HV_FDOP_CHMOD, 0, mode & 07777, 0);
  return Chmod(n, mode);
}

int64_t Sync(int32_t fd, uint32_t op) {
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr) return -abi::kEBADF;
  Inode* n = vfs::InodeOf(*file);
  // Its shared mappings' stores first (shared_maps.h), then the host's sync.
  int64_t written = n != nullptr ? shared_maps::WriteBackFile(*n) : 0;
  if (n != nullptr && hostfs::IsHost(*n) && hostfs::HandleOf(*n) != 0) {
    int64_t r = hostfs::FdOp(*n, op, 0, 0, 0);
    return r < 0 ? r : written;
  }
  return written;
}

}  // namespace

// Umask implements Linux syscall umask(2).
int64_t sys_umask(hv_syscall_frame& f) {
  uint32_t old = vfs::Umask();
  vfs::SetUmask(static_cast<uint32_t>(f.args[0]));
  return old;
}

// Chmod implements Linux syscall chmod(2).
int64_t sys_chmod(hv_syscall_frame& f) { return ChmodAt(abi::kAT_FDCWD, f.args[0], f.args[1]); }

// Fchmod implements Linux syscall fchmod(2).
int64_t sys_fchmod(hv_syscall_frame& f) {
  Inode* n;
  if (int64_t r = InodeOfFd(Int(f.args[0]), &n); r < 0) return r;
  if (hostfs::IsHost(*n)) return hostfs::FdOp(*n, HV_FDOP_CHMOD, 0, f.args[1] & 07777, 0);
  return Chmod(n, f.args[1]);
}

// Fchmodat implements Linux syscall fchmodat(2) (no flags argument: it
// always follows links).
int64_t sys_fchmodat(hv_syscall_frame& f) { return ChmodAt(Int(f.args[0]), f.args[1], f.args[2]); }

// Chown implements Linux syscall chown(2).
int64_t sys_chown(hv_syscall_frame& f) {
  return ChownAt(abi::kAT_FDCWD, f.args[0], true, false, f.args[1], f.args[2]);
}

// Fchown implements Linux syscall fchown(2).
int64_t sys_fchown(hv_syscall_frame& f) {
  Inode* n;
  if (int64_t r = InodeOfFd(Int(f.args[0]), &n); r < 0) return r;
  if (hostfs::IsHost(*n))
    return HostChown(static_cast<uint32_t>(f.args[1]), static_cast<uint32_t>(f.args[2]));
  return Chown(n, static_cast<uint32_t>(f.args[1]), static_cast<uint32_t>(f.args[2]));
}

// Lchown implements Linux syscall lchown(2).
int64_t sys_lchown(hv_syscall_frame& f) {
  return ChownAt(abi::kAT_FDCWD, f.args[0], false, false, f.args[1], f.args[2]);
}

// Fchownat implements Linux syscall fchownat(2).
int64_t sys_fchownat(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[4]);
  if ((flags & ~(abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_EMPTY_PATH)) != 0) return -abi::kEINVAL;
  return ChownAt(Int(f.args[0]), f.args[1], (flags & abi::kAT_SYMLINK_NOFOLLOW) == 0,
                 (flags & abi::kAT_EMPTY_PATH) != 0, f.args[2], f.args[3]);
}

// Utimensat implements Linux syscall utimensat(2): times[2] (NULL: now),
// UTIME_NOW and UTIME_OMIT; a NULL path means (dirfd) itself (futimens).
int64_t sys_utimensat(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[3]);
  if ((flags & ~(abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_EMPTY_PATH)) != 0) return -abi::kEINVAL;
  abi::Timespec ts[2];
  abi::Timespec now = tmpfs::Now();
  if (f.args[2] == 0) {
    ts[0] = ts[1] = now;
  } else {
    if (int64_t r = user::CopyIn(ts, f.args[2], sizeof ts); r < 0) return r;
    for (abi::Timespec& t : ts) {
      uint64_t ns = static_cast<uint64_t>(t.tv_nsec);
      if (ns == abi::kUTIME_NOW) {
        t = now;
      } else if (ns != abi::kUTIME_OMIT && ns >= 1000000000) {
        return -abi::kEINVAL;
      }
    }
  }
  Inode* n;
  vfs::Lookup host;
  if (f.args[1] == 0) {
    int32_t fd = Int(f.args[0]);
    if (fd == abi::kAT_FDCWD) return -abi::kEFAULT;
    if (int64_t r = InodeOfFd(fd, &n); r < 0) return r;
  } else {
    int64_t r = InodeAt(Int(f.args[0]), f.args[1], (flags & abi::kAT_SYMLINK_NOFOLLOW) == 0,
                        (flags & abi::kAT_EMPTY_PATH) != 0, &n, &host);
    if (r < 0) return r;
    // Host files: the host applies the app's own times[] (UTIME_NOW/OMIT
    // included; checked above).
    if (r == vfs::kOnHost) {
      return hostfs::PathOp(HV_PATHOP_UTIMENS, host, nullptr, 0, 0, f.args[2], 0,
                            static_cast<uint32_t>(flags & abi::kAT_SYMLINK_NOFOLLOW));
    }
  }
  if (hostfs::IsHost(*n)) return hostfs::FdOp(*n, HV_FDOP_UTIMENS, 0, f.args[2], 0);
  if (!Owns(*n)) return -abi::kEPERM;
  if (n->kind == tmpfs::Kind::kConsole) return 0;
  if (static_cast<uint64_t>(ts[0].tv_nsec) != abi::kUTIME_OMIT) n->atime = ts[0];
  if (static_cast<uint64_t>(ts[1].tv_nsec) != abi::kUTIME_OMIT) n->mtime = ts[1];
  n->ctime = now;
  return 0;
}

// Truncate implements Linux syscall truncate(2).
int64_t sys_truncate(hv_syscall_frame& f) {
  Inode* n;
  vfs::Lookup host;
  int64_t r = InodeAt(abi::kAT_FDCWD, f.args[0], true, false, &n, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) {
    if (static_cast<int64_t>(f.args[1]) < 0) return -abi::kEINVAL;
    return hostfs::PathOp(HV_PATHOP_TRUNCATE, host, nullptr, 0, f.args[1], 0, 0, 0);
  }
  return Truncate(n, static_cast<int64_t>(f.args[1]));
}

// Ftruncate implements Linux syscall ftruncate(2): the fd must be open for
// writing (-EINVAL otherwise, as Linux says for a read-only fd).
int64_t sys_ftruncate(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr || (file->flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  if ((file->flags & abi::kO_ACCMODE) == abi::kO_RDONLY) return -abi::kEINVAL;
  Inode* n = vfs::InodeOf(*file);
  int64_t r;
  if (hostfs::IsHost(*n)) {
    if (static_cast<int64_t>(f.args[1]) < 0) return -abi::kEINVAL;
    r = hostfs::FdOp(*n, HV_FDOP_TRUNCATE, 0, f.args[1], 0);
  } else {
    r = Truncate(n, static_cast<int64_t>(f.args[1]));
  }
  if (r == 0) shared_maps::Truncated(*n, f.args[1]);
  return r;
}

// Fallocate implements Linux syscall fallocate(2), mode 0 only (other modes
// -EOPNOTSUPP): grows the file to offset + len, reserving the pages.
int64_t sys_fallocate(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  int64_t off = static_cast<int64_t>(f.args[2]);
  int64_t len = static_cast<int64_t>(f.args[3]);
  if (off < 0 || len <= 0) return -abi::kEINVAL;
  if ((file->flags & abi::kO_ACCMODE) == abi::kO_RDONLY) return -abi::kEBADF;
  if (static_cast<uint32_t>(f.args[1]) != 0) return -abi::kEOPNOTSUPP;
  Inode* n = vfs::InodeOf(*file);
  if (hostfs::IsHost(*n)) {
    return hostfs::FdOp(*n, HV_FDOP_FALLOCATE, static_cast<uint32_t>(f.args[1]), f.args[2],
                        f.args[3]);
  }
  if (abi::IsDir(n->mode)) return -abi::kEISDIR;
  if (n->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(n->mode)) return -abi::kENODEV;
  int64_t end;
  if (__builtin_add_overflow(off, len, &end)) return -abi::kEFBIG;
  if (static_cast<uint64_t>(end) <= n->size) return 0;
  if (int64_t r = tmpfs::SetSize(*n, static_cast<uint64_t>(end)); r < 0) return r;
  n->ctime = tmpfs::Now();
  return 0;
}

// Fsync implements Linux syscall fsync(2): in-guest files are in memory
// already; host files are the host's fsync.
int64_t sys_fsync(hv_syscall_frame& f) { return Sync(Int(f.args[0]), HV_FDOP_FSYNC); }

// Fdatasync implements Linux syscall fdatasync(2), like fsync.
int64_t sys_fdatasync(hv_syscall_frame& f) { return Sync(Int(f.args[0]), HV_FDOP_FDATASYNC); }

}  // namespace hvrt
