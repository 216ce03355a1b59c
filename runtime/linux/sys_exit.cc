// Ending the app: the guest ends with it (HV_CALL_EXIT).
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"

namespace hvrt {

// Exit implements Linux syscall exit(2). With one thread, ending the thread
// ends the process, as exit_group does.
int64_t sys_exit(hv_syscall_frame& f) { process::Exit(Int(f.args[0]) & 0xff, 0); }

// ExitGroup implements Linux syscall exit_group(2).
int64_t sys_exit_group(hv_syscall_frame& f) { process::Exit(Int(f.args[0]) & 0xff, 0); }

}  // namespace hvrt
