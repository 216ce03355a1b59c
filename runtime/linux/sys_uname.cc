// The system's name and its memory as the app sees them: uname, sysinfo.
#include "runtime/boot/boot_info.h"
#include "runtime/hv/clock.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/vm.h"

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

// Sysinfo implements Linux syscall sysinfo(2): uptime since the guest
// started, no load, RAM as /proc/meminfo says it (the --memory limit, less
// what the runtime has handed out), no swap, one process.
int64_t sys_sysinfo(hv_syscall_frame& f) {
  struct Sysinfo {  // struct sysinfo on x86-64 (112 bytes)
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
  };
  static_assert(sizeof(Sysinfo) == 112);
  Sysinfo s = {};
  s.uptime = static_cast<int64_t>(clock::MonotonicNs() / 1000000000);
  s.totalram = mm::LimitBytes();
  s.freeram = mm::FreeBytes();
  s.procs = 1;
  s.mem_unit = 1;
  return user::CopyOut(f.args[0], &s, sizeof s);
}

}  // namespace hvrt
