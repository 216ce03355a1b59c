// File: exec_service.h
//
// HV_CALL_EXEC's host half (sdk/include/hv/abi.h): execve in place. The
// runtime keeps its state (fds, cwd, files, pipes) and only the program
// changes, as in a kernel. PREPARE reads and checks the program (from an
// open host file handle, or bytes the runtime read from its own tmpfs) and
// its interpreter, and places both in the image area [kRuntimeEnd,
// image_end); LOAD, once the runtime has let go of the old program, zeroes
// the whole image area and loads them.
//
// The interpreter (PT_INTERP) is read only where the guest could read it:
// beneath the -v mount whose guest path holds it, else inside the root file
// system. A guest never makes hvrun read a host file outside its mounts.
//
// Example (in the service engine):
//   ExecService exec(layout::kImageAreaEnd);
//   HypercallOutcome out = exec.Handle(ctx, arg);
#ifndef HVRUN_EXEC_SERVICE_H_
#define HVRUN_EXEC_SERVICE_H_

#include <cstdint>
#include <optional>

#include "hvrun/elf/elf_image.h"
#include "vmm/services/services.h"

namespace hvrun {

class ExecService {
 public:
  // (image_end): where the image area ends (boot_info.free.start); 0: this
  // guest cannot exec (a fixed-size guest, xen).
  explicit ExecService(uint64_t image_end) : image_end_(image_end) {}

  HypercallOutcome Handle(const ServiceContext& ctx, uint64_t arg);

 private:
  int64_t Prepare(const ServiceContext& ctx, hv_exec& req);
  int64_t Load(const ServiceContext& ctx);

  uint64_t image_end_;
  struct Prepared {
    ElfImage app;
    uint64_t app_bias = 0;
    std::optional<ElfImage> interp;
    uint64_t interp_bias = 0;
  };
  std::optional<Prepared> prepared_;
};

// Reads (path) (a guest path) beneath the mount that holds it in (files):
// the longest -v mount guest path that is a prefix, else the root file
// system. NotFound when no mount holds it.
absl::StatusOr<ElfImage> ReadElfInGuestView(const HostFiles& files, const std::string& path);

}  // namespace hvrun

#endif  // HVRUN_EXEC_SERVICE_H_
