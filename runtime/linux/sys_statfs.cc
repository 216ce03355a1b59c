// File system statistics: statfs and fstatfs. The guest's own file systems
// answer as Linux's would (tmpfs for /, /tmp and /dev, proc for /proc,
// pipefs for a pipe); a host mount or host pipe answers with the host's
// numbers (HV_PATHOP_STATFS / HV_FDOP_STATFS).
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/abi/statfs.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// What the guest's own file system holding (n) reports: tmpfs's size is the
// memory the guest may use (--memory), its free blocks what is left, as a
// tmpfs without size= reports half of RAM on Linux.
abi::Statfs GuestStatfs(const tmpfs::Inode& n) {
  abi::Statfs st = {};
  st.f_bsize = static_cast<int64_t>(mm::kPageSize);
  st.f_frsize = st.f_bsize;
  st.f_namelen = tmpfs::kNameMax;
  st.f_fsid[0] = static_cast<int32_t>(n.dev);
  st.f_flags = abi::kST_VALID;
  if (n.kind == tmpfs::Kind::kPipe || (n.kind == tmpfs::Kind::kHost && abi::IsFifo(n.mode))) {
    st.f_type = abi::kPIPEFS_MAGIC;
    return st;
  }
  if (n.kind == tmpfs::Kind::kHost && abi::IsSock(n.mode)) {
    st.f_type = abi::kSOCKFS_MAGIC;
    return st;
  }
  if (n.kind == tmpfs::Kind::kConsole) {
    st.f_type = abi::kDEVPTS_SUPER_MAGIC;
    return st;
  }
  if (n.dev == vfs::kDevProc) {
    st.f_type = abi::kPROC_SUPER_MAGIC;
    st.f_flags |= abi::kST_NOSUID | abi::kST_NODEV | abi::kST_NOEXEC | abi::kST_RELATIME;
    return st;
  }
  st.f_type = abi::kTMPFS_MAGIC;
  st.f_blocks = mm::LimitBytes() / mm::kPageSize;
  st.f_bfree = mm::FreeBytes() / mm::kPageSize;
  st.f_bavail = st.f_bfree;
  st.f_files = tmpfs::kMaxInodes;
  st.f_ffree = tmpfs::kMaxInodes - tmpfs::InodesInUse();
  if (n.dev == vfs::kDevDev) st.f_flags |= abi::kST_NOSUID;
  return st;
}

int64_t StatfsOfInode(const tmpfs::Inode& n, uint64_t addr) {
  if (hostfs::IsHost(n) && hostfs::HandleOf(n) != 0) {
    if (!user::RangeOk(addr, sizeof(abi::Statfs))) return -abi::kEFAULT;
    return hostfs::FdOp(n, HV_FDOP_STATFS, 0, addr, 0);
  }
  abi::Statfs st = GuestStatfs(n);
  return user::CopyOut(addr, &st, sizeof st);
}

}  // namespace

// Statfs implements Linux syscall statfs(2).
int64_t sys_statfs(hv_syscall_frame& f) {
  const char* path;
  if (int64_t r = user::Path(f.args[0], &path); r < 0) return r;
  uint32_t ino;
  vfs::Lookup host;
  int64_t r = vfs::ResolveExisting(abi::kAT_FDCWD, path, true, false, &ino, &host);
  if (r < 0) return r;
  if (r == vfs::kOnHost) {
    if (!user::RangeOk(f.args[1], sizeof(abi::Statfs))) return -abi::kEFAULT;
    return hostfs::PathOp(HV_PATHOP_STATFS, host, nullptr, 0, 0, f.args[1], sizeof(abi::Statfs), 0);
  }
  return StatfsOfInode(*tmpfs::Get(ino), f.args[1]);
}

// Fstatfs implements Linux syscall fstatfs(2).
int64_t sys_fstatfs(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  const tmpfs::Inode* n = vfs::InodeOf(*file);
  if (n == nullptr) return -abi::kEBADF;
  return StatfsOfInode(*n, f.args[1]);
}

}  // namespace hvrt
