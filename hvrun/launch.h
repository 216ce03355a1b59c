// File: launch.h
//
// Launch() runs one app under hvrun, start to finish: the recipe in
// launch.cc reads top to bottom like Firecracker's builder.
//
// Example:
//   LaunchOptions opts{.app = "/bin/busybox", .args = {"/bin/busybox", "true"}};
//   absl::StatusOr<int> status = Launch(opts);  // the guest's exit status
#ifndef HVRUN_LAUNCH_H_
#define HVRUN_LAUNCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vmm/base/layout.h"
#include "vmm/services/network_policy.h"

namespace hvrun {

struct LaunchOptions {
  std::string backend = "auto";  // auto | sim | kvm | xen
  // --memory: the most memory the guest may use (0: what the host has, its
  // MemTotal); on xen, the domain's RAM (0: kDefaultXenMemory).
  uint64_t memory = 0;
  std::vector<std::string> env;      // KEY=VALUE, what the guest's environ holds
  std::vector<std::string> volumes;  // -v HOST:GUEST[:ro]: host directories to mount
  bool verbose = false;
  std::string runtime;  // runtime image; empty: beside hvrun
  absl::Duration timeout = absl::InfiniteDuration();
  std::string app;  // the app: a host path, or a path in (rootfs)
  // The guest's root file system: a host directory (empty: the guest's own
  // tmpfs root). APP and its interpreter are resolved inside it.
  std::string rootfs;
  bool rootfs_rw = false;  // --rootfs-rw: the guest may change (rootfs)
  std::string workdir;     // the guest's start directory (absolute); empty: "/"
  int pids_limit = 512;    // --pids-limit: processes at once (live and zombie)
  // --shm-size: the bytes /dev/shm (the shared-memory store) may hold; 0: none.
  uint64_t shm_size = 64ull << 20;
  // --tmp-size: /tmp as a host directory every process shares, of at most
  // this many bytes (kTmpAsMemory: --memory's, or the host's RAM); 0: the
  // runtime's own in-memory tmpfs, which each process has a copy of.
  static constexpr uint64_t kTmpAsMemory = ~0ull;
  uint64_t tmp_size = kTmpAsMemory;
  // --stop-timeout: how long the guest has to exit after a forwarded SIGINT,
  // SIGTERM or SIGHUP before hvrun ends it (stop_forwarder.h).
  absl::Duration stop_timeout = absl::Seconds(10);
  // --network and --publish: what the guest's sockets may reach.
  NetworkPolicy network;
  std::vector<std::string> args;  // argv, argv[0] included
  // --syscall-path=auto (HV_BOOT_TRAPLESS): the runtime rewrites the app's
  // syscall sites to call it without a trap.
  bool trapless = true;
};

// Runs the app. Returns the exit status hvrun should exit with (the guest's
// status, 128+N for a guest killed by signal N, 124 on timeout), having
// printed any report to stderr. Errors carry their exit code (exit_codes.h).
absl::StatusOr<int> Launch(const LaunchOptions& options);

// Returns where the runtime image is: beside the hvrun binary (build tree)
// or in the installed tree's lib dir. NotFound names both places.
absl::StatusOr<std::string> LocateRuntime();

}  // namespace hvrun

#endif  // HVRUN_LAUNCH_H_
