// File: service_engine.h
//
// ServiceEngine answers every hypercall, for every backend: it routes a call
// number to its service (hvrun/services/) and counts calls. Backends deliver;
// the engine decides.
//
// Example:
//   ServiceEngine engine(memory, {.verbose = true});
//   HypercallOutcome out = engine.Handle(HV_CALL_CONSOLE_WRITE, arg_gva);
#ifndef HVRUN_ENGINE_SERVICE_ENGINE_H_
#define HVRUN_ENGINE_SERVICE_ENGINE_H_

#include <array>
#include <cstdint>

#include "hv-backends/backend.h"
#include "hvrun/engine/guest_memory.h"
#include "hvrun/services/services.h"

namespace hvrun {

class ServiceEngine final : public HypercallHandler {
 public:
  // (memory) must outlive the engine.
  ServiceEngine(const GuestMemory& memory, ServiceOptions options, HostFiles files = {})
      : memory_(memory), options_(options), files_(std::move(files)) {}

  // Unknown or reserved numbers get -ENOSYS; the guest keeps running.
  HypercallOutcome Handle(uint64_t nr, uint64_t arg) override;

  // How many hypercalls (nr) hvrun served.
  uint64_t count(uint64_t nr) const { return nr < HV_CALL_MAX ? counts_[nr] : 0; }

 private:
  const GuestMemory& memory_;
  ServiceOptions options_;
  HostFiles files_;
  std::array<uint64_t, HV_CALL_MAX> counts_{};
};

}  // namespace hvrun

#endif  // HVRUN_ENGINE_SERVICE_ENGINE_H_
