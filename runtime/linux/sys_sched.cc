// Scheduling: the guest's green threads (runtime/sched/) share one vCPU.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {

// SchedYield implements Linux syscall sched_yield(2): every other runnable
// thread runs before the caller continues.
int64_t sys_sched_yield(hv_syscall_frame&) {
  sched::Yield();
  return 0;
}

// SchedGetaffinity implements Linux syscall sched_getaffinity(2): CPU 0
// only. Returns the bytes written (one u64 mask), as the syscall does.
int64_t sys_sched_getaffinity(hv_syscall_frame& f) {
  int32_t pid = Int(f.args[0]);
  if (!process::IsSelf(pid) && !sched::Alive(pid)) return -abi::kESRCH;
  uint64_t len = f.args[1];
  if (len < sizeof(uint64_t) || len % sizeof(uint64_t) != 0) return -abi::kEINVAL;
  uint64_t mask = 1;
  if (int64_t r = user::CopyOut(f.args[2], &mask, sizeof mask); r < 0) return r;
  return sizeof mask;
}

}  // namespace hvrt
