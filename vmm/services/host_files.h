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
#ifndef VMM_SERVICES_HOST_FILES_H_
#define VMM_SERVICES_HOST_FILES_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hv/abi.h"
#include "vmm/base/unique_fd.h"
#include "vmm/services/file_locks.h"
#include "vmm/services/socket_info.h"

namespace hvrun {

class ShmStore;

struct HostMount {
  std::string host_path;
  std::string guest_path;  // absolute, normalized, not "/"
  bool read_only = false;
  // The guest's root file system (--rootfs; guest_path "/"): resolved as a
  // chroot (RESOLVE_IN_ROOT), where -v mounts use RESOLVE_BENEATH.
  bool rootfs = false;
  UniqueFd root;  // O_PATH | O_DIRECTORY
  // The shared-memory store this mount is (shm_store.h), or null.
  std::shared_ptr<ShmStore> shm;

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

// The FIFOs the guest made (mknod S_IFIFO beneath a mount), by host inode:
// the only FIFOs hvrun opens. One set for the whole container (every
// process's HostFiles shares it), so a FIFO made by one process opens in
// another. A FIFO that was already in the mount is never opened: that open
// would be the peer a host process waits for.
class MadeFifos {
 public:
  static constexpr size_t kMax = 4096;
  // False when the set is full.
  bool Add(dev_t dev, ino_t ino);
  void Remove(dev_t dev, ino_t ino);
  bool Contains(dev_t dev, ino_t ino) const;

 private:
  mutable std::mutex mu_;
  std::set<std::pair<dev_t, ino_t>> made_;
};

// Where hvrun makes its own private directories on the host: $TMPDIR when
// it is absolute, else /tmp.
std::string HostTmpDir();

// The FIFOs made in the guest's own tmpfs (mkfifo /tmp/p): host FIFOs in a
// directory of hvrun's own (mode 0700, made under $TMPDIR or /tmp at the
// first), named by number; the guest's tmpfs inode keeps the number, so the
// processes that share the inode through fork share the FIFO. Removed with
// the last HostFiles that shares the store (the guest's end); the guest's
// unlink drops only its tmpfs name. A FIFO holds no data on disk.
class FifoStore {
 public:
  FifoStore() = default;
  ~FifoStore();
  FifoStore(const FifoStore&) = delete;
  FifoStore& operator=(const FifoStore&) = delete;

  // Makes FIFO number N (returned) with permissions (mode), recorded in
  // (fifos); -errno (-ENOSPC past MadeFifos::kMax).
  int64_t Make(uint64_t mode, MadeFifos& fifos);
  // The store as a mount (paths "N"), or null before the first Make.
  const HostMount* mount() const;

 private:
  mutable std::mutex mu_;
  HostMount mount_;
  bool ready_ = false;  // guarded by mu_; mount_ never changes once set
  uint64_t next_ = 0;   // guarded by mu_
};

// Thread-safety: a process's engine thread uses its HostFiles; the one other
// writer is a FIFO open that waits on a host thread (fifo_opener.h), which
// fills the handle Reserve() set aside. The handle table is locked for both.
class HostFiles {
 public:
  static constexpr uint32_t kMaxHandles = 4096;
  // hvrun's fds besides the handles and the mounts' roots: stdio, guest
  // memory, the backend's (/dev/kvm, VM, vCPU), eventfds, io_uring, the few
  // a path operation holds for a moment, with room to spare.
  static constexpr uint64_t kReservedFds = 64;

  // A table for a process whose soft RLIMIT_NOFILE is the current one
  // (raise it first: vmm/base/host_limits.h).
  HostFiles();
  // A table for a process that may open fds below (open_file_limit).
  explicit HostFiles(uint64_t open_file_limit) : open_file_limit_(open_file_limit) {}

  void AddMount(HostMount mount) { mounts_.push_back(std::move(mount)); }
  const std::vector<HostMount>& mounts() const { return mounts_; }

  // Returns the mount (index) or null; HV_MOUNT_FIFO_STORE is the FIFO
  // store's, once it exists.
  const HostMount* mount(uint32_t index) const {
    if (index == HV_MOUNT_FIFO_STORE) return fifo_store_->mount();
    return index < mounts_.size() ? &mounts_[index] : nullptr;
  }

  // How many handles the guest may hold at once: kMaxHandles, or fewer
  // where hvrun's fd limit, less kReservedFds and the mounts' roots, is
  // lower (0 if nothing is left).
  uint32_t handle_limit() const;
  // Whether AddHandle would succeed now. Ask before creating anything on the
  // host, so a refused open(O_CREAT) leaves no file behind (Linux takes the
  // fd before it creates).
  bool HasFreeHandle() const;

  // Takes (fd) into the handle table; (read_only): it came from a ":ro"
  // mount. Returns the handle, -EMFILE (the table is full: (fd) is closed)
  // or -EBADF (no fd).
  int64_t AddHandle(UniqueFd fd, bool read_only = false, bool stream = false,
                    std::shared_ptr<ShmStore> shm = nullptr);
  // The shared-memory store mounted at /dev/shm (System V segments live in
  // it), or null.
  std::shared_ptr<ShmStore> shm_store() const;
  // The shared-memory store (handle)'s file lies in, or null.
  std::shared_ptr<ShmStore> shm(uint32_t handle) const;
  // Takes socket (fd) into the table with what hvrun knows of it (socket_info.h).
  int64_t AddSocket(UniqueFd fd, std::shared_ptr<SocketInfo> info);
  // The socket behind (handle), with its host fd in (*fd), or null.
  std::shared_ptr<SocketInfo> socket(uint32_t handle, int* fd) const;
  // The AF_UNIX names of the container's sockets (shared by every process).
  const std::shared_ptr<UnixNames>& unix_names() const { return unix_names_; }
  // Sets a handle aside for an open that finishes later (a FIFO open that
  // waits for its peer): counted as open, no fd yet (fd() is -1). Returns it
  // or -EMFILE; (*token) names this reservation for Fill.
  int64_t Reserve(bool read_only, bool stream, uint64_t* token);
  // Gives reserved (handle) its (fd); an invalid (fd) (the open failed)
  // frees the handle and returns false. False (and (fd) closed) if the guest
  // closed the handle meanwhile (a hostile guest: it never had it), even
  // where the number was reserved again since (token).
  bool Fill(uint32_t handle, uint64_t token, UniqueFd fd);
  // Whether (handle) is a stream (a pipe): transfers ignore the offset.
  bool stream(uint32_t handle) const;
  // A copy for a forked process: every mount root and handle dup()ed, so
  // both processes share the host's open file descriptions (offsets, O_APPEND,
  // a pipe's ends) as a forked Linux process shares its parent's.
  absl::StatusOr<HostFiles> Clone() const;
  // Whether (handle) came from a read-only mount (changes through it are
  // refused even where the host kernel would allow them, e.g. fchmod).
  bool read_only(uint32_t handle) const;
  // Returns the host fd behind (handle), or -1.
  int fd(uint32_t handle) const;
  // Closes (handle) (a reserved one too). Returns 0 or -EBADF.
  int64_t Close(uint32_t handle);

  MadeFifos& fifos() const { return *fifos_; }
  // This process's fcntl locks (file_locks.h).
  FileLocks& locks() { return locks_; }
  FifoStore& fifo_store() const { return *fifo_store_; }

 private:
  std::vector<HostMount> mounts_;
  struct Handle {
    UniqueFd fd;
    bool read_only = false;
    bool stream = false;
    bool reserved = false;               // Reserve()d, not yet filled
    uint64_t token = 0;                  // which Reserve()
    std::shared_ptr<ShmStore> shm;       // a file of this store
    std::shared_ptr<SocketInfo> socket;  // a socket (HV_CALL_SOCKET)
  };
  bool Used(const Handle& h) const { return h.fd.valid() || h.reserved; }
  int64_t Insert(Handle h);  // with mu_ held

  std::unique_ptr<std::mutex> mu_ = std::make_unique<std::mutex>();
  std::vector<Handle> handles_;  // guarded by *mu_
  uint32_t open_handles_ = 0;    // used slots in handles_; guarded by *mu_
  uint64_t open_file_limit_;
  uint64_t next_token_ = 1;  // guarded by *mu_
  std::shared_ptr<MadeFifos> fifos_ = std::make_shared<MadeFifos>();
  std::shared_ptr<FifoStore> fifo_store_ = std::make_shared<FifoStore>();
  std::shared_ptr<UnixNames> unix_names_ = std::make_shared<UnixNames>();
  FileLocks locks_;  // before handles_ go: its lock OFDs are reopens of them
};

}  // namespace hvrun

#endif  // VMM_SERVICES_HOST_FILES_H_
