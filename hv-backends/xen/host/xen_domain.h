// File: xen_domain.h
//
// XenDomain owns one PVH domain that hvrun builds and serves from dom0,
// through the toolstack's C libraries (libxenctrl for the domain,
// libxenforeignmemory to map its RAM, libxenevtchn for the event channel),
// never by running xl. The domain is destroyed when the XenDomain goes,
// on every path out of hvrun that runs destructors (a normal end, an
// error, a stop signal).
//
// Example:
//   HV_ASSIGN_OR_RETURN(std::unique_ptr<XenDomain> d, XenDomain::Create(64 << 20));
//   HV_ASSIGN_OR_RETURN(HostMapping ram, d->MapMemory());
//   HV_ASSIGN_OR_RETURN(uint32_t port, d->OpenEventChannel());
//   HV_RETURN_IF_ERROR(d->StartPvh(entry, start_info));
#ifndef HV_BACKENDS_XEN_HOST_XEN_DOMAIN_H_
#define HV_BACKENDS_XEN_HOST_XEN_DOMAIN_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hv-backends/xen/host/xen_reaper.h"
#include "vmm/base/crash_report.h"
#include "vmm/base/unique_fd.h"

namespace hvrun::xen {

// Whether this is a Xen dom0 that can build domains: /proc/xen mounted and
// /dev/xen/privcmd (or /proc/xen/privcmd) openable.
absl::Status XenUsable();

// What Xen says about a domain that stopped running.
struct DomainState {
  bool exists = false;    // still known to Xen
  bool shutdown = false;  // shut down (crashed counts)
  bool crashed = false;
  unsigned reason = 0;  // SHUTDOWN_* when shutdown
};

// The vCPU registers of a stopped domain, from its HVM CPU save record.
struct VcpuRegisters {
  X86Registers regs;
  uint64_t cr2;
};

class XenDomain {
 public:
  // Creates a paused PVH domain (HAP, one vCPU) with (memory_bytes) of RAM
  // at guest-physical 0, a multiple of 2 MiB.
  static absl::StatusOr<std::unique_ptr<XenDomain>> Create(uint64_t memory_bytes);
  // Only Create() can make the Handles this takes.
  struct Handles;
  XenDomain(std::unique_ptr<Handles> h, uint32_t domid, uint64_t memory_bytes);
  ~XenDomain();
  XenDomain(const XenDomain&) = delete;
  XenDomain& operator=(const XenDomain&) = delete;

  uint32_t domid() const { return domid_; }
  // Maps all of the domain's RAM into hvrun once (guest-physical 0 at the
  // mapping's start). Unmapping is the HostMapping's job.
  absl::StatusOr<HostMapping> MapMemory();
  // Opens an interdomain event channel between the domain and hvrun.
  // Returns the guest's port; hvrun's side is Notify()/WaitEvent().
  absl::StatusOr<uint32_t> OpenEventChannel();
  // Starts vCPU 0 as the PVH boot ABI says (32-bit protected mode, paging
  // off, flat segments) at (entry) with ebx = (start_info), and unpauses.
  absl::Status StartPvh(uint32_t entry, uint32_t start_info);

  // Notifies the guest's port.
  void Notify();
  // Waits up to (timeout_ms) for an event from the guest; true if one came
  // (and re-arms the port). EINTR returns false.
  bool WaitEvent(int timeout_ms);
  DomainState State() const;
  absl::StatusOr<VcpuRegisters> Registers() const;

 private:
  std::unique_ptr<Handles> h_;
  uint32_t domid_;
  uint64_t memory_bytes_;
  std::optional<uint32_t> local_port_;
  std::optional<DomainReaper> reaper_;
};

}  // namespace hvrun::xen

#endif  // HV_BACKENDS_XEN_HOST_XEN_DOMAIN_H_
