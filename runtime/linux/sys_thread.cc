// Thread setup calls a libc makes at start: TLS base, tid address, robust
// futex list, rseq.
#include "runtime/hv/cpu.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {

// ArchPrctl implements Linux syscall arch_prctl(2): ARCH_SET_FS/GET_FS and
// ARCH_SET_GS/GET_GS with wrfsbase & co., which CR4.FSGSBASE allows at CPL3
// and which cost no hypercall. Every other code is -EINVAL.
int64_t sys_arch_prctl(hv_syscall_frame& f) {
  uint64_t addr = f.args[1];
  switch (static_cast<uint32_t>(f.args[0])) {
    case abi::kARCH_SET_FS:
      if (addr >= abi::kTASK_SIZE_MAX) return -abi::kEPERM;  // not a user address
      cpu::SetFsBase(addr);
      return 0;
    case abi::kARCH_SET_GS:
      if (addr >= abi::kTASK_SIZE_MAX) return -abi::kEPERM;
      cpu::SetGsBase(addr);
      return 0;
    case abi::kARCH_GET_FS: {
      uint64_t base = cpu::FsBase();
      return user::CopyOut(addr, &base, sizeof base);
    }
    case abi::kARCH_GET_GS: {
      uint64_t base = cpu::GsBase();
      return user::CopyOut(addr, &base, sizeof base);
    }
    default:
      return -abi::kEINVAL;
  }
}

// SetTidAddress implements Linux syscall set_tid_address(2): remembers the
// address and returns the tid.
int64_t sys_set_tid_address(hv_syscall_frame& f) {
  process::MainThread().clear_child_tid = f.args[0];
  return process::kTid;
}

// SetRobustList implements Linux syscall set_robust_list(2): remembers the
// head. (It only matters when a thread dies holding a lock; with one thread
// the whole guest ends then.)
int64_t sys_set_robust_list(hv_syscall_frame& f) {
  if (f.args[1] != abi::kROBUST_LIST_HEAD_SIZE) return -abi::kEINVAL;
  process::MainThread().robust_list = f.args[0];
  return 0;
}

// Rseq implements Linux syscall rseq(2) by declining it: -ENOSYS, on
// purpose. glibc then runs without restartable sequences (its fallback).
int64_t sys_rseq(hv_syscall_frame&) { return -abi::kENOSYS; }

}  // namespace hvrt
