// File: backend.h
//
// The one interface every backend implements (sim, kvm, xen), shaped like
// cloud-hypervisor's hypervisor crate: a backend knows how the guest runs and
// how a hypercall reaches the host; what a hypercall does is the shared
// service engine's business (HypercallHandler), so services never see KVM.
//
// Example:
//   HV_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, CreateBackend("auto"));
//   HV_ASSIGN_OR_RETURN(GuestEntries entries, b->InstallGuestPages(memory));
//   HV_ASSIGN_OR_RETURN(GuestExit exit, b->Run(start, engine));
#ifndef HV_BACKENDS_BACKEND_H_
#define HV_BACKENDS_BACKEND_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hv/abi.h"
#include "vmm/base/guest_exit.h"
#include "vmm/base/guest_memory.h"
#include "vmm/base/hypercall.h"
#include "vmm/base/layout.h"

namespace hvrun {

// Where the runtime calls the backend's guest pages (hv_boot_info).
struct GuestEntries {
  uint64_t hypercall = 0;     // hypercall_entry
  uint64_t segment_base = 0;  // segment_base_entry, or 0 where wr{fs,gs}base work
  // Page protection (hv_boot_info): sim's host-mprotect stub; kvm's page
  // table root and TLB-flush stub. 0 where the backend does not enforce it.
  uint64_t protect = 0;
  uint64_t page_table_root = 0;
  uint64_t tlb_flush = 0;
  // sim: the stub that maps the child's own memory back (remap_own_entry).
  uint64_t remap_own = 0;
  // sim: the stub that maps a file hvrun passed the child (map_file_entry).
  uint64_t map_file = 0;
};

struct GuestStart {
  uint64_t entry = 0;      // runtime entry point (guest address)
  uint64_t pvh_entry = 0;  // the runtime's Xen PVH entry (its ELF note), or 0
  uint64_t boot_info = 0;  // passed in rdi
  uint64_t stack_top = 0;  // initial rsp
  absl::Duration timeout = absl::InfiniteDuration();
  // A process other than the first (a fork): hvrun's stop signals and
  // --timeout are the first process's business; this guest ends when the
  // process table calls Stop().
  bool child = false;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual hv_backend_kind kind() const = 0;
  // One line for --verbose: the backend and how syscalls reach the runtime.
  virtual std::string Describe() const = 0;
  // Makes (size) bytes of guest memory. Most backends use a memfd that
  // hvrun maps (the default); xen creates the domain here and maps its RAM.
  virtual absl::StatusOr<GuestMemory> CreateMemory(uint64_t size) {
    return GuestMemory::Create(size);
  }
  // Whether guest memory only costs what the guest touches (a memfd), so
  // the guest gets a large address space and --memory limits its use
  // (true), or all of it is allocated up front and --memory is its size
  // (xen).
  virtual bool ElasticMemory() const { return true; }
  // The largest address space this backend can give a guest.
  virtual uint64_t MaxAddressSpace() const { return layout::kMaxAddressSpace; }
  // Bytes at the top of guest memory the backend keeps for itself (kvm's
  // page directories where it has no 1 GiB pages): never the runtime's.
  virtual uint64_t ReservedTop() const { return 0; }
  // Writes the backend's pages into guest memory at layout::kBackendPages
  // (the hypercall page and what it needs). Returns their entry points.
  virtual absl::StatusOr<GuestEntries> InstallGuestPages(const GuestMemory& memory) = 0;
  // Runs the guest from (start) until it exits, crashes or times out,
  // passing each hypercall to (handler). Errors are hvrun's own failures.
  virtual absl::StatusOr<GuestExit> Run(const GuestMemory& memory, const GuestStart& start,
                                        HypercallHandler& handler) = 0;
  // Ends a Run() in progress (or the next one) from any thread: the guest
  // is killed, and Run() returns kKilled. Backends that cannot run more
  // than one process need not (fork is then refused: ForkSupported()).
  virtual void Stop() {}
  virtual bool ForkSupported() const { return false; }
};

// Returns the backend called (name): "sim", "kvm", "xen", or "auto" (the
// fastest one usable on this machine). Unavailable or unbuilt backends give
// a clear error (UnimplementedError / FailedPreconditionError).
absl::StatusOr<std::unique_ptr<Backend>> CreateBackend(std::string_view name);

}  // namespace hvrun

#endif  // HV_BACKENDS_BACKEND_H_
