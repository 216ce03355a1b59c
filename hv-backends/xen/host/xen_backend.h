// File: xen_backend.h
//
// The xen backend: hvrun, as root in a Xen dom0, builds a PVH domain with
// the toolstack libraries (xen_domain.h), loads the same runtime image and
// app into its RAM (mapped into hvrun once, so every guest pointer goes
// through GuestMemory's checks), starts the vCPU at the runtime's PVH entry,
// and serves the hypercall mailbox over an event channel. See docs/xen.md.
#ifndef HV_BACKENDS_XEN_HOST_XEN_BACKEND_H_
#define HV_BACKENDS_XEN_HOST_XEN_BACKEND_H_

#include <memory>

#include "hv-backends/backend.h"

namespace hvrun {

// Returns OK if this is a Xen dom0 where hvrun can build domains.
absl::Status XenUsable();

// Returns the xen backend, or FailedPrecondition naming what is missing.
absl::StatusOr<std::unique_ptr<Backend>> CreateXenBackend();

}  // namespace hvrun

#endif  // HV_BACKENDS_XEN_HOST_XEN_BACKEND_H_
