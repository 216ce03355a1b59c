// fstat and newfstatat. The console fds report the host stream's type, inode
// and device (HV_CALL_CONSOLE_INFO) so a pipe stays a pipe and a tty a tty.
// There is no filesystem yet: every path is -ENOENT.
#include "runtime/boot/boot_info.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"

namespace hvrt {
namespace {

int64_t StatConsole(int32_t fd, uint64_t addr) {
  if (!console::IsOpen(fd)) return -abi::kEBADF;
  const hv_console_info& info = console::Info(fd);
  abi::Stat st = {};
  st.st_ino = info.ino;
  st.st_nlink = 1;
  st.st_mode = info.mode;
  st.st_uid = boot::Info().uid;
  st.st_gid = boot::Info().gid;
  st.st_rdev = info.rdev;
  st.st_blksize = info.is_tty != 0 ? 1024 : 4096;  // what Linux reports for a pty / a pipe
  return user::CopyOut(addr, &st, sizeof st);
}

}  // namespace

// Fstat implements Linux syscall fstat(2).
int64_t sys_fstat(hv_syscall_frame& f) { return StatConsole(Int(f.args[0]), f.args[1]); }

// Newfstatat implements Linux syscall newfstatat(2) (fstatat): with
// AT_EMPTY_PATH and "" it is fstat(dirfd); any path is -ENOENT.
int64_t sys_newfstatat(hv_syscall_frame& f) {
  int32_t dirfd = Int(f.args[0]);
  uint64_t flags = static_cast<uint32_t>(f.args[3]);
  constexpr uint64_t kKnown =
      abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_NO_AUTOMOUNT | abi::kAT_EMPTY_PATH;
  if ((flags & ~kKnown) != 0) return -abi::kEINVAL;
  int64_t len = user::StringLength(f.args[1], boot::kPathMax);
  if (len < 0) return len;
  if (len == 0 && (flags & abi::kAT_EMPTY_PATH) != 0 && dirfd != abi::kAT_FDCWD)
    return StatConsole(dirfd, f.args[2]);
  return -abi::kENOENT;
}

}  // namespace hvrt
