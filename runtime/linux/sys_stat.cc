// File status: fstat, stat, lstat, newfstatat, statx, and access checks
// (access, faccessat, faccessat2). In-guest files report their inode; the
// console fds report the host stream's type, inode and device
// (HV_CALL_CONSOLE_INFO) so a pipe stays a pipe and a tty a tty.
#include "runtime/boot/boot_info.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// 0 or -errno (host files: whatever the host's fstat says).
int64_t FillStat(uint32_t ino, abi::Stat* st) {
  const tmpfs::Inode& n = *tmpfs::Get(ino);
  *st = abi::Stat{};
  if (hostfs::IsHost(n)) return hostfs::Stat(n, st);
  if (n.kind == tmpfs::Kind::kConsole) {
    const hv_console_info& info = console::Info(n.stream);
    st->st_ino = info.ino;
    st->st_nlink = 1;
    st->st_mode = info.mode;
    st->st_uid = cred::Uid().effective;
    st->st_gid = cred::Gid().effective;
    st->st_rdev = info.rdev;
    st->st_blksize = info.is_tty != 0 ? 1024 : 4096;  // what Linux reports for a pty / a pipe
    return 0;
  }
  st->st_dev = n.dev;  // makedev(0, dev): anonymous devices, like tmpfs and proc
  st->st_ino = ino;
  st->st_nlink = n.nlink;
  st->st_mode = n.mode;
  st->st_uid = n.uid;
  st->st_gid = n.gid;
  st->st_rdev = n.rdev;
  bool has_data = n.kind == tmpfs::Kind::kTmpfs || n.kind == tmpfs::Kind::kFdAlias;
  st->st_size = has_data ? static_cast<int64_t>(n.size) : 0;
  if (abi::IsDir(n.mode)) st->st_size = static_cast<int64_t>((n.entries + 2) * 20);
  st->st_blksize = 4096;
  st->st_blocks = n.kind == tmpfs::Kind::kTmpfs ? static_cast<int64_t>(n.cap / 512) : 0;
  st->st_atim = n.atime;
  st->st_mtim = n.mtime;
  st->st_ctim = n.ctime;
  return 0;
}

int64_t StatOut(uint32_t ino, uint64_t addr) {
  abi::Stat st;
  if (int64_t r = FillStat(ino, &st); r < 0) return r;
  return user::CopyOut(addr, &st, sizeof st);
}

// fstatat: (flags) AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT
// (nothing automounts). A host path is the host's stat (lstat for nofollow).
int64_t StatAt(int32_t dirfd, uint64_t path_addr, uint64_t flags, abi::Stat* st) {
  constexpr uint64_t kKnown =
      abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_NO_AUTOMOUNT | abi::kAT_EMPTY_PATH;
  if ((flags & ~kKnown) != 0) return -abi::kEINVAL;
  const char* path;
  if (int64_t r = user::Path(path_addr, &path); r < 0) return r;
  uint32_t ino;
  vfs::Lookup host;
  bool nofollow = (flags & abi::kAT_SYMLINK_NOFOLLOW) != 0;
  int64_t r =
      vfs::ResolveExisting(dirfd, path, !nofollow, (flags & abi::kAT_EMPTY_PATH) != 0, &ino, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) return hostfs::Stat(host, nofollow, st);
  return FillStat(ino, st);
}

int64_t StatAtOut(int32_t dirfd, uint64_t path_addr, uint64_t flags, uint64_t addr) {
  abi::Stat st;
  if (int64_t r = StatAt(dirfd, path_addr, flags, &st); r < 0) return r;
  return user::CopyOut(addr, &st, sizeof st);
}

// access/faccessat: (mode) F_OK or R_OK|W_OK|X_OK against the owner or
// other bits (the guest owns what it creates; /, /dev, /proc are root's).
// root passes R and W always, X if any x bit is set, as on Linux.
int64_t Access(int32_t dirfd, uint64_t path_addr, uint64_t mode, uint64_t flags) {
  if ((mode & ~7ull) != 0) return -abi::kEINVAL;
  constexpr uint64_t kKnown = abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_EACCESS | abi::kAT_EMPTY_PATH;
  if ((flags & ~kKnown) != 0) return -abi::kEINVAL;
  const char* path;
  if (int64_t r = user::Path(path_addr, &path); r < 0) return r;
  uint32_t ino;
  vfs::Lookup host;
  int64_t r = vfs::ResolveExisting(dirfd, path, (flags & abi::kAT_SYMLINK_NOFOLLOW) == 0,
                                   (flags & abi::kAT_EMPTY_PATH) != 0, &ino, &host);
  if (r < 0) return r;
  // Host files: the host's access(2) (hvrun's own uid, EROFS on :ro).
  if (r == vfs::kOnHost)
    return hostfs::PathOp(HV_PATHOP_ACCESS, host, nullptr, static_cast<uint32_t>(mode), 0, 0, 0, 0);
  const tmpfs::Inode& n = *tmpfs::Get(ino);
  if (hostfs::IsHost(n)) {  // AT_EMPTY_PATH on a host fd: what it is, not its rights
    return mode == abi::kF_OK ? 0 : -abi::kEACCES;
  }
  if (mode == abi::kF_OK) return 0;
  if ((mode & abi::kW_OK) != 0 && n.dev == vfs::kDevProc && !abi::IsDir(n.mode))
    return -abi::kEACCES;
  // access(2) checks with the real ids (faccessat2's AT_EACCESS: the
  // effective ones are not told apart here).
  uint32_t uid = cred::Uid().real;
  if (uid == 0) {
    if ((mode & abi::kX_OK) != 0 && !abi::IsDir(n.mode) && (n.mode & 0111) == 0)
      return -abi::kEACCES;
    return 0;
  }
  uint32_t bits = n.uid == uid                ? (n.mode >> 6) & 7
                  : n.gid == cred::Gid().real ? (n.mode >> 3) & 7
                                              : n.mode & 7;
  return (bits & mode) == mode ? 0 : -abi::kEACCES;
}

}  // namespace

// Fstat implements Linux syscall fstat(2).
int64_t sys_fstat(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  return StatOut(file->ino, f.args[1]);
}

// Stat implements Linux syscall stat(2).
int64_t sys_stat(hv_syscall_frame& f) { return StatAtOut(abi::kAT_FDCWD, f.args[0], 0, f.args[1]); }

// Lstat implements Linux syscall lstat(2).
int64_t sys_lstat(hv_syscall_frame& f) {
  return StatAtOut(abi::kAT_FDCWD, f.args[0], abi::kAT_SYMLINK_NOFOLLOW, f.args[1]);
}

// Newfstatat implements Linux syscall newfstatat(2) (fstatat).
int64_t sys_newfstatat(hv_syscall_frame& f) {
  return StatAtOut(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[3]), f.args[2]);
}

// Statx implements Linux syscall statx(2): the basic fields, whatever
// (mask) asks (as tmpfs answers); no birth time. AT_STATX_* sync flags are
// accepted (everything is local).
int64_t sys_statx(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[2]);
  constexpr uint64_t kSyncType = 0x6000;  // AT_STATX_FORCE_SYNC | DONT_SYNC
  if ((flags & kSyncType) == kSyncType) return -abi::kEINVAL;
  if ((static_cast<uint32_t>(f.args[3]) & 0x80000000u) != 0) return -abi::kEINVAL;  // reserved
  abi::Stat st;
  if (int64_t r = StatAt(Int(f.args[0]), f.args[1], flags & ~kSyncType, &st); r < 0) return r;
  abi::Statx sx = {};
  sx.stx_mask = abi::kSTATX_BASIC_STATS;
  sx.stx_blksize = static_cast<uint32_t>(st.st_blksize);
  sx.stx_nlink = static_cast<uint32_t>(st.st_nlink);
  sx.stx_uid = st.st_uid;
  sx.stx_gid = st.st_gid;
  sx.stx_mode = static_cast<uint16_t>(st.st_mode);
  sx.stx_ino = st.st_ino;
  sx.stx_size = static_cast<uint64_t>(st.st_size);
  sx.stx_blocks = static_cast<uint64_t>(st.st_blocks);
  sx.stx_atime = {st.st_atim.tv_sec, static_cast<uint32_t>(st.st_atim.tv_nsec), 0};
  sx.stx_mtime = {st.st_mtim.tv_sec, static_cast<uint32_t>(st.st_mtim.tv_nsec), 0};
  sx.stx_ctime = {st.st_ctim.tv_sec, static_cast<uint32_t>(st.st_ctim.tv_nsec), 0};
  // Linux's dev_t split: major in bits 8-19 (and 32+), minor in 0-7 (and 20-31).
  sx.stx_rdev_major = static_cast<uint32_t>((st.st_rdev >> 8) & 0xfff);
  sx.stx_rdev_minor = static_cast<uint32_t>((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
  sx.stx_dev_major = static_cast<uint32_t>((st.st_dev >> 8) & 0xfff);
  sx.stx_dev_minor = static_cast<uint32_t>((st.st_dev & 0xff) | ((st.st_dev >> 12) & 0xfff00));
  return user::CopyOut(f.args[4], &sx, sizeof sx);
}

// Access implements Linux syscall access(2).
int64_t sys_access(hv_syscall_frame& f) {
  return Access(abi::kAT_FDCWD, f.args[0], static_cast<uint32_t>(f.args[1]), 0);
}

// Faccessat implements Linux syscall faccessat(2) (no flags argument).
int64_t sys_faccessat(hv_syscall_frame& f) {
  return Access(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[2]), 0);
}

// Faccessat2 implements Linux syscall faccessat2(2).
int64_t sys_faccessat2(hv_syscall_frame& f) {
  return Access(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[2]),
                static_cast<uint32_t>(f.args[3]));
}

}  // namespace hvrt
