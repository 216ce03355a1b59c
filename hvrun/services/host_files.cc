// File: host_files.cc
#include "hvrun/services/host_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hvrun/engine/host_limits.h"
#include "hvrun/status_macros.h"

namespace hvrun {

namespace {

// Opens (m).host_path as (m)'s O_PATH root; errors start with (flag).
absl::Status OpenRoot(HostMount& m, const char* flag) {
  m.root.Reset(open(m.host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (m.root.valid()) return absl::OkStatus();
  if (errno == ENOENT) {
    return absl::NotFoundError(
        absl::StrCat(flag, ": host directory ", m.host_path, " does not exist"));
  }
  return absl::ErrnoToStatus(errno,
                             absl::StrCat(flag, ": cannot open host directory ", m.host_path));
}

}  // namespace

absl::StatusOr<HostMount> HostMount::Parse(std::string_view spec) {
  std::vector<std::string> parts = absl::StrSplit(absl::string_view(spec.data(), spec.size()), ':');
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("-v '", std::string(spec),
                                                   "': ", std::string(why),
                                                   " (expected HOST:GUEST or HOST:GUEST:ro)"));
  };
  if (parts.size() < 2 || parts.size() > 3) return bad("wrong number of ':' fields");
  HostMount m;
  m.host_path = parts[0];
  m.guest_path = parts[1];
  if (parts.size() == 3) {
    if (parts[2] == "ro") {
      m.read_only = true;
    } else if (parts[2] != "rw") {
      return bad(absl::StrCat("unknown option '", parts[2], "'"));
    }
  }
  if (m.host_path.empty()) return bad("HOST is empty");
  if (m.guest_path.empty() || m.guest_path[0] != '/') return bad("GUEST must be an absolute path");
  while (m.guest_path.size() > 1 && m.guest_path.back() == '/') m.guest_path.pop_back();
  if (m.guest_path == "/") return bad("GUEST cannot be / (the guest's root is its own)");
  for (absl::string_view part : absl::StrSplit(m.guest_path.substr(1), '/')) {
    if (part.empty() || part == "." || part == "..") return bad("GUEST must be a normalized path");
  }
  if (absl::Status s = OpenRoot(m, "-v"); !s.ok()) return s;
  return m;
}

absl::StatusOr<HostMount> HostMount::Rootfs(const std::string& dir, bool read_only) {
  HostMount m;
  m.host_path = dir;
  m.guest_path = "/";
  m.read_only = read_only;
  m.rootfs = true;
  if (absl::Status s = OpenRoot(m, "--rootfs"); !s.ok()) return s;
  return m;
}

absl::StatusOr<HostMount> HostMount::SamePath(const std::string& dir) {
  HostMount m;
  m.host_path = dir;
  m.guest_path = dir;
  m.read_only = true;
  if (absl::Status s = OpenRoot(m, "library directory"); !s.ok()) return s;
  return m;
}

HostFiles::HostFiles() : HostFiles(OpenFileLimit()) {}

uint32_t HostFiles::handle_limit() const {
  const uint64_t kept = kReservedFds + mounts_.size();
  if (open_file_limit_ <= kept) return 0;
  return static_cast<uint32_t>(std::min<uint64_t>(kMaxHandles, open_file_limit_ - kept));
}

int64_t HostFiles::AddHandle(UniqueFd fd, bool read_only, bool stream) {
  if (!fd.valid()) return -EBADF;
  if (!HasFreeHandle()) return -EMFILE;
  ++open_handles_;
  for (uint32_t i = 0; i < handles_.size(); ++i) {
    if (!handles_[i].fd.valid()) {
      handles_[i] = Handle{std::move(fd), read_only, stream};
      return i;
    }
  }
  handles_.push_back(Handle{std::move(fd), read_only, stream});
  return static_cast<int64_t>(handles_.size() - 1);
}

int HostFiles::fd(uint32_t handle) const {
  return handle < handles_.size() ? handles_[handle].fd.get() : -1;
}

absl::StatusOr<HostFiles> HostFiles::Clone() const {
  HostFiles copy(open_file_limit_);
  auto dup = [](int fd) -> absl::StatusOr<UniqueFd> {
    UniqueFd d(fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!d.valid()) return absl::ErrnoToStatus(errno, "dup of a guest file for fork");
    return d;
  };
  for (const HostMount& m : mounts_) {
    HV_ASSIGN_OR_RETURN(UniqueFd root, dup(m.root.get()));
    copy.mounts_.push_back(HostMount{m.host_path, m.guest_path, m.read_only, m.rootfs,
                                     std::move(root)});
  }
  copy.handles_.resize(handles_.size());
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (!handles_[i].fd.valid()) continue;
    HV_ASSIGN_OR_RETURN(UniqueFd fd, dup(handles_[i].fd.get()));
    copy.handles_[i] = Handle{std::move(fd), handles_[i].read_only, handles_[i].stream};
  }
  copy.open_handles_ = open_handles_;
  return copy;
}

int64_t HostFiles::Close(uint32_t handle) {
  if (fd(handle) < 0) return -EBADF;
  handles_[handle] = Handle{};
  --open_handles_;
  return 0;
}

}  // namespace hvrun
