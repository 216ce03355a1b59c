// Ending a thread, or the app: the guest ends with the app (HV_CALL_EXIT).
#include "runtime/linux/futex.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/sched/sched.h"

namespace hvrt {

// Exit implements Linux syscall exit(2): ends the calling thread only
// (robust mutexes it holds marked FUTEX_OWNER_DIED; its CLONE_CHILD_CLEARTID
// word cleared and woken, for pthread_join). When the last thread exits the
// process ends with its status, as on Linux.
int64_t sys_exit(hv_syscall_frame& f) {
  const int64_t robust = sched::RobustListOf(sched::CurrentTid());
  if (robust > 0) futex::ReleaseRobustList(static_cast<uint64_t>(robust), sched::CurrentTid());
  sched::ExitThread(Int(f.args[0]) & 0xff);
}

// ExitGroup implements Linux syscall exit_group(2): every thread ends.
int64_t sys_exit_group(hv_syscall_frame& f) { process::Exit(Int(f.args[0]) & 0xff, 0); }

}  // namespace hvrt
