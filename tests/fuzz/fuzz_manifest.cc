// File: tests/fuzz/fuzz_manifest.cc
//
// libFuzzer target for run manifests (hvrun/manifest.h): the input is a
// manifest's text, read as `hvrun --manifest=FILE` reads it, then merged
// with command-line flags and turned into LaunchOptions. Flags come from
// lines of the input itself, which the text-proto parser skips as comments:
//   #flag given.memory=64M       a flag on the command line (replaces)
//   #flag default.backend=auto   a flag's default (fills what is empty)
// for backend, memory, verbose, runtime, timeout (an absl duration), env,
// volume and app (each app line adds one APP ARGS word).
//
// Beyond ASan and UBSan, the target checks the contracts manifest.h states:
//   - ReadManifest() of the text as a file and ParseManifest() agree, and
//     every error names the file;
//   - PrintManifest() of a parsed manifest parses back equal;
//   - ToLaunchOptions(ToManifest(options)) gives (options) back.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "hvrun/manifest.h"
#include "tests/fuzz/fuzz_check.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {
namespace {

// Sets one flag of (flags) from "NAME=VALUE"; ignores what it cannot read.
void SetFlag(absl::string_view name, absl::string_view value, ManifestFlags* flags) {
  if (name == "backend") {
    flags->backend = std::string(value);
  } else if (name == "memory") {
    flags->memory = std::string(value);
  } else if (name == "verbose") {
    bool b;
    if (absl::SimpleAtob(value, &b)) flags->verbose = b;
  } else if (name == "runtime") {
    flags->runtime = std::string(value);
  } else if (name == "timeout") {
    absl::Duration d;
    if (absl::ParseDuration(value, &d)) flags->timeout = d;
  } else if (name == "env") {
    flags->env.emplace_back(value);
  } else if (name == "volume") {
    flags->volumes.emplace_back(value);
  } else if (name == "app") {
    flags->app_args.emplace_back(value);
  } else if (name == "network") {
    flags->network = std::string(value);
  } else if (name == "publish") {
    flags->publish.emplace_back(value);
  }
}

// The "#flag given.X=V" and "#flag default.X=V" lines of (text).
void ReadFlags(absl::string_view text, ManifestFlags* given, ManifestFlags* defaults) {
  constexpr absl::string_view kPrefix = "#flag ";
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, kPrefix)) continue;
    ManifestFlags* flags = nullptr;
    if (absl::ConsumePrefix(&line, "given.")) {
      flags = given;
    } else if (absl::ConsumePrefix(&line, "default.")) {
      flags = defaults;
    } else {
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    SetFlag(line.substr(0, eq), line.substr(eq + 1), flags);
  }
}

bool SamePublished(const std::vector<PortPublish>& a, const std::vector<PortPublish>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type || a[i].host_port != b[i].host_port ||
        a[i].guest_port != b[i].guest_port || a[i].host_ip != b[i].host_ip) {
      return false;
    }
  }
  return true;
}

bool SameOptions(const LaunchOptions& a, const LaunchOptions& b) {
  return a.backend == b.backend && a.memory == b.memory && a.env == b.env &&
         a.volumes == b.volumes && a.verbose == b.verbose && a.runtime == b.runtime &&
         a.timeout == b.timeout && a.app == b.app && a.args == b.args &&
         a.network.mode == b.network.mode &&
         SamePublished(a.network.published, b.network.published);
}

// The input as a file, for ReadManifest (a memfd: no disk, no cleanup).
class ManifestFile {
 public:
  ManifestFile()
      : fd_(memfd_create("fuzz-manifest", MFD_CLOEXEC)),
        path_("/proc/self/fd/" + std::to_string(fd_.get())) {
    FUZZ_CHECK(fd_.valid());
  }
  const std::string& Write(std::string_view text) {
    FUZZ_CHECK(ftruncate(fd_.get(), 0) == 0);
    FUZZ_CHECK(pwrite(fd_.get(), text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
    return path_;
  }

 private:
  UniqueFd fd_;
  const std::string path_;
};

void Run(std::string_view text) {
  // `hvrun --manifest=FILE` reads the file: the same text from a file must
  // give the same answer, and errors name the file.
  static ManifestFile file;
  const std::string& path = file.Write(text);
  const absl::StatusOr<v1::RunManifest> read = ReadManifest(path);
  absl::StatusOr<v1::RunManifest> manifest = ParseManifest(text, path);
  FUZZ_CHECK(read.status() == manifest.status());
  if (!manifest.ok()) {
    FUZZ_CHECK(absl::StartsWith(manifest.status().message(), "manifest " + path));
    return;
  }
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*manifest, *read));
  // --print-manifest's output is a manifest that means the same.
  const std::string printed = PrintManifest(*manifest);
  absl::StatusOr<v1::RunManifest> reparsed = ParseManifest(printed, path);
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*manifest, *reparsed));

  ManifestFlags given, defaults;
  ReadFlags(absl::string_view(text.data(), text.size()), &given, &defaults);
  if (!ApplyFlags(given, defaults, &*manifest).ok()) return;
  absl::StatusOr<LaunchOptions> options = ToLaunchOptions(*manifest);
  if (!options.ok()) return;
  absl::StatusOr<v1::RunManifest> back = ToManifest(*options);
  FUZZ_CHECK(back.ok());
  absl::StatusOr<LaunchOptions> again = ToLaunchOptions(*back);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(SameOptions(*options, *again));
}

}  // namespace
}  // namespace hvrun

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hvrun::Run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
