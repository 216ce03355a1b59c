// fds, open file descriptions, mounts and path resolution: see vfs.h.
#include "runtime/vfs/vfs.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/format.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/signalfd.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/socket_io.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/procfs.h"
#include "runtime/vfs/shared_maps.h"

namespace hvrt::vfs {
namespace {

using tmpfs::Inode;
using tmpfs::Kind;

struct FdSlot {
  uint16_t file;  // index into g_files + 1; 0: the fd is closed
  bool cloexec;
};

constinit FdSlot g_fds[kMaxFds] = {};
constinit File g_files[kMaxFiles] = {};
constinit uint32_t g_root = 0;
constinit uint32_t g_cwd = 0;
constinit uint32_t g_umask = 022;
// getcwd's scratch: static, not on the app's stack (it can be PATH_MAX).
constinit char g_path[boot::kPathMax] = {};
// Host mounts: each one's root inode, by boot mount index (hostfs.h).
constexpr uint32_t kMaxMounts = 256;  // the index is kept in Inode::stream
constinit uint32_t g_mount_root[kMaxMounts] = {};
// The root file system's mount index (HV_MOUNT_ROOTFS), or -1.
constinit int32_t g_rootfs = -1;
// Scratch for the root file system's paths: an overlay directory's own path
// (RootfsWalk), and paths handed back to the guest tree (HostWalkFrom),
// used in turn so that a walk through a symlink does not overwrite the path
// an outer walk is still reading. (Every host access stays confined by the
// host whatever these hold.)
constinit char g_overlay_path[HV_PATH_MAX + 2] = {};
constinit char g_reroute[4][HV_PATH_MAX + 2] = {};
constinit uint32_t g_reroute_slot = 0;
// Lookup::hpath's buffers: two, used in turn, so that rename and link can
// hold a lookup of each path at once.
constinit char g_hpath[2][HV_PATH_MAX + 1] = {};
constinit uint32_t g_hslot = 0;

// Makes (name) in directory (dir) a new inode; returns it or 0 (boot only:
// the table and memory are fresh, so a failure is a runtime bug).
uint32_t Make(uint32_t dir, const char* name, Kind kind, uint32_t mode, uint32_t dev) {
  uint32_t ino = tmpfs::NewEntry(dir, name, kind, mode, dev);
  if (Inode* n = tmpfs::Get(ino)) n->uid = n->gid = 0;  // the system's files are root's
  return ino;
}

// A file with fixed contents (/proc text, symlink targets).
void SetText(uint32_t ino, const char* text, uint64_t len) {
  if (Inode* n = tmpfs::Get(ino)) tmpfs::Write(*n, text, len, 0);
}

void BuildTree() {
  g_root = tmpfs::NewInode(Kind::kTmpfs, abi::kS_IFDIR | 0755, kDevRoot);
  Inode* root = tmpfs::Get(g_root);
  root->parent = g_root;  // ".." of "/" is "/"
  root->uid = root->gid = 0;
  root->mountpoint = true;
  root->opens = 1;  // pinned as the cwd (SetCwd)
  g_cwd = g_root;

  uint32_t tmp = Make(g_root, "tmp", Kind::kTmpfs, abi::kS_IFDIR | abi::kS_ISVTX | 0777, kDevTmp);
  uint32_t dev = Make(g_root, "dev", Kind::kTmpfs, abi::kS_IFDIR | 0755, kDevDev);
  uint32_t proc = Make(g_root, "proc", Kind::kTmpfs, abi::kS_IFDIR | 0555, kDevProc);
  const uint32_t mounts[] = {tmp, dev, proc};
  for (uint32_t m : mounts) {
    if (Inode* n = tmpfs::Get(m)) n->mountpoint = true;
  }

  struct Device {
    const char* name;
    Kind kind;
    uint64_t rdev;  // makedev(1, minor): the mem devices
  };
  constexpr Device kDevices[] = {{"null", Kind::kNull, 0x103},
                                 {"zero", Kind::kZero, 0x105},
                                 {"random", Kind::kRandom, 0x108},
                                 {"urandom", Kind::kRandom, 0x109}};
  for (const Device& d : kDevices) {
    if (Inode* n = tmpfs::Get(Make(dev, d.name, d.kind, abi::kS_IFCHR | 0666, kDevDev)))
      n->rdev = d.rdev;
  }

  // /dev/stdin etc. are links to /proc/self/fd/N on Linux, magic links that
  // reach whatever fd N is. Here the link text is the same (readlink shows
  // it), and path walks jump straight to fd N's file (see Walk), as they do
  // through /proc/self/fd/N itself (procfs.h).
  const char* const kStd[] = {"stdin", "stdout", "stderr"};
  for (uint8_t fd = 0; fd < 3; fd++) {
    uint32_t ino = Make(dev, kStd[fd], Kind::kFdAlias, abi::kS_IFLNK | 0777, kDevDev);
    char target[] = "/proc/self/fd/0";
    target[sizeof target - 2] = static_cast<char>('0' + fd);
    SetText(ino, target, sizeof target - 1);
    if (Inode* n = tmpfs::Get(ino)) n->stream = fd;
  }

  // exe, maps and fd/: runtime/vfs/procfs.h.
  procfs::Build(Make(proc, "self", Kind::kTmpfs, abi::kS_IFDIR | 0555, kDevProc));

  // Minimal but plausible text: what programs grep for.
  char text[512];
  uint64_t len = Format(text, sizeof text,
                        "processor\t: 0\nvendor_id\t: hvrun\nmodel name\t: hvrun virtual CPU\n"
                        "cpu cores\t: 1\nflags\t\t: fpu tsc sse sse2\n\n");
  SetText(Make(proc, "cpuinfo", Kind::kTmpfs, abi::kS_IFREG | 0444, kDevProc), text, len);
  // What the guest may use (--memory), less what the runtime handed out.
  unsigned long total_kb = static_cast<unsigned long>(mm::LimitBytes() >> 10);
  unsigned long free_kb = static_cast<unsigned long>(mm::FreeBytes() >> 10);
  len = Format(text, sizeof text,
               "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
               "Buffers:               0 kB\nCached:                0 kB\n"
               "SwapTotal:             0 kB\nSwapFree:              0 kB\n",
               total_kb, free_kb, free_kb);
  SetText(Make(proc, "meminfo", Kind::kTmpfs, abi::kS_IFREG | 0444, kDevProc), text, len);
}

// Mounts each boot mount at its guest path, making the directories on the
// way in the guest tree (with the mode mkdir -p gives). The mount point
// becomes a kHost inode; whatever was below it is hidden, as on Linux. A
// path that runs through another host mount cannot be made in the guest
// tree: that mount is skipped (its parent mount's host directory shows).
void MountHosts() {
  const hv_boot_info& bi = boot::Info();
  const hv_mount* mounts = reinterpret_cast<const hv_mount*>(bi.mounts);
  uint32_t count = bi.mount_count < kMaxMounts ? bi.mount_count : kMaxMounts;
  for (uint32_t i = 0; i < count; i++) {
    const char* p = reinterpret_cast<const char*>(mounts[i].guest_path);
    if ((mounts[i].flags & HV_MOUNT_ROOTFS) != 0) {
      // The root file system: under the guest's whole tree, not at a path.
      if (g_rootfs >= 0) continue;
      g_rootfs = static_cast<int32_t>(i);
      g_mount_root[i] = g_root;
      tmpfs::Get(g_root)->overlay = true;
      continue;
    }
    uint32_t cur = g_root;
    bool ok = true;
    while (ok) {
      while (*p == '/') p++;
      if (*p == '\0') break;
      const char* name = p;
      while (*p != '\0' && *p != '/') p++;
      uint64_t len = static_cast<uint64_t>(p - name);
      Inode* dir = tmpfs::Get(cur);
      if (dir == nullptr || dir->kind != Kind::kTmpfs || !abi::IsDir(dir->mode) ||
          len > tmpfs::kNameMax) {
        ok = false;
        break;
      }
      uint32_t next;
      if (len == 1 && name[0] == '.') {
        next = cur;
      } else if (len == 2 && name[0] == '.' && name[1] == '.') {
        next = dir->parent;
      } else {
        next = tmpfs::DirLookup(*dir, name, len);
        if (next == 0) {
          next = tmpfs::NewInode(Kind::kTmpfs, abi::kS_IFDIR | 0755, dir->dev);
          Inode* n = tmpfs::Get(next);
          if (n == nullptr || tmpfs::DirAdd(*dir, name, len, next) < 0) {
            ok = false;
            break;
          }
          n->uid = n->gid = 0;
          n->parent = cur;
          n->overlay = dir->overlay;  // a way to a mount through the root file system
          dir->nlink++;
        }
      }
      cur = next;
    }
    Inode* n = tmpfs::Get(cur);
    if (!ok || n == nullptr || cur == g_root || n->kind != Kind::kTmpfs || !abi::IsDir(n->mode))
      continue;
    n->kind = Kind::kHost;
    n->mountpoint = true;
    n->stream = static_cast<uint8_t>(i);
    g_mount_root[i] = cur;
  }
}

// The lowest closed fd >= (min), or -EMFILE.
int32_t FreeFd(int32_t min) {
  for (int32_t fd = min < 0 ? 0 : min; fd < kMaxFds; fd++) {
    if (g_fds[fd].file == 0) return fd;
  }
  return -static_cast<int32_t>(abi::kEMFILE);
}

// Threads blocked on a pipe wait on these keys: runtime addresses (the inode
// table), so they never meet an app futex word.
uint64_t PipeReadable(const Inode* n) { return reinterpret_cast<uint64_t>(n); }
uint64_t PipeWritable(const Inode* n) { return reinterpret_cast<uint64_t>(n) + 1; }
constexpr uint32_t kAnyWaiter = ~0u;

// Drops one reference to description (i) (0-based); the last one closes
// pipe ends and lets an unlinked inode go.
void Unref(uint32_t i);

// Held around a host-file transfer, which blocks only its own thread while
// hvrun completes it (sched/host_call.h): the description stays (a close by
// another thread cannot free it or let its slot be reused under the
// transfer's offset), and transfers on it run one at a time, as Linux's
// f_pos_lock makes read/write on a regular file.
class HostTransfer {
 public:
  explicit HostTransfer(File& f) : index_(static_cast<uint32_t>(&f - g_files)) {
    f.refs++;
    sched::Lock(&f.busy);
  }
  ~HostTransfer() {
    sched::Unlock(&g_files[index_].busy);
    Unref(index_);
  }
  HostTransfer(const HostTransfer&) = delete;
  HostTransfer& operator=(const HostTransfer&) = delete;

 private:
  uint32_t index_;
};

void Unref(uint32_t i) {
  File& f = g_files[i];
  if (--f.refs > 0) return;
  if (Inode* n = tmpfs::Get(f.ino)) {
    if (n->kind == Kind::kPipe && (f.flags & abi::kO_PATH) == 0) {
      uint64_t acc = f.flags & abi::kO_ACCMODE;
      if (acc != abi::kO_WRONLY && --n->readers == 0) {
        sched::Wake(PipeWritable(n), kAnyWaiter, INT64_MAX);  // writers get EPIPE
      }
      if (acc != abi::kO_RDONLY && --n->writers == 0) {
        sched::Wake(PipeReadable(n), kAnyWaiter, INT64_MAX);  // readers get end of file
      }
      if (n->readers == 0 && n->writers == 0) n->nlink = 0;  // pipes have no name
    }
    n->opens--;
    tmpfs::MaybeRelease(f.ino);
  }
  f = File{};
}

int64_t DirOf(int32_t dirfd, uint32_t* ino) {
  if (dirfd == abi::kAT_FDCWD) {
    *ino = g_cwd;
    return 0;
  }
  File* f = FileOf(dirfd);
  if (f == nullptr) return -abi::kEBADF;
  Inode* n = tmpfs::Get(f->ino);
  if (n == nullptr || !abi::IsDir(n->mode)) return -abi::kENOTDIR;
  *ino = f->ino;
  return 0;
}

int64_t Walk(uint32_t cur, const char* p, bool follow, int* links, Lookup* out);
int64_t HostWalkFrom(uint32_t mount, const char* base, uint64_t n, const char* p, bool follow,
                     int* links, Lookup* out);

// Whether the normalized root-file-system path (path, n) (relative, no "."
// or "..") leads into the guest's own tree rather than the root file
// system: through overlay directories to something of the guest's (/tmp,
// /dev, /proc, a -v mount, a file in them). An overlay directory itself,
// and the root (n == 0), are the root file system's.
bool GuestOwns(const char* path, uint64_t n) {
  uint32_t cur = g_root;
  uint64_t i = 0;
  while (i < n) {
    uint64_t start = i;
    while (i < n && path[i] != '/') i++;
    Inode* dir = tmpfs::Get(cur);
    if (dir == nullptr || dir->kind != Kind::kTmpfs || !dir->overlay) return true;
    uint32_t next = tmpfs::DirLookup(*dir, path + start, i - start);
    if (next == 0) return false;
    Inode* node = tmpfs::Get(next);
    if (node == nullptr || !node->overlay) return true;
    cur = next;
    while (i < n && path[i] == '/') i++;
  }
  return false;
}

// Walks (p) in the root file system from overlay directory (dir): (p) is a
// name (dir) lacks and the rest of the path, or "" for (dir) itself.
int64_t RootfsWalk(uint32_t dir, const char* p, bool follow, int* links, Lookup* out) {
  int64_t len = dir == g_root ? 0 : PathOf(dir, g_overlay_path, sizeof g_overlay_path);
  if (len < 0) return len;
  // PathOf's "/a/b" is relative to the root file system's root as "a/b".
  return HostWalkFrom(static_cast<uint32_t>(g_rootfs), g_overlay_path + (len > 0 ? 1 : 0),
                      len > 0 ? static_cast<uint64_t>(len - 1) : 0, p, follow, links, out);
}

// Walks the rest (p) of a path from kHost directory (cur) (a mount root or
// a host directory fd/cwd): only lexically, since the host resolves the
// result beneath the mount root (hostfs.h). "." is dropped and ".." removes
// the previous component; ".." at the mount root leaves the mount for the
// guest directory holding it, as on Linux.
// (base, n) is where the walk starts, relative to mount (mount)'s root.
int64_t HostWalkFrom(uint32_t mount, const char* base, uint64_t n, const char* p, bool follow,
                     int* links, Lookup* out) {
  char* buf = g_hpath[g_hslot];
  g_hslot ^= 1;  // (base) may be the other buffer: a lookup from a symlink
  if (n > HV_PATH_MAX) return -abi::kENAMETOOLONG;
  if (n > 0) Copy(buf, base, n);
  while (n > 0 && buf[n - 1] == '/') n--;
  bool slash = false;
  // The path's own last component when it is "." or "..": rmdir and rename
  // refuse those (Lookup::name), whatever they normalize to.
  const char* dot = nullptr;
  uint64_t dot_len = 0;
  for (;;) {
    while (*p == '/') {
      p++;
      slash = true;
    }
    if (*p == '\0') break;
    slash = false;
    const char* name = p;
    while (*p != '\0' && *p != '/') p++;
    uint64_t len = static_cast<uint64_t>(p - name);
    if (len > tmpfs::kNameMax) return -abi::kENAMETOOLONG;
    bool is_dot = len == 1 && name[0] == '.';
    bool is_dotdot = len == 2 && name[0] == '.' && name[1] == '.';
    dot = is_dot || is_dotdot ? name : nullptr;
    dot_len = len;
    if (is_dot) continue;
    if (is_dotdot) {
      if (n == 0) {  // above the mount's root: back in the guest tree
        while (*p == '/') p++;
        const Inode* root = tmpfs::Get(g_mount_root[mount]);
        if (root == nullptr) return -abi::kENOENT;
        return Walk(root->parent, p, follow, links, out);
      }
      while (n > 0 && buf[n - 1] != '/') n--;
      if (n > 0) n--;
      continue;
    }
    if (n + 1 + len + 1 > HV_PATH_MAX) return -abi::kENAMETOOLONG;
    if (n > 0) buf[n++] = '/';
    Copy(buf + n, name, len);
    n += len;
  }
  uint64_t last = n;  // the normalized path's last component: buf[last, n)
  while (last > 0 && buf[last - 1] != '/') last--;
  const char* final_name = dot != nullptr ? dot : buf + last;
  uint64_t final_len = dot != nullptr ? dot_len : n - last;
  // In the root file system, a path that ".." brought back into the guest's
  // own tree (usr/../tmp/x) is the guest tree's: walk it there, from a copy
  // (the walk may reuse this buffer).
  if (static_cast<int32_t>(mount) == g_rootfs && GuestOwns(buf, n)) {
    char* again = g_reroute[g_reroute_slot];
    g_reroute_slot = (g_reroute_slot + 1) % 4;
    again[0] = '/';
    Copy(again + 1, buf, n);
    uint64_t m = n + 1;
    if (slash) again[m++] = '/';
    again[m] = '\0';
    return Walk(g_root, again, follow, links, out);
  }
  // A trailing slash goes to the host too: it then requires a directory.
  if (slash && n > 0) buf[n++] = '/';
  buf[n] = '\0';
  *out = Lookup{0, 0, final_name, final_len, slash};
  out->host = true;
  out->mount = mount;
  out->hpath = buf;
  out->hlen = static_cast<uint32_t>(n);
  return 0;
}

int64_t HostWalk(uint32_t cur, const char* p, bool follow, int* links, Lookup* out) {
  const Inode* d = tmpfs::Get(cur);
  // The inode's own path (hostfs.h); none for the mount root.
  return HostWalkFrom(d->stream, reinterpret_cast<const char*>(d->data), d->size, p, follow, links,
                      out);
}

// Walks (p) from directory (cur); see Resolve. (links) counts symlinks
// followed so far across the whole resolution. Recursive only through
// symlinks (at most kMaxSymlinks deep), each frame small.
int64_t Walk(uint32_t cur, const char* p, bool follow, int* links, Lookup* out) {
  if (*p == '/') cur = g_root;
  for (;;) {
    while (*p == '/') p++;
    Inode* dir = tmpfs::Get(cur);
    if (dir == nullptr) return -abi::kENOENT;
    if (dir->kind == Kind::kHost) return HostWalk(cur, p, follow, links, out);
    // An overlay directory itself is the root file system's (its listing,
    // its owner), as is every name it lacks.
    if (*p == '\0' && dir->overlay && g_rootfs >= 0) return RootfsWalk(cur, p, follow, links, out);
    if (*p == '\0') {  // "/" or a path of only slashes: the directory itself
      *out = Lookup{dir->parent, cur, p, 0, true};
      return 0;
    }
    const char* name = p;
    while (*p != '\0' && *p != '/') p++;
    uint64_t len = static_cast<uint64_t>(p - name);
    if (len > tmpfs::kNameMax) return -abi::kENAMETOOLONG;
    const char* rest = p;
    while (*rest == '/') rest++;
    bool last = *rest == '\0';
    if (!abi::IsDir(dir->mode)) return -abi::kENOTDIR;

    uint32_t next;
    if (len == 1 && name[0] == '.') {
      next = cur;
    } else if (len == 2 && name[0] == '.' && name[1] == '.') {
      next = dir->parent;  // the root's parent is itself: no escaping "/"
    } else if (procfs::IsFdDir(cur)) {
      next = procfs::FdLookup(cur, name, len);  // made for this walk
    } else {
      next = tmpfs::DirLookup(*dir, name, len);
      // /proc/<pid>: not in the directory's slots (procfs.h).
      if (next == 0 && procfs::IsProcRoot(cur)) next = procfs::PidLookup(name, len);
    }
    Inode* n = tmpfs::Get(next);
    if (n == nullptr && dir->overlay && g_rootfs >= 0)
      return RootfsWalk(cur, name, follow, links, out);
    bool slash = rest != p;
    if (n != nullptr && abi::IsLnk(n->mode) && (!last || follow || slash)) {
      if (++*links > kMaxSymlinks) return -abi::kELOOP;
      if (n->kind == Kind::kFdAlias) {  // a magic link: to fd (stream)'s file
        File* f = FileOf(n->stream);
        if (f == nullptr) return -abi::kENOENT;
        if (last) {
          Inode* target = tmpfs::Get(f->ino);
          if (slash && !abi::IsDir(target->mode)) return -abi::kENOTDIR;
          *out = Lookup{cur, f->ino, name, len, slash};
          return 0;
        }
        cur = f->ino;
        p = rest;
        continue;
      }
      // The target lives in the link's data pages: walk it in place. It is
      // stored without a NUL, but the extent reads zero past (size) and a
      // target (< PATH_MAX) is always shorter than its extent, so it ends.
      if (n->size == 0 || n->size >= n->cap) return -abi::kENOENT;
      Lookup sub;
      if (int64_t r = Walk(cur, reinterpret_cast<const char*>(n->data), true, links, &sub); r < 0)
        return r;
      if (last) {
        sub.trailing_slash = sub.trailing_slash || slash;
        *out = sub;
        if (slash && sub.ino != 0 && !abi::IsDir(tmpfs::Get(sub.ino)->mode)) return -abi::kENOTDIR;
        return 0;
      }
      // A guest link into a host mount: the rest of the path is the host's.
      if (sub.host) return HostWalkFrom(sub.mount, sub.hpath, sub.hlen, rest, follow, links, out);
      next = sub.ino;
      n = tmpfs::Get(next);
    }
    if (last) {
      // A mount's root: the host's directory, not the guest's mount point.
      if (n != nullptr && n->kind == Kind::kHost && n->mountpoint)
        return HostWalk(next, rest, follow, links, out);
      if (n != nullptr && n->overlay && g_rootfs >= 0)
        return RootfsWalk(next, rest, follow, links, out);
      if (slash && n != nullptr && !abi::IsDir(n->mode)) return -abi::kENOTDIR;
      *out = Lookup{cur, next, name, len, slash};
      return 0;
    }
    if (n == nullptr) return -abi::kENOENT;
    cur = next;
    p = rest;
  }
}

}  // namespace

void Reset() {
  Fill(g_fds, 0, sizeof g_fds);
  Fill(g_files, 0, sizeof g_files);
  g_umask = 022;
  Fill(g_mount_root, 0, sizeof g_mount_root);
  g_rootfs = -1;
  shared_maps::Reset();
  tmpfs::Reset();
  console::Reset();
  BuildTree();
  MountHosts();
  for (int32_t fd = 0; fd < 3; fd++) {
    uint32_t ino = tmpfs::NewInode(Kind::kConsole, abi::kS_IFCHR | 0620, kDevConsole);
    Inode* n = tmpfs::Get(ino);
    n->stream = static_cast<uint8_t>(fd);
    n->nlink = 0;  // unnamed: freed when the last fd on it closes
    // The access mode is what console::StatusFlags says; this is only for
    // the read/write checks, which let the console itself decide.
    Install(ino, abi::kO_RDWR);
  }
}

File* FileOf(int32_t fd) {
  if (fd < 0 || fd >= kMaxFds || g_fds[fd].file == 0) return nullptr;
  return &g_files[g_fds[fd].file - 1];
}

Inode* InodeOf(const File& f) { return tmpfs::Get(f.ino); }

int64_t Resolve(int32_t dirfd, const char* path, bool follow, Lookup* out) {
  if (*path == '\0') return -abi::kENOENT;
  uint32_t start = g_root;
  if (*path != '/') {
    if (int64_t r = DirOf(dirfd, &start); r < 0) return r;
  }
  int links = 0;
  return Walk(start, path, follow, &links, out);
}

int64_t ResolveExisting(int32_t dirfd, const char* path, bool follow, bool empty_ok, uint32_t* ino,
                        Lookup* host) {
  if (*path == '\0' && empty_ok) {
    if (dirfd == abi::kAT_FDCWD) {
      *ino = g_cwd;
      return 0;
    }
    File* f = FileOf(dirfd);
    if (f == nullptr) return -abi::kEBADF;
    *ino = f->ino;
    return 0;
  }
  Lookup l;
  if (int64_t r = Resolve(dirfd, path, follow, &l); r < 0) return r;
  if (l.host) {
    *ino = 0;
    *host = l;
    return kOnHost;
  }
  if (l.ino == 0) return -abi::kENOENT;
  *ino = l.ino;
  return 0;
}

int64_t CanCreateIn(const Inode& dir) {
  if (dir.nlink == 0) return -abi::kENOENT;
  if (dir.dev == kDevDev || dir.dev == kDevProc) return -abi::kEACCES;
  return 0;
}

int64_t Open(int32_t dirfd, const char* path, uint64_t flags, uint32_t mode) {
  if ((flags & abi::kO_TMPFILE) != 0) return -abi::kEOPNOTSUPP;
  uint64_t acc = flags & abi::kO_ACCMODE;
  if ((flags & abi::kO_PATH) != 0) {
    flags &= abi::kO_PATH | abi::kO_DIRECTORY | abi::kO_NOFOLLOW | abi::kO_CLOEXEC;
    acc = 0;
  }
  bool create = (flags & abi::kO_CREAT) != 0;
  bool excl = create && (flags & abi::kO_EXCL) != 0;
  Lookup l;
  bool follow = (flags & abi::kO_NOFOLLOW) == 0 && !excl;
  if (int64_t r = Resolve(dirfd, path, follow, &l); r < 0) return r;
  if (l.host) return hostfs::Open(l, flags, mode);
  uint32_t ino = l.ino;
  if (ino == 0) {
    if (!create) return -abi::kENOENT;
    if (l.trailing_slash) return -abi::kEISDIR;
    Inode* dir = tmpfs::Get(l.parent);
    if (int64_t r = CanCreateIn(*dir); r < 0) return r;
    ino = tmpfs::NewInode(Kind::kTmpfs, abi::kS_IFREG | (mode & 07777 & ~g_umask), dir->dev);
    if (ino == 0) return -abi::kENOSPC;
    if (int64_t r = tmpfs::DirAdd(*dir, l.name, l.len, ino); r < 0) {
      tmpfs::Get(ino)->nlink = 0;
      tmpfs::MaybeRelease(ino);
      return r;
    }
  } else {
    Inode* n = tmpfs::Get(ino);
    if (excl) return -abi::kEEXIST;
    if (abi::IsLnk(n->mode) && (flags & abi::kO_PATH) == 0) return -abi::kELOOP;  // O_NOFOLLOW
    if (abi::IsDir(n->mode)) {
      if (acc != abi::kO_RDONLY || create) return -abi::kEISDIR;
    } else if ((flags & abi::kO_DIRECTORY) != 0) {
      return -abi::kENOTDIR;
    }
    if (n->dev == kDevProc && acc != abi::kO_RDONLY) return -abi::kEACCES;
    // A socket cannot be opened (Linux's sockets have no open), even
    // through its /proc/self/fd link: only O_PATH takes one.
    if (abi::IsSock(n->mode) && (flags & abi::kO_PATH) == 0) return -abi::kENXIO;
    if (n->kind == Kind::kTmpfs && abi::IsFifo(n->mode) && (flags & abi::kO_PATH) == 0) {
      return hostfs::OpenStoreFifo(n->pipe_head - 1, flags);
    }
    if (int64_t r = procfs::BeforeOpen(ino); r < 0) return r;  // /proc/self/maps: a snapshot
    if ((flags & abi::kO_TRUNC) != 0 && acc != abi::kO_RDONLY && abi::IsReg(n->mode)) {
      if (int64_t r = tmpfs::SetSize(*n, 0); r < 0) return r;
      n->mtime = n->ctime = tmpfs::Now();
    }
  }
  // A 64-bit kernel forces O_LARGEFILE on every open but O_PATH's (fcntl
  // F_GETFL shows it).
  int64_t fd =
      Install(ino, (flags & ~(abi::kO_CREAT | abi::kO_EXCL | abi::kO_TRUNC | abi::kO_NOCTTY)) |
                       ((flags & abi::kO_PATH) != 0 ? 0 : abi::kO_LARGEFILE));
  if (fd < 0) {
    tmpfs::MaybeRelease(ino);
    return fd;
  }
  Inode* opened = tmpfs::Get(ino);
  if (opened->kind == Kind::kPipe &&
      (flags & abi::kO_PATH) == 0) {  // reopened through /dev/stdin etc.: one more end
    if (acc != abi::kO_WRONLY) opened->readers++;
    if (acc != abi::kO_RDONLY) opened->writers++;
  }
  return fd;
}

int64_t Install(uint32_t ino, uint64_t flags) {
  int32_t fd = FreeFd(0);
  if (fd < 0) return fd;
  for (uint32_t i = 0; i < kMaxFiles; i++) {
    if (g_files[i].ino != 0) continue;
    g_files[i] = File{ino, 1, flags & ~abi::kO_CLOEXEC, 0};
    g_fds[fd] = FdSlot{static_cast<uint16_t>(i + 1), (flags & abi::kO_CLOEXEC) != 0};
    tmpfs::Get(ino)->opens++;
    return fd;
  }
  return -abi::kENFILE;
}

int64_t Close(int32_t fd) {
  File* f = FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  // Closing any fd of a file drops the process's POSIX locks on it.
  if (Inode* n = InodeOf(*f); n != nullptr && n->kind == Kind::kHost) hostfs::ClosedFd(*n);
  uint32_t i = g_fds[fd].file - 1u;
  g_fds[fd] = FdSlot{};
  Unref(i);
  return 0;
}

int64_t Dup(int32_t fd, int32_t min, bool cloexec) {
  if (FileOf(fd) == nullptr) return -abi::kEBADF;
  if (min < 0 || min >= kMaxFds) return -abi::kEINVAL;
  int32_t nfd = FreeFd(min);
  if (nfd < 0) return nfd;
  g_fds[nfd] = FdSlot{g_fds[fd].file, cloexec};
  g_files[g_fds[fd].file - 1].refs++;
  return nfd;
}

int64_t DupTo(int32_t fd, int32_t newfd, bool cloexec) {
  if (FileOf(fd) == nullptr || newfd < 0 || newfd >= kMaxFds) return -abi::kEBADF;
  if (fd == newfd) return newfd;       // dup2(fd, fd): nothing changes, not even FD_CLOEXEC
  g_files[g_fds[fd].file - 1].refs++;  // before closing newfd: they may share it
  if (FileOf(newfd) != nullptr) Close(newfd);
  g_fds[newfd] = FdSlot{g_fds[fd].file, cloexec};
  return newfd;
}

bool CloExec(int32_t fd) { return g_fds[fd].cloexec; }

void CloseOnExec() {
  for (int32_t fd = 0; fd < kMaxFds; fd++) {
    if (g_fds[fd].file != 0 && g_fds[fd].cloexec) Close(fd);
  }
}
void SetCloExec(int32_t fd, bool on) { g_fds[fd].cloexec = on; }

bool Seekable(const File& f) {
  const Inode* n = tmpfs::Get(f.ino);
  return n != nullptr && n->kind != Kind::kPipe && n->kind != Kind::kConsole &&
         n->kind != Kind::kSignalFd && !(n->kind == Kind::kHost && abi::IsStream(n->mode));
}

int64_t Read(File& f, uint64_t buf, uint64_t len, uint64_t* off) {
  Inode* n = tmpfs::Get(f.ino);
  if (n == nullptr || (f.flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  if ((f.flags & abi::kO_ACCMODE) == abi::kO_WRONLY) return -abi::kEBADF;
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  void* dst = reinterpret_cast<void*>(buf);
  switch (n->kind) {
    case Kind::kConsole:
      return console::Read(n->stream, buf, len);
    case Kind::kNull:
      return 0;
    case Kind::kZero:
      Fill(dst, 0, len);
      return static_cast<int64_t>(len);
    case Kind::kRandom: {
      if (len == 0) return 0;
      hv_buffer b = {buf, len};
      int64_t r = hv::Call(HV_CALL_RANDOM, &b);
      if (r < 0) return r;
      return r > 0 && static_cast<uint64_t>(r) < len ? r : static_cast<int64_t>(len);
    }
    case Kind::kPipe: {
      if (len == 0) return 0;
      // Empty: end of file once no writer is left; else wait for one (another
      // green thread). If every thread waits, the scheduler reports the
      // deadlock instead of hanging.
      while (n->size == 0) {
        if (n->writers == 0) return 0;
        if ((f.flags & abi::kO_NONBLOCK) != 0) return -abi::kEAGAIN;
        // A handler to run (sched::Interrupt): Linux's pipe_read ends with
        // -ERESTARTSYS, which SA_RESTART turns into the read again.
        if (sched::Block(PipeReadable(n), kAnyWaiter, sched::kForever) == -abi::kEINTR) {
          return -signals::kERESTARTSYS;
        }
      }
      uint64_t done = 0;
      while (done < len && n->size > 0) {
        uint64_t chunk = tmpfs::kPipeBytes - n->pipe_head;
        if (chunk > n->size) chunk = n->size;
        if (chunk > len - done) chunk = len - done;
        Copy(static_cast<char*>(dst) + done, reinterpret_cast<const void*>(n->data + n->pipe_head),
             chunk);
        n->pipe_head = (n->pipe_head + chunk) % tmpfs::kPipeBytes;
        n->size -= chunk;
        done += chunk;
      }
      sched::Wake(PipeWritable(n), kAnyWaiter, INT64_MAX);
      return static_cast<int64_t>(done);
    }
    case Kind::kTmpfs: {
      if (abi::IsDir(n->mode)) return -abi::kEISDIR;
      uint64_t r = tmpfs::Read(*n, dst, len, *off);
      shared_maps::OverlayRead(*n, dst, *off, r);
      *off += r;
      return static_cast<int64_t>(r);
    }
    case Kind::kHost: {
      if (abi::IsSock(n->mode)) return socket_io::Transfer(*n, f, false, buf, len);
      if (abi::IsStream(n->mode)) {
        // Held while it waits: another thread's close of the fd meanwhile
        // takes effect when the read ends, as on Linux.
        FileRef pinned(f);
        return hostfs::StreamIo(*n, false, buf, len, (f.flags & abi::kO_NONBLOCK) != 0);
      }
      HostTransfer pinned(f);
      // read(): at the host fd's position, which forked processes share
      // (hostfs.h).
      const bool moves = off == &f.offset && hostfs::OffsetIsHostPosition(*n);
      if (moves && !shared_maps::Any()) {
        int64_t r = hostfs::Read(*n, buf, len, hostfs::kAtPosition);
        if (r > 0) *off += static_cast<uint64_t>(r);  // the cache (hostfs.h)
        return r;
      }
      if (moves) {
        const int64_t at = hostfs::FdOp(*n, HV_FDOP_SEEK, abi::kSEEK_CUR, 0, 0);
        if (at < 0) return at;
        *off = static_cast<uint64_t>(at);
      }
      int64_t r = hostfs::Read(*n, buf, len, *off);
      if (r > 0) {
        shared_maps::OverlayRead(*n, dst, *off, static_cast<uint64_t>(r));
        *off += static_cast<uint64_t>(r);
        if (moves) hostfs::FdOp(*n, HV_FDOP_SEEK, abi::kSEEK_SET, *off, 0);
      }
      return r;
    }
    case Kind::kSignalFd:
      return signalfd::Read(*n, buf, len, (f.flags & abi::kO_NONBLOCK) != 0);
    case Kind::kFree:
    case Kind::kFdAlias:  // only reachable as an O_PATH fd, refused above
      break;
  }
  return -abi::kEBADF;
}

int64_t Write(File& f, uint64_t buf, uint64_t len, uint64_t* off) {
  Inode* n = tmpfs::Get(f.ino);
  if (n == nullptr || (f.flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  if ((f.flags & abi::kO_ACCMODE) == abi::kO_RDONLY) return -abi::kEBADF;
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  const void* src = reinterpret_cast<const void*>(buf);
  switch (n->kind) {
    case Kind::kConsole:
      return console::Write(n->stream, buf, len);
    case Kind::kNull:
    case Kind::kZero:
    case Kind::kRandom:  // Linux mixes it into the pool; we drop it
      return static_cast<int64_t>(len);
    case Kind::kPipe: {
      // No reader: SIGPIPE and -EPIPE (after a partial write, its count).
      if (n->readers == 0) {
        signals::Send(abi::kSIGPIPE);
        return -abi::kEPIPE;
      }
      if (len == 0) return 0;
      // A blocking write puts all of (buf) in, waiting for readers to make
      // room; O_NONBLOCK writes what fits, or -EAGAIN.
      uint64_t done = 0;
      while (done < len) {
        if (n->readers == 0) {
          signals::Send(abi::kSIGPIPE);
          return done > 0 ? static_cast<int64_t>(done) : -abi::kEPIPE;
        }
        if (n->size >= n->entries) {
          if ((f.flags & abi::kO_NONBLOCK) != 0) {
            return done > 0 ? static_cast<int64_t>(done) : -abi::kEAGAIN;
          }
          // As pipe_write: what was written counts; else a restart.
          if (sched::Block(PipeWritable(n), kAnyWaiter, sched::kForever) == -abi::kEINTR) {
            return done > 0 ? static_cast<int64_t>(done) : -signals::kERESTARTSYS;
          }
          continue;
        }
        uint64_t tail = (n->pipe_head + n->size) % tmpfs::kPipeBytes;
        uint64_t chunk = tmpfs::kPipeBytes - tail;
        if (chunk > n->entries - n->size) chunk = n->entries - n->size;
        if (chunk > len - done) chunk = len - done;
        Copy(reinterpret_cast<void*>(n->data + tail), static_cast<const char*>(src) + done, chunk);
        n->size += chunk;
        done += chunk;
        sched::Wake(PipeReadable(n), kAnyWaiter, INT64_MAX);
      }
      return static_cast<int64_t>(done);
    }
    case Kind::kTmpfs: {
      if (abi::IsDir(n->mode)) return -abi::kEISDIR;
      if (len == 0) return 0;
      uint64_t at = (f.flags & abi::kO_APPEND) != 0 ? n->size : *off;
      int64_t r = tmpfs::Write(*n, src, len, at);
      if (r < 0) return r;
      shared_maps::MirrorWrite(*n, src, at, static_cast<uint64_t>(r));
      n->mtime = n->ctime = tmpfs::Now();
      *off = at + static_cast<uint64_t>(r);
      return r;
    }
    case Kind::kHost: {
      if (abi::IsSock(n->mode)) return socket_io::Transfer(*n, f, true, buf, len);
      if (abi::IsStream(n->mode)) {
        // A blocking write puts all of (buf) in, as Linux's does (the host
        // may take it in pieces); one that meets a closed pipe after some
        // bytes returns them, and SIGPIPE comes all the same.
        const bool nonblock = (f.flags & abi::kO_NONBLOCK) != 0;
        FileRef pinned(f);  // as for a read
        uint64_t done = 0;
        int64_t r = 0;
        do {
          r = hostfs::StreamIo(*n, true, buf + done, len - done, nonblock);
          if (r > 0) done += static_cast<uint64_t>(r);
        } while (!nonblock && r > 0 && done < len);
        // No reader left: SIGPIPE, whose default action ends the process.
        if (r == -abi::kEPIPE) signals::Send(abi::kSIGPIPE);
        return done > 0 ? static_cast<int64_t>(done) : r;
      }
      // O_APPEND: the host fd appends whatever the offset (hostfs.h); the
      // offset then moves to the end, as Linux's does.
      HostTransfer pinned(f);
      // write(): at the host fd's position, which forked processes share
      // (hostfs.h).
      const bool moves = off == &f.offset && hostfs::OffsetIsHostPosition(*n);
      if (moves && !shared_maps::Any()) {
        int64_t r = hostfs::Write(*n, buf, len, hostfs::kAtPosition);
        if (r > 0) *off += static_cast<uint64_t>(r);  // the cache (hostfs.h)
        return r;
      }
      if (moves) {
        const int64_t at = hostfs::FdOp(*n, HV_FDOP_SEEK, abi::kSEEK_CUR, 0, 0);
        if (at < 0) return at;
        *off = static_cast<uint64_t>(at);
      }
      int64_t r = hostfs::Write(*n, buf, len, *off);
      if (r < 0) return r;
      abi::Stat st;
      if ((f.flags & abi::kO_APPEND) != 0 && hostfs::Stat(*n, &st) >= 0) {
        *off = static_cast<uint64_t>(st.st_size);
      } else {
        *off += static_cast<uint64_t>(r);
      }
      if (moves) hostfs::FdOp(*n, HV_FDOP_SEEK, abi::kSEEK_SET, *off, 0);
      shared_maps::MirrorWrite(*n, src, *off - static_cast<uint64_t>(r), static_cast<uint64_t>(r));
      return r;
    }
    case Kind::kSignalFd:
      return -abi::kEINVAL;  // as Linux: a signalfd has no write
    case Kind::kFree:
    case Kind::kFdAlias:  // only reachable as an O_PATH fd, refused above
      break;
  }
  return -abi::kEBADF;
}

namespace {

// A pipe inside this guest: a tmpfs ring the runtime's threads share (a
// reader blocks its thread until a writer fills it). For a backend whose
// guests make no processes (xen), where hvrun serves no host pipes.
int64_t GuestPipe(uint64_t flags, int32_t fds[2]) {
  uint32_t ino = tmpfs::NewInode(Kind::kPipe, abi::kS_IFIFO | 0600, kDevPipe);
  if (ino == 0) return -abi::kENFILE;
  Inode* n = tmpfs::Get(ino);
  n->nlink = 0;
  if (tmpfs::Reserve(*n, tmpfs::kPipeBytes) < 0) {
    tmpfs::MaybeRelease(ino);
    return -abi::kENOMEM;
  }
  n->size = 0;
  n->entries = tmpfs::kPipeBytes;
  uint64_t common = flags & (abi::kO_NONBLOCK | abi::kO_CLOEXEC);
  int64_t r = Install(ino, abi::kO_RDONLY | common);
  if (r < 0) {
    tmpfs::MaybeRelease(ino);
    return r;
  }
  n->readers = 1;
  int64_t w = Install(ino, abi::kO_WRONLY | common);
  if (w < 0) {
    Close(static_cast<int32_t>(r));
    return w;
  }
  n->writers = 1;
  fds[0] = static_cast<int32_t>(r);
  fds[1] = static_cast<int32_t>(w);
  return 0;
}

}  // namespace

namespace {

// Two fds on the two host handles of (p) (HV_CALL_PIPE answered), each a
// nameless kHost inode of (mode), opened with (access[i]) and (common).
int64_t InstallHostPair(const hv_pipe& p, uint32_t mode, const uint64_t access[2], uint64_t common,
                        int32_t fds[2]) {
  uint32_t inos[2] = {};
  int64_t r = 0;
  for (int i = 0; i < 2 && r == 0; i++) {
    inos[i] = tmpfs::NewInode(Kind::kHost, mode, kDevPipe);
    if (inos[i] == 0) {
      r = -abi::kENFILE;
      break;
    }
    Inode* n = tmpfs::Get(inos[i]);
    n->nlink = 0;
    n->pipe_head = static_cast<uint64_t>(p.handles[i]) + 1;
  }
  if (r < 0) {
    for (int i = 0; i < 2; i++) {
      if (inos[i] != 0) {
        tmpfs::MaybeRelease(inos[i]);
      } else {
        hv_file_io c = {};
        c.handle = p.handles[i];
        hv::Call(HV_CALL_FILE_CLOSE, &c);
      }
    }
    return r;
  }
  int64_t first = Install(inos[0], access[0] | common);
  if (first < 0) {
    tmpfs::MaybeRelease(inos[0]);
    tmpfs::MaybeRelease(inos[1]);
    return first;
  }
  int64_t second = Install(inos[1], access[1] | common);
  if (second < 0) {
    Close(static_cast<int32_t>(first));
    tmpfs::MaybeRelease(inos[1]);
    return second;
  }
  fds[0] = static_cast<int32_t>(first);
  fds[1] = static_cast<int32_t>(second);
  return 0;
}

}  // namespace

int64_t Pipe(uint64_t flags, int32_t fds[2]) {
  // A host pipe: processes that inherit its ends share it through hvrun,
  // and a blocked end waits in hvrun (io_uring), not in this guest. Where
  // hvrun has none (ENOSYS: no processes on this backend), one in the guest.
  hv_pipe p = {};
  p.flags = static_cast<uint32_t>(flags & abi::kO_DIRECT);
  if (int64_t r = hv::Call(HV_CALL_PIPE, &p); r < 0) {
    return r == -abi::kENOSYS ? GuestPipe(flags, fds) : r;
  }
  const uint64_t access[2] = {abi::kO_RDONLY, abi::kO_WRONLY};
  return InstallHostPair(p, abi::kS_IFIFO | 0600, access,
                         flags & (abi::kO_NONBLOCK | abi::kO_CLOEXEC), fds);
}

FileRef::FileRef(File& f) : index_(static_cast<uint32_t>(&f - g_files)) { f.refs++; }
FileRef::~FileRef() { Unref(index_); }

int64_t SocketPair(uint32_t type, uint64_t flags, const hv_ucred& cred, int32_t fds[2]) {
  hv_pipe p = {};
  p.socket_type = type;
  p.cred = cred;
  if (int64_t r = hv::Call(HV_CALL_PIPE, &p); r < 0)
    return r == -abi::kENOSYS ? -abi::kEOPNOTSUPP : r;
  const uint64_t access[2] = {abi::kO_RDWR, abi::kO_RDWR};
  return InstallHostPair(p, abi::kS_IFSOCK | 0777, access,
                         flags & (abi::kO_NONBLOCK | abi::kO_CLOEXEC), fds);
}

int64_t InstallHostHandle(uint32_t handle, uint32_t mode, uint64_t flags) {
  uint32_t ino = tmpfs::NewInode(Kind::kHost, mode, kDevPipe);
  if (ino == 0) {
    hv_file_io c = {};
    c.handle = handle;
    hv::Call(HV_CALL_FILE_CLOSE, &c);
    return -abi::kENFILE;
  }
  Inode* n = tmpfs::Get(ino);
  n->nlink = 0;
  n->pipe_head = static_cast<uint64_t>(handle) + 1;
  int64_t fd = Install(ino, flags);
  if (fd < 0) tmpfs::MaybeRelease(ino);
  return fd;
}

int64_t Eventfd(uint32_t initval, bool semaphore, uint64_t flags) {
  hv_eventfd e = {initval, semaphore ? 1u : 0u, 0, 0};
  if (int64_t r = hv::Call(HV_CALL_EVENTFD, &e); r < 0) return r;
  // Mode 0600 and no file type, as Linux's anonymous inodes (fstat says
  // the host's): abi::IsAnon makes its transfers streams.
  return InstallHostHandle(e.handle, 0600,
                           abi::kO_RDWR | (flags & (abi::kO_NONBLOCK | abi::kO_CLOEXEC)));
}

uint32_t Cwd() { return g_cwd; }
void SetCwd(uint32_t ino) {
  // The cwd pins its inode like an open fd, so a removed cwd's slot is not
  // reused while the process still stands in it.
  tmpfs::Get(ino)->opens++;
  uint32_t old = g_cwd;
  g_cwd = ino;
  if (Inode* n = tmpfs::Get(old)) {
    n->opens--;
    tmpfs::MaybeRelease(old);
  }
}
int64_t ChangeDir(const char* path) {
  uint32_t ino;
  Lookup host;
  int64_t r = ResolveExisting(abi::kAT_FDCWD, path, true, false, &ino, &host);
  if (r < 0) return r;
  if (r == kOnHost) {
    if (int64_t d = hostfs::DirInode(host, &ino); d < 0) return d;
  }
  if (!abi::IsDir(tmpfs::Get(ino)->mode)) return -abi::kENOTDIR;
  SetCwd(ino);
  return 0;
}
uint32_t Umask() { return g_umask; }
void SetUmask(uint32_t mask) { g_umask = mask & 0777; }

int64_t PathOf(uint32_t ino, char* buf, uint64_t cap) {
  // Build from the end of g_path: "/name" for each ancestor's entry.
  uint64_t pos = sizeof g_path;
  uint32_t cur = ino;
  if (const Inode* h = tmpfs::Get(ino); h != nullptr && h->kind == Kind::kHost) {
    // A host directory: "/" + its path below the mount, then the mount
    // root's own path in the guest tree.
    if (h->size + 1 >= pos) return -abi::kENAMETOOLONG;
    if (h->size > 0) {
      pos -= h->size;
      Copy(g_path + pos, reinterpret_cast<const void*>(h->data), h->size);
      g_path[--pos] = '/';
    }
    // The walk below gives the mount root's path (the root file
    // system's root is "/" itself).
    cur = h->mountpoint ? ino : g_mount_root[h->stream];
  }
  while (cur != g_root) {
    Inode* n = tmpfs::Get(cur);
    if (n == nullptr || n->nlink == 0) return -abi::kENOENT;
    Inode* parent = tmpfs::Get(n->parent);
    if (parent == nullptr) return -abi::kENOENT;
    const tmpfs::DirRec* rec = nullptr;
    for (uint64_t i = 0; i < parent->size; i++) {
      if (tmpfs::DirAt(*parent, i).ino == cur) {
        rec = &tmpfs::DirAt(*parent, i);
        break;
      }
    }
    if (rec == nullptr) return -abi::kENOENT;
    if (pos < rec->len + 1u) return -abi::kENAMETOOLONG;
    pos -= rec->len;
    Copy(g_path + pos, rec->name, rec->len);
    g_path[--pos] = '/';
    cur = n->parent;
  }
  if (pos == sizeof g_path) g_path[--pos] = '/';
  uint64_t len = sizeof g_path - pos;
  if (len + 1 > cap) return -abi::kERANGE;
  Copy(buf, g_path + pos, len);
  buf[len] = '\0';
  return static_cast<int64_t>(len);
}

}  // namespace hvrt::vfs
