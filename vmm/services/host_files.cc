// File: host_files.cc
#include "vmm/services/host_files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vmm/base/host_limits.h"
#include "vmm/base/status_macros.h"
#include "vmm/services/shm_store.h"

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

bool HostFiles::HasFreeHandle() const {
  std::lock_guard lock(*mu_);
  return open_handles_ < handle_limit();
}

int64_t HostFiles::Insert(Handle h) {
  if (open_handles_ >= handle_limit()) return -EMFILE;
  ++open_handles_;
  for (uint32_t i = 0; i < handles_.size(); ++i) {
    if (!Used(handles_[i])) {
      handles_[i] = std::move(h);
      return i;
    }
  }
  handles_.push_back(std::move(h));
  return static_cast<int64_t>(handles_.size() - 1);
}

int64_t HostFiles::AddHandle(UniqueFd fd, bool read_only, bool stream,
                             std::shared_ptr<ShmStore> shm) {
  if (!fd.valid()) return -EBADF;
  std::lock_guard lock(*mu_);
  Handle h{std::move(fd), read_only, stream};
  h.shm = std::move(shm);
  return Insert(std::move(h));
}

int64_t HostFiles::AddSocket(UniqueFd fd, std::shared_ptr<SocketInfo> info) {
  if (!fd.valid()) return -EBADF;
  if (info->domain == AF_UNIX && info->ino == 0) {
    // Known by its inode, so a peer the host names can be found.
    struct stat st {};
    if (fstat(fd.get(), &st) == 0) {
      info->ino = st.st_ino;
      info->names->Register(info->ino, info);
    }
  }
  std::lock_guard lock(*mu_);
  Handle h{std::move(fd), /*read_only=*/false, /*stream=*/true};
  h.socket = std::move(info);
  return Insert(std::move(h));
}

std::shared_ptr<SocketInfo> HostFiles::socket(uint32_t handle, int* fd) const {
  std::lock_guard lock(*mu_);
  if (handle >= handles_.size() || !handles_[handle].fd.valid() || !handles_[handle].socket) {
    return nullptr;
  }
  *fd = handles_[handle].fd.get();
  return handles_[handle].socket;
}

void UnixNames::Add(const std::string& host, std::string guest, std::weak_ptr<SocketInfo> owner) {
  std::lock_guard lock(mu_);
  names_[host] = Name{std::move(guest), std::move(owner)};
}

void UnixNames::Remove(const std::string& host) {
  std::lock_guard lock(mu_);
  names_.erase(host);
}

std::string UnixNames::Find(const std::string& host) const {
  std::lock_guard lock(mu_);
  auto it = names_.find(host);
  return it == names_.end() ? std::string() : it->second.guest;
}

std::shared_ptr<SocketInfo> UnixNames::Owner(const std::string& host) const {
  std::lock_guard lock(mu_);
  auto it = names_.find(host);
  return it == names_.end() ? nullptr : it->second.owner.lock();
}

void UnixNames::Register(uint64_t ino, std::weak_ptr<SocketInfo> info) {
  std::lock_guard lock(mu_);
  by_inode_[ino] = std::move(info);
}

void UnixNames::Unregister(uint64_t ino, const SocketInfo* info) {
  std::lock_guard lock(mu_);
  auto it = by_inode_.find(ino);
  // Only its own entry: the inode may already be another socket's.
  if (it == by_inode_.end()) return;
  auto held = it->second.lock();
  if (held == nullptr || held.get() == info) by_inode_.erase(it);
}

std::shared_ptr<SocketInfo> UnixNames::ByInode(uint64_t ino) const {
  std::lock_guard lock(mu_);
  auto it = by_inode_.find(ino);
  return it == by_inode_.end() ? nullptr : it->second.lock();
}

std::shared_ptr<ShmStore> HostFiles::shm_store() const {
  for (const HostMount& m : mounts_) {
    if (m.shm && m.shm->guest_path() == "/dev/shm") return m.shm;
  }
  return nullptr;
}

std::shared_ptr<ShmStore> HostFiles::shm(uint32_t handle) const {
  std::lock_guard lock(*mu_);
  return handle < handles_.size() ? handles_[handle].shm : nullptr;
}

int64_t HostFiles::Reserve(bool read_only, bool stream, uint64_t* token) {
  std::lock_guard lock(*mu_);
  *token = next_token_++;
  return Insert(Handle{UniqueFd(), read_only, stream, /*reserved=*/true, *token});
}

bool HostFiles::Fill(uint32_t handle, uint64_t token, UniqueFd fd) {
  std::lock_guard lock(*mu_);
  if (handle >= handles_.size() || !handles_[handle].reserved || handles_[handle].token != token) {
    return false;
  }
  if (!fd.valid()) {  // the open failed: the handle is free again
    handles_[handle] = Handle{};
    --open_handles_;
    return false;
  }
  handles_[handle].fd = std::move(fd);
  handles_[handle].reserved = false;
  return true;
}

int HostFiles::fd(uint32_t handle) const {
  std::lock_guard lock(*mu_);
  return handle < handles_.size() ? handles_[handle].fd.get() : -1;
}

bool HostFiles::stream(uint32_t handle) const {
  std::lock_guard lock(*mu_);
  return handle < handles_.size() && handles_[handle].stream;
}

bool HostFiles::read_only(uint32_t handle) const {
  std::lock_guard lock(*mu_);
  return handle < handles_.size() && handles_[handle].read_only;
}

absl::StatusOr<HostFiles> HostFiles::Clone() const {
  HostFiles copy(open_file_limit_);
  copy.fifos_ = fifos_;
  copy.fifo_store_ = fifo_store_;
  copy.unix_names_ = unix_names_;
  copy.locks_ = locks_.ForChild();  // POSIX locks are not inherited
  auto dup = [](int fd) -> absl::StatusOr<UniqueFd> {
    UniqueFd d(fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!d.valid()) return absl::ErrnoToStatus(errno, "dup of a guest file for fork");
    return d;
  };
  for (const HostMount& m : mounts_) {
    HV_ASSIGN_OR_RETURN(UniqueFd root, dup(m.root.get()));
    copy.mounts_.push_back(
        HostMount{m.host_path, m.guest_path, m.read_only, m.rootfs, std::move(root), m.shm});
  }
  std::lock_guard lock(*mu_);
  copy.handles_.resize(handles_.size());
  // A handle still waiting for its open (Reserve) is not the child's: the
  // open finishes in this process only.
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (!handles_[i].fd.valid()) continue;
    HV_ASSIGN_OR_RETURN(UniqueFd fd, dup(handles_[i].fd.get()));
    copy.handles_[i] = Handle{std::move(fd), handles_[i].read_only, handles_[i].stream};
    copy.handles_[i].shm = handles_[i].shm;
    copy.handles_[i].socket = handles_[i].socket;
    ++copy.open_handles_;
  }
  return copy;
}

int64_t HostFiles::Close(uint32_t handle) {
  std::lock_guard lock(*mu_);
  if (handle >= handles_.size() || !Used(handles_[handle])) return -EBADF;
  handles_[handle] = Handle{};
  --open_handles_;
  return 0;
}

bool MadeFifos::Add(dev_t dev, ino_t ino) {
  std::lock_guard lock(mu_);
  if (made_.size() >= kMax) return false;
  made_.insert({dev, ino});
  return true;
}

void MadeFifos::Remove(dev_t dev, ino_t ino) {
  std::lock_guard lock(mu_);
  made_.erase({dev, ino});
}

bool MadeFifos::Contains(dev_t dev, ino_t ino) const {
  std::lock_guard lock(mu_);
  return made_.contains({dev, ino});
}

FifoStore::~FifoStore() {
  std::lock_guard lock(mu_);
  if (!ready_) return;
  for (uint64_t i = 0; i < next_; ++i) unlinkat(mount_.root.get(), std::to_string(i).c_str(), 0);
  mount_.root.Reset();
  rmdir(mount_.host_path.c_str());
}

const HostMount* FifoStore::mount() const {
  std::lock_guard lock(mu_);
  return ready_ ? &mount_ : nullptr;
}

std::string HostTmpDir() {
  const char* tmp = getenv("TMPDIR");
  return tmp != nullptr && *tmp == '/' ? tmp : "/tmp";
}

int64_t FifoStore::Make(uint64_t mode, MadeFifos& fifos) {
  std::lock_guard lock(mu_);
  if (!ready_) {
    std::string dir = HostTmpDir() + "/hvrun-fifos-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) return -errno;  // mode 0700
    mount_.host_path = dir;
    mount_.guest_path = "/";  // never shown: the guest names it by HV_MOUNT_FIFO_STORE
    mount_.root.Reset(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!mount_.root.valid()) {
      const int64_t err = -errno;
      rmdir(dir.c_str());
      return err;
    }
    ready_ = true;
  }
  const std::string name = std::to_string(next_);
  if (mknodat(mount_.root.get(), name.c_str(), S_IFIFO | (mode & 0777), 0) < 0) return -errno;
  ++next_;
  struct stat st {};
  if (fstatat(mount_.root.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
  if (!fifos.Add(st.st_dev, st.st_ino)) return -ENOSPC;
  return static_cast<int64_t>(next_ - 1);
}

}  // namespace hvrun
