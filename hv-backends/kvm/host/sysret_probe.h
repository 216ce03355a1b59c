// File: sysret_probe.h
//
// Whether this host runs guest CPL0 code natively, so that the app's syscall
// can return with the three-instruction sysretq stub instead of the iretq one.
// The answer comes from a probe in a throwaway VM (kvm_pvm, for one, does not
// emulate sysretq and shuts the VM down), and a "no" is remembered per boot.
//
// The cache lives in a directory hvrun does not control the contents of: a
// guest can be given a mount over it. So hvrun opens it as a directory fd
// that must be a real directory (not a symlink) owned by this user with mode
// 0700, writes only beneath that fd with O_CREAT|O_EXCL|O_NOFOLLOW, reads only
// a small regular file it owns, and trusts from it only the answer that is
// always safe: "no sysret" selects the iretq stub, which is correct on every
// host. A planted "yes" is ignored and the probe runs again.
//
// Example:
//   const bool sysret = kvm::CachedSysretWorks();
#ifndef HV_BACKENDS_KVM_HOST_SYSRET_PROBE_H_
#define HV_BACKENDS_KVM_HOST_SYSRET_PROBE_H_

#include <string>

#include "vmm/base/unique_fd.h"

namespace hvrun::kvm {

// Runs the probe (~5 ms on kvm_pvm, where it fails). False on any error.
bool SysretWorks();

// SysretWorks(), with a remembered "no" for this boot reused.
bool CachedSysretWorks();

// The cache's parts, for tests. (dir) is the cache directory.
// Opens (dir) (creating it 0700) if it is safe to use: a real directory,
// owned by this user, mode 0700. Invalid if not.
UniqueFd OpenCacheDir(const std::string& dir);
// Whether the cache file in (dir_fd) says "no sysret" for boot (boot_id).
bool CacheSaysNo(int dir_fd, const std::string& boot_id);
// Records "no sysret" for (boot_id) in (dir_fd). Returns false if it could not.
bool RememberNo(int dir_fd, const std::string& boot_id);

// The cache file's name inside the cache directory.
inline constexpr char kProbeCacheName[] = "kvm-sysret-probe";

}  // namespace hvrun::kvm

#endif  // HV_BACKENDS_KVM_HOST_SYSRET_PROBE_H_
