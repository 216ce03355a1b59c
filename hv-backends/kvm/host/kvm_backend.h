// File: kvm_backend.h
//
// The KVM backend: hvrun is the VMM. One vCPU runs the runtime and the app at
// CPL3 in long mode over identity-mapped guest memory (the same memfd the sim
// backend uses); hypercalls are port writes that exit to hvrun with their
// arguments in the synced registers; the app's `syscall` goes through a tiny
// CPL0 stub back to the runtime at CPL3. Every bit of CPU state is set from
// outside (cpu_setup.h).
#ifndef HV_BACKENDS_KVM_HOST_KVM_BACKEND_H_
#define HV_BACKENDS_KVM_HOST_KVM_BACKEND_H_

#include <memory>
#include <string>

#include "hv-backends/backend.h"

namespace hvrun {

// Returns OK if /dev/kvm can run hvrun guests here, else why not (one line).
absl::Status KvmUsable();

// Returns the KVM backend, or FailedPrecondition naming what is missing.
absl::StatusOr<std::unique_ptr<Backend>> CreateKvmBackend();

}  // namespace hvrun

#endif  // HV_BACKENDS_KVM_HOST_KVM_BACKEND_H_
