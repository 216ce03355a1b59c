// The system's name as the app sees it.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {

// Uname implements Linux syscall uname(2). The release is a plausible modern
// kernel so that libcs that check the kernel version proceed.
int64_t sys_uname(hv_syscall_frame& f) {
  abi::Utsname u = {};
  StrCopy(u.sysname, sizeof u.sysname, "Linux");
  StrCopy(u.nodename, sizeof u.nodename, "hvrun");
  StrCopy(u.release, sizeof u.release, "6.1.0-hvrun");
  StrCopy(u.version, sizeof u.version, "#1 hvrun");
  StrCopy(u.machine, sizeof u.machine, "x86_64");
  StrCopy(u.domainname, sizeof u.domainname, "(none)");
  return user::CopyOut(f.args[0], &u, sizeof u);
}

}  // namespace hvrt
