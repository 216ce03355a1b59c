// File: xen_reaper.h
//
// A Xen domain lives in the hypervisor, not in hvrun: if hvrun is killed
// (SIGKILL, the OOM killer, a crash) nothing in hvrun runs to destroy it, and
// a paused or running domain would keep its memory until someone runs `xl
// destroy`. DomainReaper closes that gap: for each domain, hvrun starts a
// small process (hvrun itself, re-executed with kReaperFlag) in its own
// session that waits on a pipe whose write end only hvrun holds. When hvrun
// destroys the domain itself it says so on the pipe and the reaper exits;
// when the pipe reaches end-of-file without that word, hvrun is gone and the
// reaper destroys the domain.
#ifndef HV_BACKENDS_XEN_HOST_XEN_REAPER_H_
#define HV_BACKENDS_XEN_HOST_XEN_REAPER_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "vmm/base/unique_fd.h"

namespace hvrun::xen {

// argv[1] of the reaper process; argv[2] is the domain id.
inline constexpr char kReaperFlag[] = "--internal-xen-domain-reaper";

class DomainReaper {
 public:
  // Starts the reaper of domain (domid).
  static absl::StatusOr<DomainReaper> Start(uint32_t domid);
  // Tells the reaper the domain is destroyed and waits for it to exit.
  ~DomainReaper();
  DomainReaper(DomainReaper&& other) noexcept;
  DomainReaper& operator=(DomainReaper&&) = delete;
  DomainReaper(const DomainReaper&) = delete;

 private:
  DomainReaper(pid_t pid, UniqueFd pipe) : pid_(pid), pipe_(std::move(pipe)) {}
  pid_t pid_;
  UniqueFd pipe_;  // write end; the reaper reads the other end as fd 3
};

// The reaper process's body: waits on fd 3, destroys (domid) unless hvrun
// said it did. Returns the process's exit status.
int RunReaper(const char* domid);

}  // namespace hvrun::xen

#endif  // HV_BACKENDS_XEN_HOST_XEN_REAPER_H_
