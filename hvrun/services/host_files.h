// File: host_files.h
//
// HostFiles holds what the guest may reach of the host's file system: the
// directories mounted with -v HOST:GUEST[:ro], each opened once as an O_PATH
// root, and a bounded table of the files the guest has open. Every path the
// guest names is relative to one mount and is resolved with openat2
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so "..", absolute symlinks,
// symlinks that point outside and /proc magic links cannot leave the mount;
// ":ro" is enforced here, never trusted to the guest. Only regular files,
// directories and symlinks are served: a FIFO or device inside a mount could
// block hvrun or reach hardware.
//
// Every handle is one of hvrun's own fds, so the table is bounded by hvrun's
// RLIMIT_NOFILE as well as by kMaxHandles: kReservedFds and one fd per mount
// always stay free for hvrun itself (path lookups, io_uring, eventfds), and
// a guest that opens more gets EMFILE, as a Linux process at its limit does.
//
// Example:
//   HV_ASSIGN_OR_RETURN(HostMount m, HostMount::Parse("/srv/data:/data:ro"));
//   HostFiles files;  // sized from hvrun's soft RLIMIT_NOFILE now
//   files.AddMount(std::move(m));
#ifndef HVRUN_SERVICES_HOST_FILES_H_
#define HVRUN_SERVICES_HOST_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hvrun/engine/unique_fd.h"

namespace hvrun {

struct HostMount {
  std::string host_path;
  std::string guest_path;  // absolute, normalized, not "/"
  bool read_only = false;
  // The guest's root file system (--rootfs; guest_path "/"): resolved as a
  // chroot (RESOLVE_IN_ROOT), where -v mounts use RESOLVE_BENEATH.
  bool rootfs = false;
  UniqueFd root;  // O_PATH | O_DIRECTORY

  // Parses "HOST:GUEST[:ro|:rw]" and opens HOST. InvalidArgument for a bad
  // spec (GUEST not absolute, GUEST "/", unknown option), NotFound or the
  // errno status when HOST is not a directory we can open.
  static absl::StatusOr<HostMount> Parse(std::string_view spec);
  // Opens host directory (dir) as the guest's root file system.
  static absl::StatusOr<HostMount> Rootfs(const std::string& dir, bool read_only);
  // A read-only mount of host directory (dir) at the same guest path (the
  // library directories of a dynamic app).
  static absl::StatusOr<HostMount> SamePath(const std::string& dir);
};

class HostFiles {
 public:
  static constexpr uint32_t kMaxHandles = 4096;
  // hvrun's fds besides the handles and the mounts' roots: stdio, guest
  // memory, the backend's (/dev/kvm, VM, vCPU), eventfds, io_uring, the few
  // a path operation holds for a moment, with room to spare.
  static constexpr uint64_t kReservedFds = 64;

  // A table for a process whose soft RLIMIT_NOFILE is the current one
  // (raise it first: hvrun/engine/host_limits.h).
  HostFiles();
  // A table for a process that may open fds below (open_file_limit).
  explicit HostFiles(uint64_t open_file_limit) : open_file_limit_(open_file_limit) {}

  void AddMount(HostMount mount) { mounts_.push_back(std::move(mount)); }
  const std::vector<HostMount>& mounts() const { return mounts_; }

  // Returns the mount (index) or null.
  const HostMount* mount(uint32_t index) const {
    return index < mounts_.size() ? &mounts_[index] : nullptr;
  }

  // How many handles the guest may hold at once: kMaxHandles, or fewer
  // where hvrun's fd limit, less kReservedFds and the mounts' roots, is
  // lower (0 if nothing is left).
  uint32_t handle_limit() const;
  // Whether AddHandle would succeed now. Ask before creating anything on the
  // host, so a refused open(O_CREAT) leaves no file behind (Linux takes the
  // fd before it creates).
  bool HasFreeHandle() const { return open_handles_ < handle_limit(); }

  // Takes (fd) into the handle table; (read_only): it came from a ":ro"
  // mount. Returns the handle, -EMFILE (the table is full: (fd) is closed)
  // or -EBADF (no fd).
  int64_t AddHandle(UniqueFd fd, bool read_only = false, bool stream = false);
  // Whether (handle) is a stream (a pipe): transfers ignore the offset.
  bool stream(uint32_t handle) const {
    return handle < handles_.size() && handles_[handle].stream;
  }
  // A copy for a forked process: every mount root and handle dup()ed, so
  // both processes share the host's open file descriptions (offsets, O_APPEND,
  // a pipe's ends) as a forked Linux process shares its parent's.
  absl::StatusOr<HostFiles> Clone() const;
  // Whether (handle) came from a read-only mount (changes through it are
  // refused even where the host kernel would allow them, e.g. fchmod).
  bool read_only(uint32_t handle) const {
    return handle < handles_.size() && handles_[handle].read_only;
  }
  // Returns the host fd behind (handle), or -1.
  int fd(uint32_t handle) const;
  // Closes (handle). Returns 0 or -EBADF.
  int64_t Close(uint32_t handle);

 private:
  std::vector<HostMount> mounts_;
  struct Handle {
    UniqueFd fd;
    bool read_only = false;
    bool stream = false;
  };
  std::vector<Handle> handles_;
  uint32_t open_handles_ = 0;  // valid fds in handles_
  uint64_t open_file_limit_;
};

}  // namespace hvrun

#endif  // HVRUN_SERVICES_HOST_FILES_H_
