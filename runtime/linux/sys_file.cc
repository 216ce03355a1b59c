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
int64_t OpenPath(uint64_t path) {
  if (int64_t r = user::StringLength(path, boot::kPathMax); r < 0) return r;
  return -abi::kENOENT;
}

// readlink of "/proc/self/exe": the app path made absolute against the
// guest's cwd "/" (Linux's link is always absolute, and glibc's static
// startup asserts that it starts with '/'). Copied without a NUL, truncated
// to (bufsiz), in two pieces so no path-sized buffer sits on the app stack.
int64_t ReadLink(uint64_t path, uint64_t buf, int32_t bufsiz) {
  if (bufsiz <= 0) return -abi::kEINVAL;
  if (int64_t r = user::StringLength(path, boot::kPathMax); r < 0) return r;
  if (!StrEq(reinterpret_cast<const char*>(path), "/proc/self/exe")) return -abi::kENOENT;
  const char* app = boot::AppPath();
  uint64_t cap = static_cast<uint64_t>(bufsiz);
  uint64_t n = 0;
  if (app[0] != '/') {
    while (app[0] == '.' && app[1] == '/') app += 2;  // "./bin/x" is "/bin/x"
    if (int64_t r = user::CopyOut(buf, "/", 1); r < 0) return r;
    n = 1;
  }
  uint64_t len = StrLen(app);
  if (len > cap - n) len = cap - n;
  if (int64_t r = user::CopyOut(buf + n, app, len); r < 0) return r;
  return static_cast<int64_t>(n + len);
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
