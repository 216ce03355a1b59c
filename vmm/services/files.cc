// File: files.cc
//
// Host files for the guest, beneath its mounts (host_files.h). Every path is
// resolved by openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS from the
// mount's root (RESOLVE_IN_ROOT for the root file system, a chroot); operations on a path's last
// component go through its parent, opened the same way, so no step ever leaves the mount. Where
// Linux offers no *at() call that refuses to follow a final symlink (chmod, truncate, access,
// utimens), the target is opened beneath first and the operation applied to that fd through
// /proc/self/fd, which is hvrun's own /proc, never the guest's.
//
// Nothing is opened for real before its type is known: a file is first
// opened O_PATH (which opens nothing), checked to be a regular file or a
// directory, and only then reopened through /proc/self/fd, so the inode
// checked is the inode opened. Opening a FIFO would let a host process
// waiting on the other end through, and opening a device can act on the
// hardware (rewind a tape). Every mode that reaches the host passes
// HostMode() first: no setuid or setgid file is ever made.
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vmm/services/host_files.h"
#include "vmm/services/services.h"
#include "vmm/services/shm_store.h"

namespace hvrun {
namespace {

constexpr uint64_t kMaxTransfer = 1 << 20;  // short reads and writes beyond this
// A -v mount: nothing may leave it; an absolute symlink is followed only
// where it names a guest path in the same mount (OpenBeneath, after the
// kernel's EXDEV). The root file system (--rootfs) is a chroot: absolute
// symlinks and ".." at the top resolve inside it (Debian's
// /etc/alternatives links are absolute).
constexpr uint64_t kResolveMount = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
constexpr uint64_t kResolveRootfs = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

HypercallOutcome Reply(int64_t r) { return HypercallOutcome::Reply(r); }
int64_t Errno() { return -errno; }

// An escape attempt (EXDEV from RESOLVE_BENEATH) looks to the guest like a
// path it may not use.
int64_t ResolveErrno() { return errno == EXDEV ? -EACCES : -errno; }

// The permission bits a guest may give a host file, from the (mode) it asked
// for; (directory): the file is (or becomes) a directory. hvrun often runs
// as root (CI does), so a guest-made setuid or setgid file would be a
// setuid-root program on the host, and a setgid directory would pass its
// group to everything made in it later: S_ISUID and S_ISGID never reach the
// host. S_ISVTX means restricted deletion on a directory (as /tmp) and
// nothing useful on a file, so only directories keep it. The bits are
// dropped silently, the way Linux drops S_ISGID for a caller outside the
// file's group: the call succeeds and a later stat shows the stripped mode.
// Every create and mode change goes through here: open O_CREAT (in
// OpenBeneath), O_TMPFILE (in OpenBeneath and Reopen), mkdir, chmod and
// fchmod.
mode_t HostMode(uint64_t mode, bool directory) {
  return static_cast<mode_t>(mode & (directory ? (0777 | S_ISVTX) : 0777));
}

int OpenBeneath(const HostMount& mount, const std::string& rel, uint64_t flags, uint64_t mode);
// openat2 beneath (mount) as OpenBeneath, without following absolute links.
int OpenBeneathOnce(const HostMount& mount, const std::string& rel, uint64_t flags, uint64_t mode);

// (rel) with every absolute symlink on its way that names a guest path in
// this same mount (its guest_path or beneath) replaced by that path's place
// in the mount: what the guest's kernel would follow, where RESOLVE_BENEATH
// refuses every absolute link. Walks component by component with O_PATH |
// O_NOFOLLOW opens beneath the mount, so each step is confined as any
// other; the last component is not followed where (nofollow). False
// (errno set) where a link leaves the mount (EXDEV), for a loop (ELOOP),
// or where a step cannot be looked at; a missing component ends the walk
// (the rest stays as it is, for O_CREAT and the error to come).
bool FollowMountLinks(const HostMount& mount, const std::string& rel, bool nofollow,
                      std::string* out) {
  constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS
  std::vector<std::string> todo;    // components still to walk, last first
  auto push_path = [&todo](const std::string& path) {
    std::vector<std::string> parts = absl::StrSplit(path, '/', absl::SkipEmpty());
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_back(*it);
  };
  push_path(rel);
  const bool trailing_slash = !rel.empty() && rel.back() == '/';
  std::string done;  // resolved so far, relative to the mount's root
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      if (done.empty()) {
        errno = EXDEV;  // above the mount's root
        return false;
      }
      const size_t slash = done.rfind('/');
      done.erase(slash == std::string::npos ? 0 : slash);
      continue;
    }
    std::string next = done.empty() ? part : done + "/" + part;
    if (todo.empty() && nofollow) {
      done = std::move(next);
      break;
    }
    UniqueFd step(OpenBeneathOnce(mount, next, O_PATH | O_NOFOLLOW, 0));
    struct stat st {};
    if (!step.valid()) {
      if (errno != ENOENT) return false;
      done = std::move(next);  // the rest as it is
      while (!todo.empty()) {
        done += "/" + todo.back();
        todo.pop_back();
      }
      break;
    }
    if (fstat(step.get(), &st) != 0) return false;
    if (!S_ISLNK(st.st_mode)) {
      done = std::move(next);
      continue;
    }
    if (++links > kMaxSymlinks) {
      errno = ELOOP;
      return false;
    }
    char text[PATH_MAX];
    const ssize_t n = readlinkat(step.get(), "", text, sizeof text);
    if (n <= 0 || n == sizeof text) {
      errno = n == sizeof text ? ENAMETOOLONG : (n == 0 ? ENOENT : errno);
      return false;
    }
    const std::string target(text, static_cast<size_t>(n));
    if (target[0] == '/') {
      const std::string& at = mount.guest_path;
      if (target != at && !target.starts_with(at + "/")) {
        errno = EXDEV;  // another mount, or the guest's own files
        return false;
      }
      done.clear();
      push_path(target.substr(at.size()));
    } else {
      push_path(target);  // relative to (done), the link's directory
    }
  }
  *out = trailing_slash && !done.empty() ? done + "/" : done;
  return true;
}

int OpenBeneathOnce(const HostMount& mount, const std::string& rel, uint64_t flags, uint64_t mode) {
  open_how how{};
  // openat2 is strict where open is lenient: with O_PATH only O_DIRECTORY
  // and O_NOFOLLOW may come along, and a mode without O_CREAT/O_TMPFILE is
  // EINVAL (O_TMPFILE's mask contains O_DIRECTORY, hence the == test).
  how.flags = (flags & O_PATH) ? (flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW)) | O_CLOEXEC
                               : flags | O_CLOEXEC | O_NOCTTY;
  const bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  // O_CREAT and O_TMPFILE both make a regular file.
  how.mode = creates && !(flags & O_PATH) ? HostMode(mode, /*directory=*/false) : 0;
  how.resolve = mount.rootfs ? kResolveRootfs : kResolveMount;
  return static_cast<int>(syscall(SYS_openat2, mount.root.get(), rel.c_str(), &how, sizeof(how)));
}

int OpenBeneath(const HostMount& mount, const std::string& rel, uint64_t flags, uint64_t mode) {
  const int fd = OpenBeneathOnce(mount, rel, flags, mode);
  if (fd >= 0 || errno != EXDEV || mount.rootfs) return fd;
  // An absolute link on the way: followed where it stays in this mount.
  std::string followed;
  if (!FollowMountLinks(mount, rel, (flags & O_NOFOLLOW) != 0, &followed)) return -1;
  if (followed == rel) {
    errno = EXDEV;
    return -1;
  }
  return OpenBeneathOnce(mount, followed, flags, mode);
}

// Copies the guest's path out and checks it: a relative path of at most
// HV_PATH_MAX bytes without NULs; "" means the mount's root.
int64_t ReadPath(const ServiceContext& ctx, const hv_mount_path& at, const HostMount** mount,
                 std::string* rel) {
  *mount = ctx.files.mount(at.mount);
  if (*mount == nullptr) return -ENOENT;
  if (at.len > HV_PATH_MAX) return -ENAMETOOLONG;
  auto bytes = ctx.memory.Span(at.path, at.len);
  if (!bytes.ok()) return -EFAULT;
  rel->assign(bytes->begin(), bytes->end());
  if (rel->find('\0') != std::string::npos) return -EINVAL;
  if (!rel->empty() && (*rel)[0] == '/') return -EINVAL;
  if (rel->empty()) *rel = ".";
  return 0;
}

// Splits (rel) into its parent, opened beneath the mount, and its last
// component, which must be a real name (not "", "." or "..").
int64_t OpenParent(const HostMount& mount, const std::string& rel, UniqueFd* parent,
                   std::string* name) {
  std::string path = rel;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  *name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name->empty() || *name == "." || *name == "..") return -EINVAL;
  parent->Reset(OpenBeneath(mount, dir.empty() ? "/" : dir, O_PATH | O_DIRECTORY, 0));
  if (!parent->valid()) return ResolveErrno();
  return 0;
}

std::string ProcFd(int fd) { return absl::StrCat("/proc/self/fd/", fd); }

bool ServedType(mode_t mode) { return S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode); }

// Opens the file behind (path), an O_PATH fd from beneath the mount, with
// the guest's (flags) into (*out), through hvrun's /proc/self/fd: the same
// inode, whatever its name leads to by now. Only a regular file or a
// directory is opened at all (anything else is EACCES; a symlink, found
// with O_NOFOLLOW, is ELOOP and a directory with O_CREAT is EISDIR, as for
// open(2)). (mode) only matters to O_TMPFILE, whose (path) is the directory
// to make the file in. The reopen adds O_NONBLOCK: an open that breaks
// another process's lease would wait for it.
int64_t Reopen(const UniqueFd& path, uint64_t flags, uint64_t mode, UniqueFd* out) {
  struct stat st {};
  if (fstat(path.get(), &st) != 0) return Errno();
  if (S_ISLNK(st.st_mode)) return -ELOOP;
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return -EACCES;
  if ((flags & O_CREAT) && S_ISDIR(st.st_mode)) return -EISDIR;
  // The name was resolved already: O_NOFOLLOW would refuse the magic link
  // itself, and O_CREAT/O_EXCL have nothing left to do.
  const uint64_t reopen =
      (flags & ~uint64_t{O_CREAT | O_EXCL | O_NOFOLLOW}) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  out->Reset(open(ProcFd(path.get()).c_str(), static_cast<int>(reopen),
                  HostMode(mode, /*directory=*/false)));
  if (!out->valid()) return Errno();
  if (!(flags & O_NONBLOCK)) fcntl(out->get(), F_SETFL, fcntl(out->get(), F_GETFL) & ~O_NONBLOCK);
  // A setuid or setgid file already in the mount, opened to be changed:
  // drop the bits first, as Linux does when a writer without CAP_FSETID
  // writes or truncates it. hvrun as root has CAP_FSETID, which would keep
  // them, and the guest could then put its own code in a setuid-root file.
  const bool changes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
  const bool privileged =
      (st.st_mode & S_ISUID) || ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP));
  if (changes && S_ISREG(st.st_mode) && privileged && fchmod(out->get(), st.st_mode & 0777) != 0) {
    out->Reset();
    return Errno();
  }
  return 0;
}

// Opens FIFO (path), one the guest made (MadeFifos), for the guest's
// (flags) into (*out), as open(2) would: O_RDWR and O_NONBLOCK never wait
// (O_WRONLY|O_NONBLOCK without a reader is ENXIO). A blocking O_WRONLY open
// finds a reader already there (its O_NONBLOCK try succeeds) or must wait,
// and a blocking O_RDONLY open always may (no look at a FIFO tells whether
// a writer has it open without being one): those return kOpenWaits with
// (path) in (*wait), or -EAGAIN without (wait). O_TRUNC means nothing to a
// FIFO.
int64_t OpenFifo(UniqueFd path, uint64_t flags, UniqueFd* out, FifoWait* wait) {
  const int base =
      static_cast<int>((flags & ~uint64_t{O_CREAT | O_EXCL | O_NOFOLLOW | O_TRUNC | O_NONBLOCK}) |
                       O_CLOEXEC | O_NOCTTY);
  const bool may_wait = (flags & O_NONBLOCK) == 0 && (flags & O_ACCMODE) != O_RDWR;
  if (!may_wait || (flags & O_ACCMODE) == O_WRONLY) {
    out->Reset(open(ProcFd(path.get()).c_str(), base | O_NONBLOCK));
    // The host fd stays O_NONBLOCK whatever the guest asked: a FIFO's fd
    // takes no RWF_NOWAIT (before Linux gave FIFOs FMODE_NOWAIT), so hvrun
    // tries each transfer with a plain read or write, and one that must
    // wait polls on a host thread (host_io.cc, engine/threaded_io.h). The
    // guest's O_NONBLOCK is its own (HV_IO_NOWAIT).
    if (out->valid()) return 0;
    if (!may_wait || errno != ENXIO) return Errno();
  }
  if (wait == nullptr) return -EAGAIN;
  wait->path = std::move(path);
  wait->flags = base;
  return kOpenWaits;
}

// Opens (rel) beneath (root) for the guest's (flags), which hold no O_PATH,
// into (*out). An existing file goes through Reopen; a FIFO the guest made
// through OpenFifo ((*wait) and kOpenWaits when it must wait). With O_CREAT, a missing
// one is made with O_CREAT | O_EXCL, which never opens an existing file and
// never follows a final symlink, so what it opens is the new regular file.
// Where that finds the name taken, either a symlink names a missing file
// (open(2) creates that file: the link's text is followed here, beneath the
// mount like any path, at most kMaxSymlinks times) or someone made the name
// in between (look again, at most kMaxCreateRaces times, then EAGAIN).
int64_t OpenForGuest(const HostMount& mount, std::string rel, uint64_t flags, uint64_t mode,
                     const MadeFifos& fifos, UniqueFd* out, FifoWait* wait,
                     bool* created = nullptr) {
  constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS
  constexpr int kMaxCreateRaces = 8;
  const bool creates = flags & O_CREAT;
  const bool exclusive = creates && (flags & O_EXCL);
  int links = 0;
  int races = 0;
  for (;;) {
    if (!exclusive) {
      UniqueFd path(OpenBeneath(mount, rel, O_PATH | (flags & (O_DIRECTORY | O_NOFOLLOW)), 0));
      if (path.valid()) {
        struct stat st {};
        if (fstat(path.get(), &st) != 0) return Errno();
        if (S_ISFIFO(st.st_mode) && fifos.Contains(st.st_dev, st.st_ino)) {
          return OpenFifo(std::move(path), flags, out, wait);
        }
        return Reopen(path, flags, mode, out);
      }
      if (errno != ENOENT || !creates) return ResolveErrno();
    }
    out->Reset(OpenBeneath(mount, rel, flags | O_CREAT | O_EXCL, mode));
    if (out->valid()) {
      if (created != nullptr) *created = true;
      return 0;
    }
    if (errno != EEXIST || exclusive) return ResolveErrno();
    UniqueFd link(OpenBeneath(mount, rel, O_PATH | O_NOFOLLOW, 0));
    struct stat st {};
    if (!link.valid() || fstat(link.get(), &st) != 0 || !S_ISLNK(st.st_mode)) {
      if (++races > kMaxCreateRaces) return -EAGAIN;
      continue;
    }
    if (++links > kMaxSymlinks) return -ELOOP;
    char text[PATH_MAX];
    const ssize_t n = readlinkat(link.get(), "", text, sizeof(text));
    if (n < 0) return Errno();
    if (n == 0 || n == sizeof(text)) return -ENAMETOOLONG;
    // RESOLVE_BENEATH refuses an absolute link, as the lookup above would
    // have had it seen this one; in the root file system it starts at the
    // root, as RESOLVE_IN_ROOT would have it.
    if (text[0] == '/') {
      // A -v mount: only a guest path in this same mount (its guest_path
      // or beneath) is followed, as FollowMountLinks does.
      const std::string target(text, static_cast<size_t>(n));
      const std::string& at = mount.guest_path;
      if (mount.rootfs) {
        rel = target;
      } else if (target == at || target.starts_with(at + "/")) {
        rel = target.substr(std::min(target.size(), at.size() + 1));
      } else {
        return -EACCES;
      }
    } else {
      rel = rel.substr(0, rel.rfind('/') + 1).append(text, n);
    }
    if (rel.size() >= PATH_MAX) return -ENAMETOOLONG;
  }
}

// A read, write or getdents on a handle: the checks they share. (data) is
// the guest's buffer, at most kMaxTransfer bytes.
int64_t CheckTransfer(const ServiceContext& ctx, uint64_t arg, bool positioned, HostIo* t,
                      uint32_t* handle = nullptr) {
  auto io = ctx.memory.Read<hv_file_io>(arg);
  if (!io.ok()) return -EFAULT;
  if (handle != nullptr) *handle = io->handle;
  t->fd = ctx.files.fd(io->handle);
  if (t->fd < 0) return -EBADF;
  // -1: the fd's own position (a stream's, which has no offset; a file's,
  // shared by every process that shares the description).
  t->stream = ctx.files.stream(io->handle);
  if (positioned && io->offset < -1) return -EINVAL;
  if ((io->flags & ~HV_IO_NOWAIT) != 0) return -EINVAL;
  t->offset = t->stream ? -1 : io->offset;
  t->nowait = (io->flags & HV_IO_NOWAIT) != 0;
  auto data = ctx.memory.Span(io->data, std::min(io->len, kMaxTransfer));
  if (!data.ok()) return -EFAULT;
  t->data = *data;
  return 0;
}

}  // namespace

int64_t OpenPathParent(const ServiceContext& ctx, const hv_mount_path& at, UniqueFd* parent,
                       std::string* name, bool* read_only) {
  const HostMount* mount;
  std::string rel;
  if (int64_t r = ReadPath(ctx, at, &mount, &rel); r < 0) return r;
  *read_only = mount->read_only;
  return OpenParent(*mount, rel, parent, name);
}

int64_t OpenPathNoFollow(const ServiceContext& ctx, const hv_mount_path& at, UniqueFd* out) {
  const HostMount* mount;
  std::string rel;
  if (int64_t r = ReadPath(ctx, at, &mount, &rel); r < 0) return r;
  out->Reset(OpenBeneath(*mount, rel, O_PATH | O_NOFOLLOW, 0));
  return out->valid() ? 0 : ResolveErrno();
}

int64_t PrepareFileIo(const ServiceContext& ctx, uint64_t arg, bool write, HostIo* out) {
  *out = HostIo{.write = write};
  uint32_t handle = 0;
  if (int64_t r = CheckTransfer(ctx, arg, /*positioned=*/true, out, &handle); r < 0) return r;
  if (!write) return 0;
  // A write that would grow a file of the shared-memory store past its
  // quota is -ENOSPC (an O_APPEND fd writes at the end).
  if (const std::shared_ptr<ShmStore> shm = ctx.files.shm(handle)) {
    return shm->CheckWrite(out->fd, out->offset, out->data.size());
  }
  return 0;
}

HypercallOutcome FileOpen(const ServiceContext& ctx, uint64_t arg) {
  return Reply(FileOpenOrWait(ctx, arg, nullptr));
}

int64_t FileOpenOrWait(const ServiceContext& ctx, uint64_t arg, FifoWait* wait) {
  auto req = ctx.memory.Read<hv_file_open>(arg);
  if (!req.ok()) return -EFAULT;
  const HostMount* mount;
  std::string rel;
  if (int64_t r = ReadPath(ctx, req->at, &mount, &rel); r < 0) return r;
  // O_NOCTTY: meaningless here (OpenBeneath adds it anyway), and lighttpd passes it.
  constexpr uint32_t kAllowed = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK |
                                O_NOCTTY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_LARGEFILE |
                                O_DSYNC | O_SYNC | O_NOATIME | O_PATH;
  if ((req->flags & ~kAllowed) != 0) return -EINVAL;
  // The FIFO store serves its FIFOs by number: no directory, no new files.
  if (req->at.mount == HV_MOUNT_FIFO_STORE &&
      (rel.find_first_not_of("0123456789") != std::string::npos || (req->flags & O_CREAT))) {
    return -EACCES;
  }
  const bool writes = (req->flags & O_ACCMODE) != O_RDONLY || (req->flags & (O_CREAT | O_TRUNC));
  if (mount->read_only && writes && !(req->flags & O_PATH)) return -EROFS;
  // Before anything is made: a refused open(O_CREAT) leaves no file.
  if (!ctx.files.HasFreeHandle()) return -EMFILE;
  UniqueFd fd;
  bool created = false;
  if (req->flags & O_PATH) {
    // O_PATH opens nothing, so it is the guest's handle itself.
    fd.Reset(OpenBeneath(*mount, rel, req->flags, 0));
    if (!fd.valid()) return ResolveErrno();
    struct stat st {};
    if (fstat(fd.get(), &st) != 0) return Errno();
    if (!ServedType(st.st_mode) && !S_ISFIFO(st.st_mode)) return -EACCES;
  } else if (int64_t r = OpenForGuest(*mount, rel,
                                      mount->shm ? req->flags & ~uint64_t{O_TRUNC} : req->flags,
                                      req->mode, ctx.files.fifos(), &fd, wait, &created);
             r != 0) {
    if (r == kOpenWaits) wait->read_only = mount->read_only;
    return r;
  }
  // A file made in one of hvrun's own directories is the guest user's, as
  // in the guest's own tmpfs (where hvrun may give it away: as root).
  if (created && mount->shm && fchown(fd.get(), req->uid, req->gid) != 0) {
    // Not root: the file stays hvrun's user's, as in any mount.
  }
  // In the shared-memory store, O_TRUNC is the store's truncate, which
  // refuses to cut a mapped range away from under hvrun.
  if (mount->shm && (req->flags & O_TRUNC) && !(req->flags & O_PATH)) {
    struct stat st {};
    if (fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      if (int64_t r = mount->shm->Truncate(fd.get(), 0); r < 0) return r;
    }
  }
  // A FIFO's handle is a stream, as a pipe's: no offsets.
  struct stat st {};
  const bool fifo = !(req->flags & O_PATH) && fstat(fd.get(), &st) == 0 && S_ISFIFO(st.st_mode);
  return ctx.files.AddHandle(std::move(fd), mount->read_only, fifo, fifo ? nullptr : mount->shm);
}

HypercallOutcome FileClose(const ServiceContext& ctx, uint64_t arg) {
  auto io = ctx.memory.Read<hv_file_io>(arg);
  if (!io.ok()) return Reply(-EFAULT);
  return Reply(ctx.files.Close(io->handle));
}

namespace {

// A read or write in line. HV_IO_NOWAIT (a guest O_NONBLOCK pipe end): only
// what moves without waiting, else -EAGAIN. A pipe never waits here either:
// the runtime moves pipe data through HV_CALL_SUBMIT, which waits off the
// mailbox; a direct call that would wait on one (a hostile guest holding
// both ends) would only stall the mailbox, so it is -EAGAIN too.
HypercallOutcome FileTransfer(const ServiceContext& ctx, uint64_t arg, bool write) {
  HostIo io;
  if (int64_t r = PrepareFileIo(ctx, arg, write, &io); r < 0) return Reply(r);
  return Reply(io.nowait || io.stream ? TryHostIo(io) : RunFileIo(io));
}

// statfs(2) of host fd (fd) into guest memory at (out): the host's answer
// (a host mount is the host's file system; its size is no secret a `df` in
// a container hides), ST_RDONLY added for a ":ro" mount. 0 or -errno.
int64_t StatfsOut(const ServiceContext& ctx, int fd, bool read_only, uint64_t out) {
  struct statfs st {};
  if (fstatfs(fd, &st) != 0) return Errno();
  static_assert(sizeof(st) == 120, "the x86-64 kernel's struct statfs");
  if (read_only) st.f_flags |= ST_RDONLY;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&st);
  return ctx.memory.WriteBytes(out, std::span(bytes, sizeof(st))).ok() ? 0 : -EFAULT;
}

}  // namespace

HypercallOutcome FileRead(const ServiceContext& ctx, uint64_t arg) {
  return FileTransfer(ctx, arg, /*write=*/false);
}

HypercallOutcome FileWrite(const ServiceContext& ctx, uint64_t arg) {
  return FileTransfer(ctx, arg, /*write=*/true);
}

HypercallOutcome PipeCreate(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_pipe>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  if ((req->flags & ~static_cast<uint32_t>(O_NONBLOCK | O_DIRECT | O_CLOEXEC)) != 0) {
    return Reply(-EINVAL);
  }
  const uint32_t type = req->socket_type;
  if (type != 0 &&
      (req->flags != 0 || (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET))) {
    return Reply(-EINVAL);
  }
  if (!ctx.options.host_pipes) return Reply(-ENOSYS);  // checked first, as exec's
  if (ctx.files.handle_limit() < 2 || !ctx.files.HasFreeHandle()) return Reply(-EMFILE);
  // The host pipe (or socket pair) stays blocking: O_NONBLOCK is the
  // guest's (HV_IO_NOWAIT), and a blocking transfer waits on io_uring, not
  // in hvrun's thread.
  int fds[2];
  const int made = type != 0 ? socketpair(AF_UNIX, static_cast<int>(type) | SOCK_CLOEXEC, 0, fds)
                             : pipe2(fds, O_CLOEXEC | (req->flags & O_DIRECT));
  if (made != 0) return Reply(Errno());
  UniqueFd r(fds[0]), w(fds[1]);
  // A socket pair's ends are sockets to HV_CALL_SOCKET too (options, names),
  // each the other's peer, both with the creator's credentials.
  std::shared_ptr<SocketInfo> ends[2];
  if (type != 0) {
    hv_ucred cred = req->cred;
    cred.flags = HV_UCRED_SET;
    for (auto& end : ends) {
      end = std::make_shared<SocketInfo>(AF_UNIX, static_cast<int>(type), ctx.files.unix_names());
      end->own = end->peer = cred;
    }
    ends[0]->peer_info = ends[1];
    ends[1]->peer_info = ends[0];
  }
  auto add = [&](UniqueFd fd, int end) {
    if (type == 0) return ctx.files.AddHandle(std::move(fd), false, /*stream=*/true);
    return ctx.files.AddSocket(std::move(fd), std::move(ends[end]));
  };
  const int64_t rh = add(std::move(r), 0);
  if (rh < 0) return Reply(rh);
  const int64_t wh = add(std::move(w), 1);
  if (wh < 0) {
    ctx.files.Close(static_cast<uint32_t>(rh));
    return Reply(wh);
  }
  hv_pipe out = *req;
  out.handles[0] = static_cast<uint32_t>(rh);
  out.handles[1] = static_cast<uint32_t>(wh);
  if (!ctx.memory.Write(arg, out).ok()) return Reply(-EFAULT);
  return Reply(0);
}

HypercallOutcome EventfdCreate(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_eventfd>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  if ((req->flags & ~static_cast<uint32_t>(EFD_SEMAPHORE)) != 0) return Reply(-EINVAL);
  if (!ctx.options.host_pipes) return Reply(-ENOSYS);  // no processes to share it with
  if (!ctx.files.HasFreeHandle()) return Reply(-EMFILE);
  // Blocking on the host, as a host pipe: EFD_NONBLOCK is the guest's.
  UniqueFd fd(eventfd(req->initval, EFD_CLOEXEC | static_cast<int>(req->flags)));
  if (!fd.valid()) return Reply(Errno());
  const int64_t h = ctx.files.AddHandle(std::move(fd), false, /*stream=*/true);
  if (h < 0) return Reply(h);
  hv_eventfd out = *req;
  out.handle = static_cast<uint32_t>(h);
  if (!ctx.memory.Write(arg, out).ok()) {
    ctx.files.Close(static_cast<uint32_t>(h));
    return Reply(-EFAULT);
  }
  return Reply(0);
}

HypercallOutcome FileGetdents(const ServiceContext& ctx, uint64_t arg) {
  HostIo t;
  if (int64_t r = CheckTransfer(ctx, arg, /*positioned=*/false, &t); r < 0) return Reply(r);
  // The host's struct linux_dirent64 is the guest's: both are x86-64 Linux.
  const long n = syscall(SYS_getdents64, t.fd, t.data.data(), t.data.size());
  return Reply(n < 0 ? Errno() : n);
}

HypercallOutcome FileStat(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_file_stat>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  struct stat st {};
  static_assert(sizeof(st) == 144, "the guest's struct stat is x86-64 Linux's");
  if (req->by_path) {
    const HostMount* mount;
    std::string rel;
    if (int64_t r = ReadPath(ctx, req->at, &mount, &rel); r < 0) return Reply(r);
    UniqueFd fd(OpenBeneath(*mount, rel, O_PATH | (req->nofollow ? O_NOFOLLOW : 0), 0));
    if (!fd.valid()) return Reply(ResolveErrno());
    if (fstat(fd.get(), &st) != 0) return Reply(Errno());
  } else {
    const int fd = ctx.files.fd(req->handle);
    if (fd < 0) return Reply(-EBADF);
    if (fstat(fd, &st) != 0) return Reply(Errno());
  }
  if (!ctx.memory.Write(req->st, st).ok()) return Reply(-EFAULT);
  return Reply(0);
}

namespace {

// mknod(2) of (name) in (parent): a regular file or a FIFO, the only types a
// guest may make on the host (a device node would reach hardware; a socket
// file is bind(2)'s to make). A FIFO is recorded as the guest's (MadeFifos):
// only such FIFOs are ever opened.
int64_t Mknod(const ServiceContext& ctx, const UniqueFd& parent, const std::string& name,
              uint64_t mode) {
  const mode_t perm = HostMode(mode, /*directory=*/false);
  switch (mode & S_IFMT) {
    case 0:
    case S_IFREG: {
      UniqueFd f(openat(parent.get(), name.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, perm));
      return f.valid() ? 0 : Errno();
    }
    case S_IFIFO: {
      if (mknodat(parent.get(), name.c_str(), S_IFIFO | perm, 0) < 0) return Errno();
      struct stat st {};
      if (fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Errno();
      if (!S_ISFIFO(st.st_mode)) return -EAGAIN;  // replaced at once by a host process
      if (!ctx.files.fifos().Add(st.st_dev, st.st_ino)) {
        unlinkat(parent.get(), name.c_str(), 0);
        return -ENOSPC;
      }
      return 0;
    }
    default:
      return -EPERM;
  }
}

}  // namespace

HypercallOutcome FilePathop(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_file_pathop>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  const HostMount* mount;
  std::string rel;
  if (req->op == HV_PATHOP_SYMLINK) {
    // (at) is only the link's text; it is resolved beneath whenever it is used.
    if (req->at.len > HV_PATH_MAX) return Reply(-ENAMETOOLONG);
    auto text = ctx.memory.Span(req->at.path, req->at.len);
    if (!text.ok()) return Reply(-EFAULT);
    const std::string target(text->begin(), text->end());
    if (target.empty() || target.find('\0') != std::string::npos) return Reply(-EINVAL);
    std::string to_rel;
    if (int64_t r = ReadPath(ctx, req->to, &mount, &to_rel); r < 0) return Reply(r);
    if (mount->read_only) return Reply(-EROFS);
    UniqueFd parent;
    std::string name;
    if (int64_t r = OpenParent(*mount, to_rel, &parent, &name); r < 0) return Reply(r);
    return Reply(symlinkat(target.c_str(), parent.get(), name.c_str()) < 0 ? Errno() : 0);
  }
  if (req->at.mount == HV_MOUNT_FIFO_STORE) {
    // The store takes new FIFOs only; nothing else reaches its directory.
    if (req->op != HV_PATHOP_MKNOD || (req->mode & S_IFMT) != S_IFIFO) return Reply(-EACCES);
    return Reply(ctx.files.fifo_store().Make(HostMode(req->mode, false), ctx.files.fifos()));
  }
  if (int64_t r = ReadPath(ctx, req->at, &mount, &rel); r < 0) return Reply(r);
  const bool mutates =
      req->op != HV_PATHOP_READLINK && req->op != HV_PATHOP_ACCESS && req->op != HV_PATHOP_STATFS;
  if (mount->read_only && mutates) return Reply(-EROFS);

  switch (req->op) {
    case HV_PATHOP_MKDIR:
    case HV_PATHOP_MKNOD:
    case HV_PATHOP_UNLINK:
    case HV_PATHOP_RMDIR:
    case HV_PATHOP_READLINK: {
      UniqueFd parent;
      std::string name;
      if (int64_t r = OpenParent(*mount, rel, &parent, &name); r < 0) return Reply(r);
      if (req->op == HV_PATHOP_MKDIR) {
        const mode_t mode = HostMode(req->mode, /*directory=*/true);
        return Reply(mkdirat(parent.get(), name.c_str(), mode) < 0 ? Errno() : 0);
      }
      if (req->op == HV_PATHOP_MKNOD) return Reply(Mknod(ctx, parent, name, req->mode));
      if (req->op == HV_PATHOP_UNLINK) {
        // The last name of a FIFO the guest made: its inode number may come
        // back as another file's, which must not be taken for it.
        struct stat st {};
        const bool made_fifo = fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                               S_ISFIFO(st.st_mode) && st.st_nlink == 1;
        if (unlinkat(parent.get(), name.c_str(), 0) < 0) return Reply(Errno());
        if (made_fifo) ctx.files.fifos().Remove(st.st_dev, st.st_ino);
        return Reply(0);
      }
      if (req->op == HV_PATHOP_RMDIR) {
        return Reply(unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) < 0 ? Errno() : 0);
      }
      auto buf = ctx.memory.Span(req->buf, std::min<uint64_t>(req->buf_len, HV_PATH_MAX));
      if (!buf.ok()) return Reply(-EFAULT);
      const ssize_t n =
          readlinkat(parent.get(), name.c_str(), reinterpret_cast<char*>(buf->data()), buf->size());
      return Reply(n < 0 ? Errno() : n);
    }
    case HV_PATHOP_RENAME:
    case HV_PATHOP_LINK: {
      const HostMount* to_mount;
      std::string to_rel;
      if (int64_t r = ReadPath(ctx, req->to, &to_mount, &to_rel); r < 0) return Reply(r);
      if (to_mount != mount) return Reply(-EXDEV);
      UniqueFd from_parent, to_parent;
      std::string from_name, to_name;
      if (int64_t r = OpenParent(*mount, rel, &from_parent, &from_name); r < 0) return Reply(r);
      if (int64_t r = OpenParent(*mount, to_rel, &to_parent, &to_name); r < 0) return Reply(r);
      if (req->op == HV_PATHOP_LINK) {
        // Never AT_SYMLINK_FOLLOW: that would link whatever a symlink names.
        return Reply(
            linkat(from_parent.get(), from_name.c_str(), to_parent.get(), to_name.c_str(), 0) < 0
                ? Errno()
                : 0);
      }
      const unsigned flags = req->flags & (RENAME_NOREPLACE | RENAME_EXCHANGE);
      if (flags != req->flags) return Reply(-EINVAL);
      return Reply(syscall(SYS_renameat2, from_parent.get(), from_name.c_str(), to_parent.get(),
                           to_name.c_str(), flags) < 0
                       ? Errno()
                       : 0);
    }
    case HV_PATHOP_CHMOD:
    case HV_PATHOP_ACCESS:
    case HV_PATHOP_UTIMENS: {
      const bool nofollow = req->op == HV_PATHOP_UTIMENS && (req->flags & AT_SYMLINK_NOFOLLOW);
      UniqueFd target(OpenBeneath(*mount, rel, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0));
      if (!target.valid()) return Reply(ResolveErrno());
      const std::string proc = ProcFd(target.get());
      if (req->op == HV_PATHOP_CHMOD) {
        struct stat st {};
        if (fstat(target.get(), &st) != 0) return Reply(Errno());
        const mode_t mode = HostMode(req->mode, S_ISDIR(st.st_mode));
        return Reply(fchmodat(AT_FDCWD, proc.c_str(), mode, 0) < 0 ? Errno() : 0);
      }
      if (req->op == HV_PATHOP_ACCESS) {
        if (mount->read_only && (req->mode & W_OK)) return Reply(-EROFS);
        return Reply(faccessat(AT_FDCWD, proc.c_str(), req->mode & 7, 0) < 0 ? Errno() : 0);
      }
      timespec times[2];
      const timespec* tp = nullptr;
      if (req->buf != 0) {
        auto t = ctx.memory.Span(req->buf, sizeof(times));
        if (!t.ok()) return Reply(-EFAULT);
        std::copy(t->begin(), t->end(), reinterpret_cast<uint8_t*>(times));
        tp = times;
      }
      if (nofollow) {
        return Reply(utimensat(target.get(), "", tp, AT_EMPTY_PATH) < 0 ? Errno() : 0);
      }
      return Reply(utimensat(AT_FDCWD, proc.c_str(), tp, 0) < 0 ? Errno() : 0);
    }
    case HV_PATHOP_STATFS: {
      UniqueFd target(OpenBeneath(*mount, rel, O_PATH, 0));
      if (!target.valid()) return Reply(ResolveErrno());
      return Reply(StatfsOut(ctx, target.get(), mount->read_only, req->buf));
    }
    case HV_PATHOP_TRUNCATE: {
      // Only a regular file is opened for the truncate (see Reopen).
      UniqueFd path(OpenBeneath(*mount, rel, O_PATH, 0));
      if (!path.valid()) return Reply(ResolveErrno());
      struct stat st {};
      if (fstat(path.get(), &st) != 0) return Reply(Errno());
      if (S_ISDIR(st.st_mode)) return Reply(-EISDIR);
      if (!S_ISREG(st.st_mode)) return Reply(-EINVAL);
      UniqueFd fd;
      if (int64_t r = Reopen(path, O_WRONLY, 0, &fd); r < 0) return Reply(r);
      if (mount->shm) return Reply(mount->shm->Truncate(fd.get(), req->size));
      return Reply(ftruncate(fd.get(), static_cast<off_t>(req->size)) < 0 ? Errno() : 0);
    }
    default:
      return Reply(-EINVAL);
  }
}

HypercallOutcome FileFdop(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_file_fdop>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  const int fd = ctx.files.fd(req->handle);
  if (fd < 0) return Reply(-EBADF);
  // fchmod and futimens work on a read-only fd (the kernel checks the file's
  // owner, not the fd's mode): on a ":ro" mount hvrun refuses every change.
  const bool changes = req->op == HV_FDOP_TRUNCATE || req->op == HV_FDOP_FALLOCATE ||
                       req->op == HV_FDOP_CHMOD || req->op == HV_FDOP_UTIMENS;
  if (changes && ctx.files.read_only(req->handle)) return Reply(-EROFS);
  // A file of the shared-memory store: its size is the store's to change
  // (quota, mapped ranges); fallocate may grow it or punch holes only.
  if (const std::shared_ptr<ShmStore> shm = ctx.files.shm(req->handle)) {
    if (req->op == HV_FDOP_TRUNCATE) return Reply(shm->Truncate(fd, req->arg0));
    if (req->op == HV_FDOP_FALLOCATE) {
      if (req->flags == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
        // Gives pages back: never more, never a smaller file.
      } else if (req->flags != 0) {
        return Reply(-EOPNOTSUPP);
      } else if (req->arg0 > static_cast<uint64_t>(INT64_MAX) ||
                 req->arg1 > static_cast<uint64_t>(INT64_MAX) - req->arg0) {
        return Reply(-EFBIG);
      } else if (int64_t g = shm->CheckGrowth(fd, req->arg0 + req->arg1); g < 0) {
        return Reply(g);
      }
    }
  }
  int r;
  switch (req->op) {
    case HV_FDOP_TRUNCATE:
      r = ftruncate(fd, static_cast<off_t>(req->arg0));
      break;
    case HV_FDOP_FSYNC:
      r = fsync(fd);
      break;
    case HV_FDOP_FDATASYNC:
      r = fdatasync(fd);
      break;
    case HV_FDOP_FALLOCATE:
      r = fallocate(fd, static_cast<int>(req->flags), static_cast<off_t>(req->arg0),
                    static_cast<off_t>(req->arg1));
      break;
    case HV_FDOP_CHMOD: {
      struct stat st {};
      if (fstat(fd, &st) != 0) return Reply(Errno());
      r = fchmod(fd, HostMode(req->arg0, S_ISDIR(st.st_mode)));
      break;
    }
    case HV_FDOP_UTIMENS: {
      timespec times[2];
      const timespec* tp = nullptr;
      if (req->arg0 != 0) {
        auto t = ctx.memory.Span(req->arg0, sizeof(times));
        if (!t.ok()) return Reply(-EFAULT);
        std::copy(t->begin(), t->end(), reinterpret_cast<uint8_t*>(times));
        tp = times;
      }
      r = futimens(fd, tp);
      break;
    }
    case HV_FDOP_SEEK: {
      if (req->flags > SEEK_HOLE) return Reply(-EINVAL);
      const off_t at = lseek(fd, static_cast<off_t>(req->arg0), static_cast<int>(req->flags));
      return Reply(at < 0 ? Errno() : at);
    }
    case HV_FDOP_POLL: {
      pollfd p{fd, static_cast<short>(req->flags & (POLLIN | POLLOUT | POLLPRI)), 0};
      const int n = poll(&p, 1, 0);
      return Reply(n < 0 ? Errno() : (n == 0 ? 0 : p.revents));
    }
    case HV_FDOP_PIPE_SIZE: {
      struct stat st {};
      if (fstat(fd, &st) != 0) return Reply(Errno());
      if (!S_ISFIFO(st.st_mode)) return Reply(-EBADF);
      // Linux's limits for a process without CAP_SYS_RESOURCE, whatever
      // hvrun's own privileges: a guest never gets more than pipe-max-size's
      // default (1 MiB) of host kernel memory per pipe.
      constexpr uint64_t kPipeMaxBytes = 1 << 20;
      if (req->arg0 > (uint64_t{1} << 31)) return Reply(-EINVAL);
      if (req->arg0 > kPipeMaxBytes) return Reply(-EPERM);
      if (req->flags == 1 && fcntl(fd, F_SETPIPE_SZ, static_cast<int>(req->arg0)) < 0) {
        return Reply(Errno());
      }
      const int size = fcntl(fd, F_GETPIPE_SZ);
      return Reply(size < 0 ? Errno() : size);
    }
    case HV_FDOP_STATFS:
      return Reply(StatfsOut(ctx, fd, ctx.files.read_only(req->handle), req->arg0));
    case HV_FDOP_SHUTDOWN:
      if (req->arg0 > SHUT_RDWR) return Reply(-EINVAL);
      r = shutdown(fd, static_cast<int>(req->arg0));
      break;
    case HV_FDOP_LOCK: {
      struct flock fl {};
      static_assert(sizeof(fl) == 32, "the x86-64 kernel's struct flock");
      auto in = ctx.memory.Read<struct flock>(req->arg0);
      if (!in.ok()) return Reply(-EFAULT);
      fl = *in;
      const int access = fcntl(fd, F_GETFL) & O_ACCMODE;
      const int cmd = static_cast<int>(req->flags);
      const int64_t res =
          ctx.files.locks().Lock(fd, access != O_WRONLY, access != O_RDONLY, cmd, &fl);
      if (res == 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK) &&
          !ctx.memory.Write(req->arg0, fl).ok()) {
        return Reply(-EFAULT);
      }
      return Reply(res);
    }
    case HV_FDOP_UNLOCK_POSIX:
      ctx.files.locks().ReleasePosix(fd);
      return Reply(0);
    case HV_FDOP_FLOCK: {
      const int op = static_cast<int>(req->flags) & ~LOCK_NB;
      if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN) return Reply(-EINVAL);
      r = flock(fd, op | LOCK_NB);
      break;
    }
    case HV_FDOP_NREAD: {
      if (req->flags > 1) return Reply(-EINVAL);
      int n = 0;
      if (ioctl(fd, req->flags == 1 ? TIOCOUTQ : FIONREAD, &n) != 0) return Reply(Errno());
      return Reply(n);
    }
    default:
      return Reply(-EINVAL);
  }
  return Reply(r < 0 ? Errno() : 0);
}

}  // namespace hvrun
