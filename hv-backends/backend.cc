// File: backend.cc
#include "hv-backends/backend.h"

#include "absl/strings/str_cat.h"
#include "hv-backends/kvm/host/kvm_backend.h"
#include "hv-backends/sim/host/sim_backend.h"
#ifdef HV_HAVE_XEN
#include "hv-backends/xen/host/xen_backend.h"
#endif

namespace hvrun {

absl::StatusOr<std::unique_ptr<Backend>> CreateBackend(std::string_view name) {
  if (name == "sim") return CreateSimBackend();
  if (name == "kvm") return CreateKvmBackend();
  if (name == "auto") {
    // The fastest backend this machine can run: xen in a Xen dom0, kvm
    // where /dev/kvm is usable, else sim.
#ifdef HV_HAVE_XEN
    if (XenUsable().ok()) return CreateXenBackend();
#endif
    if (KvmUsable().ok()) return CreateKvmBackend();
    return CreateSimBackend();
  }
  if (name == "xen") {
#ifdef HV_HAVE_XEN
    return CreateXenBackend();
#else
    return absl::UnimplementedError(
        "this hvrun was built without the xen backend (libxen-dev was missing); "
        "use --backend=sim or kvm");
#endif
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown backend '", std::string(name), "': expected auto, sim, kvm or xen"));
}

}  // namespace hvrun
