// File: manifest.cc
#include "hvrun/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "hvrun/memory_size.h"

namespace hvrun {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;
using v1::RunManifest;

constexpr char kDefaultPath[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Keeps the parser's first error, with its place; later ones are mostly
// consequences of it.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (has_error_) return;
    has_error_ = true;
    line_ = line;
    column_ = column;
    message_ = message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  bool has_error() const { return has_error_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool has_error_ = false;
  int line_ = -1;
  int column_ = -1;
  std::string message_;
};

// "manifest NAME:LINE:COL: " for a 0-based (line) and (column), or
// "manifest NAME: " where the place is unknown ("manifest: " with no NAME).
std::string Where(const std::string& name, int line, int column) {
  if (name.empty()) return "manifest: ";
  if (line < 0) return absl::StrCat("manifest ", name, ": ");
  return absl::StrCat("manifest ", name, ":", line + 1, ":", column + 1, ": ");
}

// Where (field)[index] was written, from (tree) (null: not known).
std::string FieldWhere(const std::string& name, const TextFormat::ParseInfoTree* tree,
                       const FieldDescriptor* field, int index = -1) {
  if (tree == nullptr) return Where(name, -1, -1);
  TextFormat::ParseLocation at = tree->GetLocation(field, index);
  return Where(name, at.line, at.column);
}

// The parser reports an unknown enum value where the token after it starts,
// often the next line; moves (line, column) back to the value itself, the
// last whole-word occurrence at or before them.
void PlaceUnknownEnum(std::string_view text, const std::string& message, int* line, int* column) {
  constexpr std::string_view kPrefix = "Unknown enumeration value of \"";
  if (!message.starts_with(kPrefix) || *line < 0) return;
  const size_t end = message.find('"', kPrefix.size());
  if (end == std::string::npos) return;
  const std::string value = message.substr(kPrefix.size(), end - kPrefix.size());
  if (value.empty()) return;
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  int found_line = -1;
  int found_column = -1;
  size_t line_start = 0;
  for (int l = 0; l <= *line && line_start <= text.size(); ++l) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view row = text.substr(line_start, line_end - line_start);
    for (size_t at = row.find(value); at != std::string_view::npos; at = row.find(value, at + 1)) {
      const size_t after = at + value.size();
      if ((at > 0 && is_word(row[at - 1])) || (after < row.size() && is_word(row[after]))) continue;
      if (l == *line && static_cast<int>(at) > *column) break;
      found_line = l;
      found_column = static_cast<int>(at);
    }
    line_start = line_end + 1;
  }
  if (found_line < 0) return;
  *line = found_line;
  *column = found_column;
}

bool IsKeyValue(const std::string& kv) {
  return !kv.empty() && kv[0] != '=' && absl::StrContains(kv, '=');
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a duration: use e.g. 30s, 5m or 1h30m"));
  }
  if (d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' must be positive"));
  }
  return d;
}

// Checks the values hvrun parses: memory, limits.timeout, backend and env.
// Errors start with "manifest (name):LINE:COL: " when (tree) locates the
// field, else "manifest (name): ".
absl::Status Validate(const RunManifest& m, const std::string& name,
                      const TextFormat::ParseInfoTree* tree) {
  const auto* d = RunManifest::descriptor();
  if (!m.memory().empty()) {
    auto memory = ParseMemorySize(m.memory());
    if (!memory.ok()) {
      // ParseMemorySize speaks of the flag; here it is the field.
      return absl::InvalidArgumentError(absl::StrCat(
          FieldWhere(name, tree, d->FindFieldByName("memory")),
          absl::StrReplaceAll(memory.status().message(), {{"--memory=", "memory: "}})));
    }
  }
  if (m.has_limits() && !m.limits().timeout().empty()) {
    auto timeout = ParsePositiveDuration(m.limits().timeout());
    if (!timeout.ok()) {
      const FieldDescriptor* limits = d->FindFieldByName("limits");
      const TextFormat::ParseInfoTree* nested =
          tree == nullptr ? nullptr : tree->GetTreeForNested(limits, -1);
      return absl::InvalidArgumentError(absl::StrCat(
          FieldWhere(name, nested, RunManifest::Limits::descriptor()->FindFieldByName("timeout")),
          "limits.timeout: ", timeout.status().message()));
    }
  }
  if (!RunManifest::Backend_IsValid(m.backend())) {
    return absl::InvalidArgumentError(absl::StrCat(
        FieldWhere(name, tree, d->FindFieldByName("backend")), "backend: ", m.backend(),
        " is not a backend: use BACKEND_AUTO, BACKEND_SIM, BACKEND_KVM or "
        "BACKEND_XEN"));
  }
  for (int i = 0; i < m.env_size(); ++i) {
    if (!IsKeyValue(m.env(i))) {
      return absl::InvalidArgumentError(
          absl::StrCat(FieldWhere(name, tree, d->FindFieldByName("env"), i), "env: '", m.env(i),
                       "' is not KEY=VAL"));
    }
  }
  // A mount becomes a -v HOST:GUEST[:ro] volume (ToLaunchOptions), so a ':'
  // in either path would be read back as another field: guest_path
  // "/data:ro" would become a read-only mount at /data, host_path "/a:/b"
  // a mount of /a at /b. Refused here, where the error can name the line.
  const FieldDescriptor* mounts = d->FindFieldByName("mounts");
  for (int i = 0; i < m.mounts_size(); ++i) {
    for (const char* field : {"host_path", "guest_path"}) {
      const std::string& path = std::string_view(field) == "host_path" ? m.mounts(i).host_path()
                                                                       : m.mounts(i).guest_path();
      if (!absl::StrContains(path, ':')) continue;
      const TextFormat::ParseInfoTree* nested =
          tree == nullptr ? nullptr : tree->GetTreeForNested(mounts, i);
      return absl::InvalidArgumentError(absl::StrCat(
          FieldWhere(name, nested, RunManifest::Mount::descriptor()->FindFieldByName(field)),
          "mounts.", field, ": '", path,
          "' contains ':', which a volume (HOST:GUEST[:ro]) cannot carry"));
    }
  }
  return absl::OkStatus();
}

// The KEY of "KEY=VAL".
std::string_view KeyOf(std::string_view kv) { return kv.substr(0, kv.find('=')); }

// "auto" for BACKEND_AUTO and so on; "" for BACKEND_UNSPECIFIED.
std::string BackendName(RunManifest::Backend backend) {
  switch (backend) {
    case RunManifest::BACKEND_AUTO:
      return "auto";
    case RunManifest::BACKEND_SIM:
      return "sim";
    case RunManifest::BACKEND_KVM:
      return "kvm";
    case RunManifest::BACKEND_XEN:
      return "xen";
    default:
      return "";
  }
}

absl::StatusOr<RunManifest::Backend> BackendOf(std::string_view name) {
  for (auto b : {RunManifest::BACKEND_AUTO, RunManifest::BACKEND_SIM, RunManifest::BACKEND_KVM,
                 RunManifest::BACKEND_XEN}) {
    if (name == BackendName(b)) return b;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown backend '", std::string(name), "': expected auto, sim, kvm or xen"));
}

// Sets (m)'s fields from (flags): all of them when (replace), else only the
// empty ones.
absl::Status Merge(const ManifestFlags& flags, bool replace, RunManifest* m) {
  if (flags.backend && (replace || m->backend() == RunManifest::BACKEND_UNSPECIFIED)) {
    auto backend = BackendOf(*flags.backend);
    if (!backend.ok()) return backend.status();
    m->set_backend(*backend);
  }
  if (flags.memory && (replace || m->memory().empty())) {
    auto memory = ParseMemorySize(*flags.memory);
    if (!memory.ok()) return memory.status();
    m->set_memory(*flags.memory);
  }
  if (flags.verbose && (replace || !m->verbose())) m->set_verbose(*flags.verbose);
  if (flags.runtime && (replace || m->runtime().empty())) m->set_runtime(*flags.runtime);
  if (flags.rootfs && (replace || m->rootfs().empty())) m->set_rootfs(*flags.rootfs);
  if (flags.rootfs_rw && (replace || !m->rootfs_read_write())) {
    m->set_rootfs_read_write(*flags.rootfs_rw);
  }
  if (flags.workdir && (replace || m->workdir().empty())) {
    if (!flags.workdir->empty() && (*flags.workdir)[0] != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("--workdir '", *flags.workdir, "' must be an absolute path"));
    }
    m->set_workdir(*flags.workdir);
  }
  if (flags.timeout && (replace || m->limits().timeout().empty())) {
    if (*flags.timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--timeout must be positive, e.g. --timeout=30s");
    }
    if (*flags.timeout == absl::InfiniteDuration()) {
      m->mutable_limits()->clear_timeout();
    } else {
      m->mutable_limits()->set_timeout(absl::FormatDuration(*flags.timeout));
    }
    if (m->limits().ByteSizeLong() == 0) m->clear_limits();
  }
  for (const std::string& kv : flags.env) {
    if (!IsKeyValue(kv))
      return absl::InvalidArgumentError(absl::StrCat("-e '", kv, "' is not KEY=VAL"));
    bool replaced = false;
    for (std::string& old : *m->mutable_env()) {
      if (KeyOf(old) == KeyOf(kv)) {
        old = kv;
        replaced = true;
      }
    }
    if (!replaced) m->add_env(kv);
  }
  // -v HOST:GUEST[:ro]: appended as mounts. Only the shape is checked here;
  // Launch (HostMount::Parse) checks the paths and opens the directories.
  for (const std::string& spec : flags.volumes) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
        (parts.size() == 3 && parts[2] != "ro" && parts[2] != "rw")) {
      return absl::InvalidArgumentError(
          absl::StrCat("-v '", spec, "' is not HOST:GUEST or HOST:GUEST:ro"));
    }
    RunManifest::Mount* mount = m->add_mounts();
    mount->set_host_path(parts[0]);
    mount->set_guest_path(parts[1]);
    mount->set_read_only(parts.size() == 3 && parts[2] == "ro");
  }
  if (flags.network && (replace || m->network().empty())) {
    if (auto mode = ParseNetworkMode(*flags.network); !mode.ok()) return mode.status();
    m->set_network(*flags.network);
  }
  for (const std::string& spec : flags.publish) {
    if (auto p = ParsePublish(spec); !p.ok()) return p.status();
    m->add_publish(spec);
  }
  if (!flags.app_args.empty()) {
    m->set_image(flags.app_args[0]);
    m->clear_args();
    for (size_t i = 1; i < flags.app_args.size(); ++i) m->add_args(flags.app_args[i]);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunManifest> ReadManifest(const std::string& path) {
  const std::string where = absl::StrCat("manifest ", path, ": ");
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(where + "no such file");
    return absl::FailedPreconditionError(where + strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(where + "is a directory");
  }
  // Read to EOF, not st_size: pipes (--manifest=<(...)) have none.
  std::string text;
  char buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return absl::FailedPreconditionError(where + strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxManifestBytes) {
      close(fd);
      return absl::InvalidArgumentError(
          absl::StrCat(where, "larger than ", kMaxManifestBytes >> 20, " MiB"));
    }
  }
  close(fd);
  return ParseManifest(text, path);
}

absl::StatusOr<RunManifest> ParseManifest(std::string_view text, const std::string& name) {
  RunManifest manifest;
  FirstErrorCollector errors;
  TextFormat::ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  // Unknown fields stay errors (the parser's default): a misspelt field must
  // not be dropped silently.
  if (!parser.ParseFromString(std::string(text), &manifest)) {
    if (!errors.has_error()) {
      return absl::InvalidArgumentError(Where(name, -1, -1) + "not a valid text proto");
    }
    int line = errors.line();
    int column = errors.column();
    PlaceUnknownEnum(text, errors.message(), &line, &column);
    std::string message = errors.message();
    if (message.ends_with("got: ")) message += "end of file";  // the empty token at EOF
    return absl::InvalidArgumentError(Where(name, line, column) + message);
  }
  if (absl::Status valid = Validate(manifest, name, &tree); !valid.ok()) return valid;
  return manifest;
}

std::string PrintManifest(const RunManifest& manifest) {
  std::string text;
  TextFormat::PrintToString(manifest, &text);
  return text;
}

absl::Status ApplyFlags(const ManifestFlags& given, const ManifestFlags& defaults,
                        RunManifest* manifest) {
  if (absl::Status s = Merge(given, /*replace=*/true, manifest); !s.ok()) return s;
  return Merge(defaults, /*replace=*/false, manifest);
}

absl::StatusOr<LaunchOptions> ToLaunchOptions(const RunManifest& manifest) {
  if (manifest.image().empty()) {
    return absl::InvalidArgumentError("no APP given: name it on the command line or as image");
  }
  if (absl::Status valid = Validate(manifest, "", nullptr); !valid.ok()) return valid;
  LaunchOptions options;
  if (manifest.backend() != RunManifest::BACKEND_UNSPECIFIED) {
    options.backend = BackendName(manifest.backend());
  }
  if (!manifest.memory().empty()) options.memory = *ParseMemorySize(manifest.memory());
  if (!manifest.limits().timeout().empty()) {
    options.timeout = *ParsePositiveDuration(manifest.limits().timeout());
  }
  options.verbose = manifest.verbose();
  options.runtime = manifest.runtime();
  options.rootfs = manifest.rootfs();
  options.rootfs_rw = manifest.rootfs_read_write();
  options.workdir = manifest.workdir();
  if (!manifest.network().empty()) {
    auto mode = ParseNetworkMode(manifest.network());
    if (!mode.ok()) return mode.status();
    options.network.mode = *mode;
  }
  for (const std::string& spec : manifest.publish()) {
    auto p = ParsePublish(spec);
    if (!p.ok()) return p.status();
    options.network.published.push_back(*p);
  }
  if (!options.network.published.empty() && options.network.mode == NetworkMode::kNone) {
    return absl::InvalidArgumentError("--publish needs a network: not with --network=none");
  }
  if (options.rootfs_rw && options.rootfs.empty()) {
    return absl::InvalidArgumentError("--rootfs-rw needs --rootfs=DIR");
  }
  bool has_path = false;
  for (const std::string& kv : manifest.env()) has_path |= KeyOf(kv) == "PATH";
  if (!has_path) options.env.push_back(kDefaultPath);
  options.env.insert(options.env.end(), manifest.env().begin(), manifest.env().end());
  // Mounts become -v specs; Launch parses and opens them (a missing host
  // directory or a bad guest path fails there, exit 125).
  for (const RunManifest::Mount& mount : manifest.mounts()) {
    options.volumes.push_back(
        absl::StrCat(mount.host_path(), ":", mount.guest_path(), mount.read_only() ? ":ro" : ""));
  }
  options.app = manifest.image();
  options.args.push_back(manifest.image());
  options.args.insert(options.args.end(), manifest.args().begin(), manifest.args().end());
  return options;
}

absl::StatusOr<RunManifest> ToManifest(const LaunchOptions& options) {
  RunManifest manifest;
  auto backend = BackendOf(options.backend);
  if (!backend.ok()) return backend.status();
  manifest.set_backend(*backend);
  if (options.memory == 0) {
    // the default: nothing to say
  } else if (options.memory % (1ull << 30) == 0) {
    manifest.set_memory(absl::StrCat(options.memory >> 30, "G"));
  } else if (options.memory % (1ull << 20) == 0) {
    manifest.set_memory(absl::StrCat(options.memory >> 20, "M"));
  } else {
    manifest.set_memory(absl::StrCat(options.memory));
  }
  if (options.timeout != absl::InfiniteDuration()) {
    manifest.mutable_limits()->set_timeout(absl::FormatDuration(options.timeout));
  }
  manifest.set_verbose(options.verbose);
  manifest.set_runtime(options.runtime);
  manifest.set_rootfs(options.rootfs);
  manifest.set_rootfs_read_write(options.rootfs_rw);
  manifest.set_workdir(options.workdir);
  if (options.network.mode != NetworkMode::kLoopback) {
    manifest.set_network(NetworkModeName(options.network.mode));
  }
  for (const PortPublish& p : options.network.published) {
    const bool v6 = p.host_ip.find(':') != std::string::npos;
    manifest.add_publish(absl::StrCat(p.host_ip.empty() ? "" : (v6 ? "[" : ""), p.host_ip,
                                      p.host_ip.empty() ? "" : (v6 ? "]:" : ":"), p.host_port, ":",
                                      p.guest_port, p.type == SOCK_DGRAM ? "/udp" : ""));
  }
  for (const std::string& kv : options.env) manifest.add_env(kv);
  for (const std::string& spec : options.volumes) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    if (parts.size() < 2) continue;  // Launch refuses it; nothing to print
    RunManifest::Mount* mount = manifest.add_mounts();
    mount->set_host_path(parts[0]);
    mount->set_guest_path(parts[1]);
    mount->set_read_only(parts.size() > 2 && parts[2] == "ro");
  }
  manifest.set_image(options.app);
  for (size_t i = 1; i < options.args.size(); ++i) manifest.add_args(options.args[i]);
  return manifest;
}

}  // namespace hvrun
