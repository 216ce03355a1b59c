// Opening, closing and naming files. There is no filesystem yet (the VFS
// comes later): open fails with -ENOENT, only fds 0-2 exist, the cwd is "/",
// and /proc/self/exe is the one link, to the app's path (made absolute).
#include "runtime/boot/boot_info.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"

namespace hvrt {
namespace {

// open/openat: a readable path, then -ENOENT.
int64_t OpenPath(uint64_t path_addr) {
  char path[boot::kPathMax];
  if (int64_t r = user::CopyInString(path, sizeof path, path_addr); r < 0) return r;
  return -abi::kENOENT;
}

// The target of /proc/self/exe: the app path made absolute against the
// guest's cwd "/" (Linux's link is always absolute, and glibc's static
// startup asserts that it starts with '/'). Writes it to (out); returns its
// length.
size_t ExeLink(char* out, size_t cap) {
  const char* app = boot::AppPath();
  if (app[0] == '/') return StrCopy(out, cap, app);
  while (app[0] == '.' && app[1] == '/') app += 2;  // "./bin/x" is "/bin/x"
  out[0] = '/';
  return 1 + StrCopy(out + 1, cap - 1, app);
}

int64_t ReadLink(uint64_t path_addr, uint64_t buf, int32_t bufsiz) {
  if (bufsiz <= 0) return -abi::kEINVAL;
  char path[boot::kPathMax];
  if (int64_t r = user::CopyInString(path, sizeof path, path_addr); r < 0) return r;
  if (!StrEq(path, "/proc/self/exe")) return -abi::kENOENT;
  char target[boot::kPathMax + 1];
  uint64_t n = ExeLink(target, sizeof target);
  if (n > static_cast<uint64_t>(bufsiz)) n = static_cast<uint64_t>(bufsiz);  // truncated, no NUL
  if (int64_t r = user::CopyOut(buf, target, n); r < 0) return r;
  return static_cast<int64_t>(n);
}

}  // namespace

// Open implements Linux syscall open(2): -ENOENT until the VFS exists.
int64_t sys_open(hv_syscall_frame& f) { return OpenPath(f.args[0]); }

// Openat implements Linux syscall openat(2): -ENOENT until the VFS exists.
int64_t sys_openat(hv_syscall_frame& f) { return OpenPath(f.args[1]); }

// Close implements Linux syscall close(2).
int64_t sys_close(hv_syscall_frame& f) { return console::Close(Int(f.args[0])); }

// Fcntl implements Linux syscall fcntl(2): F_GETFD, F_SETFD and F_GETFL on
// the console fds; other commands are -EINVAL.
int64_t sys_fcntl(hv_syscall_frame& f) {
  int32_t fd = Int(f.args[0]);
  if (!console::IsOpen(fd)) return -abi::kEBADF;
  switch (static_cast<uint32_t>(f.args[1])) {
    case abi::kF_GETFD:
      return static_cast<int64_t>(console::FdFlags(fd));
    case abi::kF_SETFD:
      console::SetFdFlags(fd, f.args[2]);
      return 0;
    case abi::kF_GETFL:
      return static_cast<int64_t>(console::StatusFlags(fd));
    default:
      return -abi::kEINVAL;
  }
}

// Readlink implements Linux syscall readlink(2).
int64_t sys_readlink(hv_syscall_frame& f) { return ReadLink(f.args[0], f.args[1], Int(f.args[2])); }

// Readlinkat implements Linux syscall readlinkat(2). (dirfd) only matters for
// relative paths, and no relative path exists.
int64_t sys_readlinkat(hv_syscall_frame& f) {
  return ReadLink(f.args[1], f.args[2], Int(f.args[3]));
}

// Getcwd implements Linux syscall getcwd(2): the cwd is "/". Returns the
// length including the NUL, as the syscall (not the libc wrapper) does.
int64_t sys_getcwd(hv_syscall_frame& f) {
  if (f.args[1] < 2) return -abi::kERANGE;
  if (int64_t r = user::CopyOut(f.args[0], "/", 2); r < 0) return r;
  return 2;
}

}  // namespace hvrt
