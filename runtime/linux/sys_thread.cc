// Threads: creating them (clone, clone3: threads only, no fork), and the
// setup calls a libc makes per thread: TLS base, tid address, robust futex
// list, rseq. Scheduling is runtime/sched/.
#include "runtime/hv/cpu.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"
#include "syscall-shim/dispatch.h"

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
  sched::SetClearChildTid(f.args[0]);
  return sched::CurrentTid();
}

// SetRobustList implements Linux syscall set_robust_list(2): remembers the
// head for the calling thread; exit(2) walks it (futex.h).
int64_t sys_set_robust_list(hv_syscall_frame& f) {
  if (f.args[1] != abi::kROBUST_LIST_HEAD_SIZE) return -abi::kEINVAL;
  sched::SetRobustList(f.args[0]);
  return 0;
}

// GetRobustList implements Linux syscall get_robust_list(2) for a thread of
// this process (0: the caller).
int64_t sys_get_robust_list(hv_syscall_frame& f) {
  const int32_t tid = Int(f.args[0]) == 0 ? sched::CurrentTid() : Int(f.args[0]);
  const int64_t head = sched::RobustListOf(tid);
  if (head < 0) return -abi::kESRCH;
  const uint64_t len = abi::kROBUST_LIST_HEAD_SIZE;
  if (int64_t r = user::CopyOut(f.args[2], &len, sizeof len); r < 0) return r;
  return user::CopyOut(f.args[1], &head, sizeof head);
}

// Rseq implements Linux syscall rseq(2) by declining it: -ENOSYS, on
// purpose. glibc then runs without restartable sequences (its fallback).
int64_t sys_rseq(hv_syscall_frame&) { return -abi::kENOSYS; }

namespace {

// The flags a thread may be created with (glibc's pthread_create uses all
// but CLONE_CHILD_SETTID and CLONE_DETACHED, which Linux ignores).
constexpr uint64_t kThreadFlags =
    abi::kCLONE_VM | abi::kCLONE_FS | abi::kCLONE_FILES | abi::kCLONE_SIGHAND | abi::kCLONE_THREAD |
    abi::kCLONE_SYSVSEM | abi::kCLONE_SETTLS | abi::kCLONE_PARENT_SETTID |
    abi::kCLONE_CHILD_CLEARTID | abi::kCLONE_CHILD_SETTID | abi::kCLONE_DETACHED;

int64_t CloneThread(hv_syscall_frame& f, const sched::CloneRequest& r) {
  // A new process (fork-like clone) is sys_process.cc's.
  // Linux's own rules first: CLONE_THREAD needs CLONE_SIGHAND, which needs
  // CLONE_VM.
  bool thread = (r.flags & abi::kCLONE_THREAD) != 0;
  if (thread && (r.flags & abi::kCLONE_SIGHAND) == 0) return -abi::kEINVAL;
  if ((r.flags & abi::kCLONE_SIGHAND) != 0 && (r.flags & abi::kCLONE_VM) == 0) return -abi::kEINVAL;
  if (!thread) return CloneProcess(f, r.flags, r.stack_top, r.parent_tid, r.child_tid, r.tls);
  if ((r.flags & ~(kThreadFlags | abi::kCSIGNAL)) != 0) return -abi::kEINVAL;
  // The child needs its own stack: the parent's is in use below f.rsp.
  if (r.stack_top == 0) return -abi::kEINVAL;
  int64_t tid = sched::Clone(f, r);
  if (tid > 0) {
    signals::OnClone(static_cast<int32_t>(tid), /*shares_vm=*/true);
    PrctlOnClone(static_cast<int32_t>(tid));
  }
  return tid;
}

}  // namespace

// Clone implements Linux syscall clone(2) for threads (x86-64 argument
// order: flags, stack, parent_tid, child_tid, tls). See CloneThread.
int64_t sys_clone(hv_syscall_frame& f) {
  sched::CloneRequest r = {f.args[0], f.args[1], f.args[2], f.args[3], f.args[4]};
  return CloneThread(f, r);
}

// Clone3 implements Linux syscall clone3(2) for threads: struct clone_args
// with the stack as (stack, stack_size). set_tid, cgroup: -EINVAL.
int64_t sys_clone3(hv_syscall_frame& f) {
  uint64_t size = f.args[1];
  if (size < abi::kCLONE_ARGS_SIZE_VER0) return -abi::kEINVAL;
  if (size > 4096) return -abi::kE2BIG;
  abi::CloneArgs a = {};
  uint64_t n = size < sizeof a ? size : sizeof a;
  if (int64_t r = user::CopyIn(&a, f.args[0], n); r < 0) return r;
  // pidfd matters only with CLONE_PIDFD (refused below), as on Linux: glibc
  // leaves a stale value there.
  if (a.set_tid != 0 || a.set_tid_size != 0 || a.cgroup != 0) return -abi::kEINVAL;
  if ((a.stack == 0) != (a.stack_size == 0)) return -abi::kEINVAL;
  if ((a.flags & abi::kCSIGNAL) != 0 || a.exit_signal > abi::kCSIGNAL) return -abi::kEINVAL;
  // Linux's clone3: flags it does not know are EINVAL; CLONE_CLEAR_SIGHAND
  // cannot go with shared handlers.
  if ((a.flags & ~(0xffffffffull | abi::kCLONE_CLEAR_SIGHAND | abi::kCLONE_INTO_CGROUP)) != 0) {
    return -abi::kEINVAL;
  }
  if ((a.flags & abi::kCLONE_CLEAR_SIGHAND) != 0 && (a.flags & abi::kCLONE_SIGHAND) != 0) {
    return -abi::kEINVAL;
  }
  sched::CloneRequest r = {a.flags | a.exit_signal, a.stack + a.stack_size, a.parent_tid,
                           a.child_tid, a.tls};
  return CloneThread(f, r);
}

}  // namespace hvrt
