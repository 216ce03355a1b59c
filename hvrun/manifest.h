// File: manifest.h
//
// Run manifests: a whole hvrun run as a text proto (hvrun.v1.RunManifest,
// proto/hvrun/run.proto). Defines reading one (errors name the file, line and
// column), merging the command line's flags into it (defaults < manifest <
// flags), printing it, and converting between it and LaunchOptions.
//
// Example:
//   absl::StatusOr<v1::RunManifest> manifest = ReadManifest("run.textproto");
//   ManifestFlags given{.memory = "64M"}, defaults{.backend = "auto"};
//   absl::Status merged = ApplyFlags(given, defaults, &*manifest);
//   std::cout << PrintManifest(*manifest);                 // --print-manifest
//   absl::StatusOr<LaunchOptions> opts = ToLaunchOptions(*manifest);
#ifndef HVRUN_MANIFEST_H_
#define HVRUN_MANIFEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hvrun/launch.h"
#include "hvrun/run.pb.h"

namespace hvrun {

// The most a manifest file may hold; longer ones (or /dev/zero) are refused.
inline constexpr size_t kMaxManifestBytes = 1 << 20;

// Reads the text-proto manifest at (path). NotFound "manifest (path): no such
// file" when it does not exist; InvalidArgument "manifest (path):LINE:COL:
// ..." (1-based) for the first syntax error, unknown field or bad value
// (memory, limits.timeout, backend, env, a mount path with ':'); other
// read errors name the path.
// Mounts are accepted: only ToLaunchOptions() refuses them.
absl::StatusOr<v1::RunManifest> ReadManifest(const std::string& path);

// ReadManifest() on (text) already read; errors name (name) as the file.
absl::StatusOr<v1::RunManifest> ParseManifest(std::string_view text, const std::string& name);

// Returns (manifest) as a text proto that ParseManifest() reads back equal.
std::string PrintManifest(const v1::RunManifest& manifest);

// hvrun's flags, as ApplyFlags() takes them. Unset fields take no part.
struct ManifestFlags {
  std::optional<std::string> backend;     // --backend: auto, sim, kvm or xen
  std::optional<std::string> memory;      // --memory, e.g. 512M
  std::optional<bool> verbose;            // --verbose
  std::optional<std::string> runtime;     // --runtime
  std::optional<absl::Duration> timeout;  // --timeout; InfiniteDuration() is no limit
  std::optional<std::string> rootfs;      // --rootfs
  std::optional<bool> rootfs_rw;          // --rootfs-rw
  std::optional<std::string> workdir;     // --workdir, -w
  std::vector<std::string> env;           // -e KEY=VAL, in order
  std::vector<std::string> volumes;       // -v HOST:GUEST[:ro], in order: appended to mounts
  std::optional<std::string> network;     // --network: none, loopback or host
  std::vector<std::string> publish;       // -p [IP:]HOST:GUEST[/proto], appended
  std::vector<std::string> app_args;      // APP ARGS...; empty keeps the manifest's
};

// Merges flags into (manifest): each field set in (given) (the command line)
// replaces the manifest's; each field set in (defaults) (flags not given)
// fills the manifest's only where it is empty. (given).app_args, when not
// empty, replace image and args; (given).env is appended to env, replacing an
// entry with the same KEY in place. InvalidArgument, naming the flag, for a
// value hvrun cannot use (unknown backend, bad memory size, a timeout that is
// not positive, -e without '='); (manifest) is then partly merged.
absl::Status ApplyFlags(const ManifestFlags& given, const ManifestFlags& defaults,
                        v1::RunManifest* manifest);

// Returns what Launch() needs to run (manifest): argv is image then args; env
// gains a default PATH when it sets none. InvalidArgument for an empty image
// ("no APP given") or a bad value. Mounts become volumes ("HOST:GUEST[:ro]").
absl::StatusOr<LaunchOptions> ToLaunchOptions(const v1::RunManifest& manifest);

// Returns the manifest that ToLaunchOptions() turns back into (options):
// memory as "NG"/"NM" or bytes, an infinite timeout as none, argv[0] as the
// image. InvalidArgument for an unknown backend.
absl::StatusOr<v1::RunManifest> ToManifest(const LaunchOptions& options);

}  // namespace hvrun

#endif  // HVRUN_MANIFEST_H_
