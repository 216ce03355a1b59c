// File: host_limits.cc
#include "vmm/base/host_limits.h"

#include <sys/resource.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace hvrun {

absl::Status RaiseOpenFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return absl::ErrnoToStatus(errno, "getrlimit(RLIMIT_NOFILE)");
  }
  if (lim.rlim_cur == lim.rlim_max) return absl::OkStatus();
  const rlim_t soft = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot raise RLIMIT_NOFILE from ", soft,
                                                   " to its hard limit ", lim.rlim_max));
  }
  return absl::OkStatus();
}

uint64_t OpenFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return lim.rlim_cur;
}

}  // namespace hvrun
