// Resource limits (runtime/linux/process.h keeps them). A limit can be
// lowered, and is then reported back; raising a hard limit is -EPERM (the
// guest has no CAP_SYS_RESOURCE). The runtime does not enforce them.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/resource.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {
namespace {

int64_t Prlimit(int32_t pid, uint32_t resource, uint64_t new_addr, uint64_t old_addr) {
  if (!process::IsSelf(pid)) return -abi::kESRCH;
  abi::Rlimit* lim = process::Limit(resource);
  if (lim == nullptr) return -abi::kEINVAL;
  abi::Rlimit next;
  if (new_addr != 0) {
    if (int64_t r = user::CopyIn(&next, new_addr, sizeof next); r < 0) return r;
    if (next.rlim_cur > next.rlim_max) return -abi::kEINVAL;
    if (next.rlim_max > lim->rlim_max) return -abi::kEPERM;
  }
  if (old_addr != 0) {
    if (int64_t r = user::CopyOut(old_addr, lim, sizeof *lim); r < 0) return r;
  }
  if (new_addr != 0) *lim = next;
  return 0;
}

}  // namespace

// Prlimit64 implements Linux syscall prlimit64(2) for this process.
int64_t sys_prlimit64(hv_syscall_frame& f) {
  return Prlimit(Int(f.args[0]), static_cast<uint32_t>(f.args[1]), f.args[2], f.args[3]);
}

// Getrlimit implements Linux syscall getrlimit(2).
int64_t sys_getrlimit(hv_syscall_frame& f) {
  return Prlimit(0, static_cast<uint32_t>(f.args[0]), 0, f.args[1]);
}

// Setrlimit implements Linux syscall setrlimit(2).
int64_t sys_setrlimit(hv_syscall_frame& f) {
  return Prlimit(0, static_cast<uint32_t>(f.args[0]), f.args[1], 0);
}

}  // namespace hvrt
