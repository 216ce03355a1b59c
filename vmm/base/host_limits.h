// File: host_limits.h
//
// hvrun's own resource limits. The guest's open host files are hvrun's fds
// (HostFiles, vmm/services/host_files.h), so hvrun's RLIMIT_NOFILE bounds
// both: RaiseOpenFileLimit() lifts the soft limit to the hard one, early in
// Launch(), and HostFiles sizes its handle table from OpenFileLimit() so the
// guest can never take the fds hvrun needs for itself (path lookups,
// io_uring, eventfds).
//
// Example:
//   if (absl::Status s = RaiseOpenFileLimit(); !s.ok()) std::cerr << s << "\n";
//   HostFiles files;  // sized from OpenFileLimit()
#ifndef VMM_BASE_HOST_LIMITS_H_
#define VMM_BASE_HOST_LIMITS_H_

#include <cstdint>

#include "absl/status/status.h"

namespace hvrun {

// Sets the soft RLIMIT_NOFILE to the hard limit (the most an unprivileged
// process may ask for; the default soft 1024 exists for select(), which
// hvrun never uses). Returns the errno status if either call fails; the old
// limit then stays, and HostFiles sizes itself from it.
absl::Status RaiseOpenFileLimit();

// The soft RLIMIT_NOFILE now: fds numbered below it can be opened.
// UINT64_MAX for RLIM_INFINITY, or when it cannot be read.
uint64_t OpenFileLimit();

}  // namespace hvrun

#endif  // VMM_BASE_HOST_LIMITS_H_
