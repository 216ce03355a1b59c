// The namespace: mkdir, rmdir, unlink, rename, link, symlink, readlink,
// getdents64, getcwd, chdir and fchdir over runtime/vfs/vfs.h. Each handler
// resolves its paths, then checks in the order Linux does, so that the
// errno for a path wrong in two ways matches.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/procfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

using tmpfs::Inode;

bool IsDot(const vfs::Lookup& l) { return l.len == 1 && l.name[0] == '.'; }
bool IsDotDot(const vfs::Lookup& l) { return l.len == 2 && l.name[0] == '.' && l.name[1] == '.'; }

// Resolves app path (addr) against (dirfd) without following a final link.
int64_t LookupArg(int32_t dirfd, uint64_t addr, bool follow, vfs::Lookup* l) {
  const char* path;
  if (int64_t r = user::Path(addr, &path); r < 0) return r;
  return vfs::Resolve(dirfd, path, follow, l);
}

// A new name (l) for a fresh inode must be free and creatable.
int64_t CheckNewName(const vfs::Lookup& l) {
  if (l.ino != 0) return -abi::kEEXIST;
  return vfs::CanCreateIn(*tmpfs::Get(l.parent));
}

// Drops one name of (ino): nlink and ctime, and frees it if that was all.
void DropLink(uint32_t ino) {
  Inode* n = tmpfs::Get(ino);
  if (abi::IsDir(n->mode)) {
    n->nlink = 0;
    if (Inode* p = tmpfs::Get(n->parent)) p->nlink--;
  } else {
    n->nlink--;
  }
  n->ctime = tmpfs::Now();
  tmpfs::MaybeRelease(ino);
}

int64_t MkdirAt(int32_t dirfd, uint64_t path, uint64_t mode) {
  vfs::Lookup l;
  if (int64_t r = LookupArg(dirfd, path, false, &l); r < 0) return r;
  if (l.host) {
    uint32_t m = static_cast<uint32_t>(mode) & 07777 & ~vfs::Umask();
    return hostfs::PathOp(HV_PATHOP_MKDIR, l, nullptr, m, 0, 0, 0, 0);
  }
  if (int64_t r = CheckNewName(l); r < 0) return r;
  Inode* dir = tmpfs::Get(l.parent);
  uint32_t ino = tmpfs::NewInode(
      tmpfs::Kind::kTmpfs, abi::kS_IFDIR | (static_cast<uint32_t>(mode) & 07777 & ~vfs::Umask()),
      dir->dev);
  if (ino == 0) return -abi::kENOSPC;
  if (int64_t r = tmpfs::DirAdd(*dir, l.name, l.len, ino); r < 0) {
    tmpfs::Get(ino)->nlink = 0;
    tmpfs::MaybeRelease(ino);
    return r;
  }
  tmpfs::Get(ino)->parent = l.parent;
  dir->nlink++;
  return 0;
}

// mknod(2): a regular file or a FIFO, never a device node (-EPERM). hvrun
// makes a FIFO on the host, where the guest's processes share it: beneath
// its mount, or, for one in the guest's tmpfs, in its FIFO store.
int64_t MknodAt(int32_t dirfd, uint64_t path, uint64_t mode, uint64_t dev) {
  (void)dev;  // only device nodes use it
  const uint32_t type = static_cast<uint32_t>(mode) & abi::kS_IFMT;
  const uint32_t perm = static_cast<uint32_t>(mode) & 07777 & ~vfs::Umask();
  if (type == abi::kS_IFDIR) return -abi::kEPERM;
  if (type != 0 && type != abi::kS_IFREG && type != abi::kS_IFIFO && type != abi::kS_IFCHR &&
      type != abi::kS_IFBLK && type != abi::kS_IFSOCK) {
    return -abi::kEINVAL;
  }
  vfs::Lookup l;
  if (int64_t r = LookupArg(dirfd, path, false, &l); r < 0) return r;
  if (type == abi::kS_IFCHR || type == abi::kS_IFBLK || type == abi::kS_IFSOCK) {
    return l.host || l.ino == 0 ? -abi::kEPERM : -abi::kEEXIST;
  }
  if (l.host) {
    return hostfs::PathOp(HV_PATHOP_MKNOD, l, nullptr, (type == 0 ? abi::kS_IFREG : type) | perm, 0,
                          0, 0, 0);
  }
  if (int64_t r = CheckNewName(l); r < 0) return r;
  int64_t fifo = 0;
  if (type == abi::kS_IFIFO && (fifo = hostfs::MakeStoreFifo(perm)) < 0) return fifo;
  Inode* dir = tmpfs::Get(l.parent);
  uint32_t ino =
      tmpfs::NewInode(tmpfs::Kind::kTmpfs,
                      (type == abi::kS_IFIFO ? abi::kS_IFIFO : abi::kS_IFREG) | perm, dir->dev);
  if (ino == 0) return -abi::kENOSPC;
  if (type == abi::kS_IFIFO) tmpfs::Get(ino)->pipe_head = static_cast<uint64_t>(fifo) + 1;
  if (int64_t r = tmpfs::DirAdd(*dir, l.name, l.len, ino); r < 0) {
    tmpfs::Get(ino)->nlink = 0;
    tmpfs::MaybeRelease(ino);
    return r;
  }
  return 0;
}

int64_t Rmdir(int32_t dirfd, uint64_t path) {
  vfs::Lookup l;
  if (int64_t r = LookupArg(dirfd, path, false, &l); r < 0) return r;
  if (IsDot(l)) return -abi::kEINVAL;
  if (IsDotDot(l)) return -abi::kENOTEMPTY;
  if (l.host) {
    if (l.hlen == 0) return -abi::kEBUSY;  // the mount's root
    return hostfs::PathOp(HV_PATHOP_RMDIR, l, nullptr, 0, 0, 0, 0, 0);
  }
  Inode* n = tmpfs::Get(l.ino);
  if (n == nullptr) return -abi::kENOENT;
  if (!abi::IsDir(n->mode)) return -abi::kENOTDIR;
  if (n->mountpoint || l.len == 0) return -abi::kEBUSY;
  if (tmpfs::Get(l.parent)->dev == vfs::kDevProc) return -abi::kEACCES;
  if (n->entries > 0) return -abi::kENOTEMPTY;
  tmpfs::DirSet(*tmpfs::Get(l.parent), l.name, l.len, 0);
  DropLink(l.ino);
  return 0;
}

int64_t Unlink(int32_t dirfd, uint64_t path) {
  vfs::Lookup l;
  if (int64_t r = LookupArg(dirfd, path, false, &l); r < 0) return r;
  if (l.host) {
    if (l.hlen == 0) return -abi::kEISDIR;  // the mount's root
    return hostfs::PathOp(HV_PATHOP_UNLINK, l, nullptr, 0, 0, 0, 0, 0);
  }
  Inode* n = tmpfs::Get(l.ino);
  if (n == nullptr) return -abi::kENOENT;
  if (abi::IsDir(n->mode)) return -abi::kEISDIR;
  Inode* dir = tmpfs::Get(l.parent);
  if (dir->dev == vfs::kDevDev || dir->dev == vfs::kDevProc) return -abi::kEACCES;
  tmpfs::DirSet(*dir, l.name, l.len, 0);
  DropLink(l.ino);
  return 0;
}

// Whether directory (ino) is (ancestor) or below it.
bool Within(uint32_t ino, uint32_t ancestor) {
  for (int depth = 0; depth < static_cast<int>(tmpfs::kMaxInodes); depth++) {
    if (ino == ancestor) return true;
    Inode* n = tmpfs::Get(ino);
    if (n == nullptr || n->parent == ino) return false;  // reached "/"
    ino = n->parent;
  }
  return false;
}

int64_t Rename(int32_t olddirfd, uint64_t oldpath, int32_t newdirfd, uint64_t newpath,
               uint64_t flags) {
  if ((flags & ~abi::kRENAME_NOREPLACE) != 0) return -abi::kEINVAL;  // EXCHANGE, WHITEOUT
  vfs::Lookup from;
  vfs::Lookup to;
  if (int64_t r = LookupArg(olddirfd, oldpath, false, &from); r < 0) return r;
  if (int64_t r = LookupArg(newdirfd, newpath, false, &to); r < 0) return r;
  if (from.host || to.host) {
    if (!from.host || !to.host || from.mount != to.mount) return -abi::kEXDEV;
    // A mount's root, or a path ending in "." or "..": Linux's EBUSY.
    if (from.hlen == 0 || to.hlen == 0 || IsDot(from) || IsDotDot(from) || IsDot(to) ||
        IsDotDot(to))
      return -abi::kEBUSY;
    return hostfs::PathOp(HV_PATHOP_RENAME, from, &to, 0, 0, 0, 0, static_cast<uint32_t>(flags));
  }
  if (from.len == 0 || IsDot(from) || IsDotDot(from)) return -abi::kEBUSY;
  if ((flags & abi::kRENAME_NOREPLACE) != 0 && to.ino != 0) return -abi::kEEXIST;
  if (to.len == 0 || IsDot(to) || IsDotDot(to)) return -abi::kEBUSY;
  Inode* n = tmpfs::Get(from.ino);
  if (n == nullptr) return -abi::kENOENT;
  Inode* from_dir = tmpfs::Get(from.parent);
  Inode* to_dir = tmpfs::Get(to.parent);
  if (from_dir->dev != to_dir->dev) return -abi::kEXDEV;
  if (int64_t r = vfs::CanCreateIn(*to_dir); r < 0) return r;
  if (from_dir->dev == vfs::kDevDev) return -abi::kEACCES;
  if (from.ino == to.ino) return 0;  // two names of one file: nothing to do
  Inode* target = tmpfs::Get(to.ino);
  bool is_dir = abi::IsDir(n->mode);
  if (is_dir) {
    if (target != nullptr && !abi::IsDir(target->mode)) return -abi::kENOTDIR;
    if (Within(to.parent, from.ino)) return -abi::kEINVAL;  // into itself
    if (target != nullptr && target->entries > 0) return -abi::kENOTEMPTY;
  } else if (target != nullptr && abi::IsDir(target->mode)) {
    return -abi::kEISDIR;
  }
  if (n->mountpoint || (target != nullptr && target->mountpoint)) return -abi::kEBUSY;
  if (from.trailing_slash && !is_dir) return -abi::kENOTDIR;
  if (to.trailing_slash && !is_dir) return -abi::kENOTDIR;

  // Add the new name first: it is the only step that can fail (-ENOSPC).
  if (target != nullptr) {
    tmpfs::DirSet(*to_dir, to.name, to.len, from.ino);
    DropLink(to.ino);
  } else if (int64_t r = tmpfs::DirAdd(*to_dir, to.name, to.len, from.ino); r < 0) {
    return r;
  }
  tmpfs::DirSet(*from_dir, from.name, from.len, 0);
  if (is_dir && from.parent != to.parent) {
    from_dir->nlink--;
    to_dir->nlink++;
    n->parent = to.parent;
  }
  n->ctime = tmpfs::Now();
  return 0;
}

int64_t LinkAt(int32_t olddirfd, uint64_t oldpath, int32_t newdirfd, uint64_t newpath,
               uint64_t flags) {
  if ((flags & ~(abi::kAT_SYMLINK_FOLLOW | abi::kAT_EMPTY_PATH)) != 0) return -abi::kEINVAL;
  const char* path;
  if (int64_t r = user::Path(oldpath, &path); r < 0) return r;
  uint32_t ino;
  vfs::Lookup from;
  int64_t found = vfs::ResolveExisting(olddirfd, path, (flags & abi::kAT_SYMLINK_FOLLOW) != 0,
                                       (flags & abi::kAT_EMPTY_PATH) != 0, &ino, &from);
  if (found < 0) return found;
  vfs::Lookup to;
  if (int64_t r = LookupArg(newdirfd, newpath, false, &to); r < 0) return r;
  Inode* n = tmpfs::Get(ino);
  if (found == vfs::kOnHost || to.host || (n != nullptr && hostfs::IsHost(*n))) {
    // AT_EMPTY_PATH of a host fd is not supported (the host has no linkat
    // of a handle): -EXDEV, as for any other pair that is not one mount.
    if (found != vfs::kOnHost) return -abi::kEXDEV;
    if ((flags & abi::kAT_SYMLINK_FOLLOW) != 0) {
      // The host's link never follows the old path's final symlink, and the
      // guest must not follow it (hostfs.h). So: the target must resolve
      // beneath the mount (else its error, e.g. -EACCES for an escape), and
      // a symlink there is -EXDEV (not linked through); anything else links.
      abi::Stat st;
      if (int64_t r = hostfs::Stat(from, false, &st); r < 0) return r;
      if (int64_t r = hostfs::Stat(from, true, &st); r < 0) return r;
      if (abi::IsLnk(st.st_mode)) return -abi::kEXDEV;
    }
    return hostfs::PathOp(HV_PATHOP_LINK, from, &to, 0, 0, 0, 0, 0);
  }
  if (to.ino != 0) return -abi::kEEXIST;
  Inode* to_dir = tmpfs::Get(to.parent);
  if (n->dev != to_dir->dev) return -abi::kEXDEV;
  if (abi::IsDir(n->mode)) return -abi::kEPERM;
  if (n->kind != tmpfs::Kind::kTmpfs) return -abi::kEPERM;
  if (int64_t r = vfs::CanCreateIn(*to_dir); r < 0) return r;
  if (n->nlink == 0) return -abi::kENOENT;  // an unlinked file cannot get a name back
  if (int64_t r = tmpfs::DirAdd(*to_dir, to.name, to.len, ino); r < 0) return r;
  n->nlink++;
  n->ctime = tmpfs::Now();
  return 0;
}

int64_t SymlinkAt(uint64_t target_addr, int32_t newdirfd, uint64_t newpath) {
  const char* target;
  if (int64_t r = user::Path(target_addr, &target); r < 0) return r;
  vfs::Lookup l;
  if (int64_t r = LookupArg(newdirfd, newpath, false, &l); r < 0) return r;
  uint64_t len = StrLen(target);
  if (len == 0) return -abi::kENOENT;
  // On a host mount the link text is stored as given; the host resolves it
  // (beneath the mount) whenever a path goes through it.
  if (l.host) return hostfs::Symlink(target, len, l);
  if (int64_t r = CheckNewName(l); r < 0) return r;
  Inode* dir = tmpfs::Get(l.parent);
  uint32_t ino = tmpfs::NewInode(tmpfs::Kind::kTmpfs, abi::kS_IFLNK | 0777, dir->dev);
  if (ino == 0) return -abi::kENOSPC;
  Inode* n = tmpfs::Get(ino);
  int64_t r = tmpfs::Write(*n, target, len, 0);
  if (r >= 0) r = tmpfs::DirAdd(*dir, l.name, l.len, ino);
  if (r < 0) {
    n->nlink = 0;
    tmpfs::MaybeRelease(ino);
    return r;
  }
  return 0;
}

int64_t ReadLinkAt(int32_t dirfd, uint64_t path_addr, uint64_t buf, int32_t bufsiz) {
  const char* path;
  if (int64_t r = user::Path(path_addr, &path); r < 0) return r;
  if (bufsiz <= 0) return -abi::kEINVAL;
  uint32_t ino;
  vfs::Lookup host;
  int64_t r = vfs::ResolveExisting(dirfd, path, false, false, &ino, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) {
    if (!user::RangeOk(buf, static_cast<uint64_t>(bufsiz))) return -abi::kEFAULT;
    return hostfs::PathOp(HV_PATHOP_READLINK, host, nullptr, 0, 0, buf,
                          static_cast<uint64_t>(bufsiz), 0);
  }
  Inode* n = tmpfs::Get(ino);
  if (hostfs::IsHost(*n) || !abi::IsLnk(n->mode)) return -abi::kEINVAL;
  uint64_t len = n->size < static_cast<uint64_t>(bufsiz) ? n->size : static_cast<uint64_t>(bufsiz);
  if (int64_t r = user::CopyOut(buf, reinterpret_cast<const void*>(n->data), len); r < 0) return r;
  return static_cast<int64_t>(len);
}

uint8_t DirentType(const Inode& n) {
  switch (n.mode & abi::kS_IFMT) {
    case abi::kS_IFDIR:
      return abi::kDT_DIR;
    case abi::kS_IFLNK:
      return abi::kDT_LNK;
    case abi::kS_IFCHR:
      return abi::kDT_CHR;
    case abi::kS_IFIFO:
      return abi::kDT_FIFO;
    default:
      return abi::kDT_REG;
  }
}

}  // namespace

// Mkdir implements Linux syscall mkdir(2).
int64_t sys_mkdir(hv_syscall_frame& f) { return MkdirAt(abi::kAT_FDCWD, f.args[0], f.args[1]); }

// Mkdirat implements Linux syscall mkdirat(2).
int64_t sys_mkdirat(hv_syscall_frame& f) { return MkdirAt(Int(f.args[0]), f.args[1], f.args[2]); }

// Mknod implements Linux syscall mknod(2).
int64_t sys_mknod(hv_syscall_frame& f) {
  return MknodAt(abi::kAT_FDCWD, f.args[0], f.args[1], f.args[2]);
}

// Mknodat implements Linux syscall mknodat(2).
int64_t sys_mknodat(hv_syscall_frame& f) {
  return MknodAt(Int(f.args[0]), f.args[1], f.args[2], f.args[3]);
}

// Rmdir implements Linux syscall rmdir(2).
int64_t sys_rmdir(hv_syscall_frame& f) { return Rmdir(abi::kAT_FDCWD, f.args[0]); }

// Unlink implements Linux syscall unlink(2).
int64_t sys_unlink(hv_syscall_frame& f) { return Unlink(abi::kAT_FDCWD, f.args[0]); }

// Unlinkat implements Linux syscall unlinkat(2): AT_REMOVEDIR makes it rmdir.
int64_t sys_unlinkat(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[2]);
  if ((flags & ~abi::kAT_REMOVEDIR) != 0) return -abi::kEINVAL;
  if (flags != 0) return Rmdir(Int(f.args[0]), f.args[1]);
  return Unlink(Int(f.args[0]), f.args[1]);
}

// Rename implements Linux syscall rename(2).
int64_t sys_rename(hv_syscall_frame& f) {
  return Rename(abi::kAT_FDCWD, f.args[0], abi::kAT_FDCWD, f.args[1], 0);
}

// Renameat implements Linux syscall renameat(2).
int64_t sys_renameat(hv_syscall_frame& f) {
  return Rename(Int(f.args[0]), f.args[1], Int(f.args[2]), f.args[3], 0);
}

// Renameat2 implements Linux syscall renameat2(2): RENAME_NOREPLACE;
// RENAME_EXCHANGE and RENAME_WHITEOUT are -EINVAL.
int64_t sys_renameat2(hv_syscall_frame& f) {
  return Rename(Int(f.args[0]), f.args[1], Int(f.args[2]), f.args[3],
                static_cast<uint32_t>(f.args[4]));
}

// Link implements Linux syscall link(2).
int64_t sys_link(hv_syscall_frame& f) {
  return LinkAt(abi::kAT_FDCWD, f.args[0], abi::kAT_FDCWD, f.args[1], 0);
}

// Linkat implements Linux syscall linkat(2).
int64_t sys_linkat(hv_syscall_frame& f) {
  return LinkAt(Int(f.args[0]), f.args[1], Int(f.args[2]), f.args[3],
                static_cast<uint32_t>(f.args[4]));
}

// Symlink implements Linux syscall symlink(2).
int64_t sys_symlink(hv_syscall_frame& f) { return SymlinkAt(f.args[0], abi::kAT_FDCWD, f.args[1]); }

// Symlinkat implements Linux syscall symlinkat(2).
int64_t sys_symlinkat(hv_syscall_frame& f) {
  return SymlinkAt(f.args[0], Int(f.args[1]), f.args[2]);
}

// Readlink implements Linux syscall readlink(2).
int64_t sys_readlink(hv_syscall_frame& f) {
  return ReadLinkAt(abi::kAT_FDCWD, f.args[0], f.args[1], Int(f.args[2]));
}

// Readlinkat implements Linux syscall readlinkat(2).
int64_t sys_readlinkat(hv_syscall_frame& f) {
  return ReadLinkAt(Int(f.args[0]), f.args[1], f.args[2], Int(f.args[3]));
}

// Getdents64 implements Linux syscall getdents64(2): ".", "..", then the
// entries in slot order (/proc/self/fd: the open fds). The description's
// offset is the next position (0 ".", 1 "..", 2 + slot or fd), which is also
// each record's d_off.
int64_t sys_getdents64(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr || (file->flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  Inode* dir = vfs::InodeOf(*file);
  if (dir == nullptr || !abi::IsDir(dir->mode)) return -abi::kENOTDIR;
  uint64_t buf = f.args[1];
  uint64_t cap = static_cast<uint32_t>(f.args[2]);
  if (cap > 0x7fffffff) return -abi::kEINVAL;  // Linux keeps the count in an int
  // Linux copies records until one would fault: the writable start of the
  // buffer is the buffer (EFAULT only when not even its first page is).
  if (!user::WriteOk(buf, cap)) {
    uint64_t ok = 0;
    uint64_t end = ((buf | 4095) + 1) - buf;
    while (ok < cap) {
      if (end > cap) end = cap;
      if (!user::WriteOk(buf + ok, end - ok)) break;
      ok = end;
      end += 4096;
    }
    if (ok == 0) return -abi::kEFAULT;
    cap = ok;
  }
  // A host directory: the host's records (Linux's format) from its handle's
  // own position (hostfs.h).
  if (hostfs::IsHost(*dir)) return hostfs::Getdents(*dir, buf, cap);
  if (dir->nlink == 0) return 0;  // removed: Linux lists nothing
  // /proc/self/fd lists the open fds, not slots (procfs.h): position 2 + fd.
  bool fds = procfs::IsFdDir(file->ino);
  // /proc lists the pids after its own entries (asked anew from the start).
  const bool pids = procfs::IsProcRoot(file->ino);
  uint64_t end = (fds ? procfs::FdEntryEnd() : dir->size) + 2;
  if (pids) end += procfs::PidEntries(/*refresh=*/file->offset <= dir->size + 2);
  char fd_name[12];
  uint64_t used = 0;
  for (uint64_t pos = file->offset; pos < end; pos++) {
    const char* name;
    uint64_t len;
    uint32_t ino;
    if (pos < 2) {
      name = "..";
      len = pos + 1;
      ino = pos == 0 ? file->ino : dir->parent;
    } else if (fds) {
      if (!procfs::FdEntry(file->ino, pos - 2, fd_name, &len, &ino)) {
        file->offset = pos + 1;
        continue;
      }
      name = fd_name;
    } else if (pids && pos - 2 >= dir->size) {
      if (!procfs::PidEntry(pos - 2 - dir->size, fd_name, &len, &ino)) {
        file->offset = pos + 1;
        continue;
      }
      name = fd_name;
    } else {
      const tmpfs::DirRec& rec = tmpfs::DirAt(*dir, pos - 2);
      if (rec.ino == 0) {
        file->offset = pos + 1;
        continue;
      }
      name = rec.name;
      len = rec.len;
      ino = rec.ino;
    }
    uint64_t reclen = (abi::kDirent64NameOffset + len + 1 + 7) & ~7ull;
    if (used + reclen > cap) {
      if (used == 0) return -abi::kEINVAL;
      break;
    }
    abi::Dirent64Head h = {ino, static_cast<int64_t>(pos + 1), static_cast<uint16_t>(reclen),
                           DirentType(*tmpfs::Get(ino))};
    char* out = reinterpret_cast<char*>(buf + used);
    Fill(out, 0, reclen);
    Copy(out, &h, abi::kDirent64NameOffset);
    Copy(out + abi::kDirent64NameOffset, name, len);
    used += reclen;
    file->offset = pos + 1;
  }
  return static_cast<int64_t>(used);
}

// Getdents implements Linux syscall getdents(2), the old record format
// (struct linux_dirent: no d_type field; the type is the record's last
// byte, after the name's NUL). Its records are the same size as
// getdents64's (both 20 + name bytes, 8-aligned), so getdents64 fills the
// buffer and each record is rewritten in place: the name moves one byte
// down, and d_type goes to the end.
int64_t sys_getdents(hv_syscall_frame& f) {
  const int64_t n = sys_getdents64(f);
  if (n <= 0) return n;
  char* buf = reinterpret_cast<char*>(f.args[1]);
  constexpr uint64_t kTypeAt = 18, kNameAt = 19;  // in a linux_dirent64
  for (uint64_t at = 0; at + kNameAt < static_cast<uint64_t>(n);) {
    char* rec = buf + at;
    uint16_t reclen;
    Copy(&reclen, rec + 16, sizeof reclen);
    if (reclen < kNameAt + 1 || at + reclen > static_cast<uint64_t>(n)) break;
    const char type = rec[kTypeAt];
    const uint64_t len = StrNLen(rec + kNameAt, reclen - kNameAt);
    for (uint64_t i = 0; i < len; i++) rec[kTypeAt + i] = rec[kNameAt + i];
    rec[kTypeAt + len] = '\0';
    rec[reclen - 1] = type;
    at += reclen;
  }
  return n;
}

// Getcwd implements Linux syscall getcwd(2). Returns the length including
// the NUL, as the syscall (not the libc wrapper) does; -ENOENT once the cwd
// was removed.
int64_t sys_getcwd(hv_syscall_frame& f) {
  uint64_t size = f.args[1];
  char tmp[256];
  // Build into the runtime's buffer via PathOf; copy out only what fits.
  int64_t len = vfs::PathOf(vfs::Cwd(), tmp, sizeof tmp);
  if (len == -abi::kERANGE) {
    // Long cwd: PathOf's own static buffer holds it; ask again straight
    // into app memory after checking it.
    if (!user::RangeOk(f.args[0], size)) return -abi::kEFAULT;
    len = vfs::PathOf(vfs::Cwd(), reinterpret_cast<char*>(f.args[0]), size);
    return len < 0 ? len : len + 1;
  }
  if (len < 0) return len;
  if (static_cast<uint64_t>(len) + 1 > size) return -abi::kERANGE;
  if (int64_t r = user::CopyOut(f.args[0], tmp, static_cast<uint64_t>(len) + 1); r < 0) return r;
  return len + 1;
}

// Chdir implements Linux syscall chdir(2).
int64_t sys_chdir(hv_syscall_frame& f) {
  const char* path;
  if (int64_t r = user::Path(f.args[0], &path); r < 0) return r;
  return vfs::ChangeDir(path);
}

// Fchdir implements Linux syscall fchdir(2).
int64_t sys_fchdir(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  if (!abi::IsDir(vfs::InodeOf(*file)->mode)) return -abi::kENOTDIR;
  vfs::SetCwd(file->ino);
  return 0;
}

}  // namespace hvrt
