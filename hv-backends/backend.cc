// File: backend.cc
#include "hv-backends/backend.h"

#include "absl/strings/str_cat.h"
#include "hv-backends/kvm/host/kvm_backend.h"
#include "hv-backends/sim/host/sim_backend.h"

namespace hvrun {

absl::StatusOr<std::unique_ptr<Backend>> CreateBackend(std::string_view name) {
  if (name == "sim") return CreateSimBackend();
  if (name == "kvm") return CreateKvmBackend();
  if (name == "auto") {
    // The fastest backend this machine can run: kvm when /dev/kvm is usable.
    if (KvmUsable().ok()) return CreateKvmBackend();
    return CreateSimBackend();
  }
  if (name == "xen") {
    return absl::UnimplementedError(
        "the xen backend is not built yet (it is planned); use --backend=sim");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown backend '", std::string(name), "': expected auto, sim, kvm or xen"));
}

}  // namespace hvrun
