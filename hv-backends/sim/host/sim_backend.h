// File: sim_backend.h
//
// The host-simulation backend: the guest runs in a child process whose memory
// is the guest memfd, mapped at the guest's own addresses. The app's syscalls
// become SIGSYS through Syscall User Dispatch and land in the runtime; the
// child is confined by seccomp to futex, rt_sigreturn and exit_group, issued
// from the hypercall page only. Hypercalls cross over a mailbox in guest
// memory with a spin-then-futex handshake (sim_mailbox.h).
#ifndef HV_BACKENDS_SIM_HOST_SIM_BACKEND_H_
#define HV_BACKENDS_SIM_HOST_SIM_BACKEND_H_

#include <memory>

#include "hv-backends/backend.h"

namespace hvrun {

// Returns the sim backend, or FailedPrecondition if this kernel lacks Syscall
// User Dispatch (Linux 5.11+) or seccomp.
absl::StatusOr<std::unique_ptr<Backend>> CreateSimBackend();

}  // namespace hvrun

#endif  // HV_BACKENDS_SIM_HOST_SIM_BACKEND_H_
