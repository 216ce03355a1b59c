// Host mounts over HV_CALL_FILE_*: see hostfs.h.
#include "runtime/vfs/hostfs.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/format.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/poll.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/host_ready.h"
#include "runtime/linux/signals.h"
#include "runtime/sched/host_call.h"
#include "runtime/sched/sched.h"

namespace hvrt::hostfs {
namespace {

using tmpfs::Inode;

hv_mount_path At(const vfs::Lookup& l) {
  return hv_mount_path{l.mount, l.hlen, reinterpret_cast<uint64_t>(l.hpath)};
}

// The path a kHost inode keeps (see hostfs.h).
hv_mount_path At(const Inode& n) {
  return hv_mount_path{n.stream, static_cast<uint32_t>(n.size), n.data};
}

// A new unnamed kHost inode for (l) with (mode) and (handle) (+1; 0: none).
// Returns its number or -errno.
int64_t NewInode(const vfs::Lookup& l, uint32_t mode, uint64_t handle) {
  uint32_t ino = tmpfs::NewInode(tmpfs::Kind::kHost, mode, 0);
  Inode* n = tmpfs::Get(ino);
  if (n == nullptr) return -abi::kENFILE;
  n->nlink = 0;
  n->stream = static_cast<uint8_t>(l.mount);
  if (l.hlen > 0) {
    // The path's copy lives in the inode's data pages (tmpfs.h's extent).
    if (int64_t r = tmpfs::Write(*n, l.hpath, l.hlen, 0); r < 0) {
      tmpfs::MaybeRelease(ino);
      return r;
    }
  }
  n->pipe_head = handle;  // only now: MaybeRelease above must not close it
  return ino;
}

int64_t StatHandle(uint64_t handle, abi::Stat* st) {
  hv_file_stat s = {};
  s.handle = static_cast<uint32_t>(handle - 1);
  s.st = reinterpret_cast<uint64_t>(st);
  return hv::Call(HV_CALL_FILE_STAT, &s);
}

}  // namespace

int64_t Open(const vfs::Lookup& l, uint64_t flags, uint32_t mode) {
  if ((flags & abi::kO_TMPFILE) == abi::kO_TMPFILE) return -abi::kEOPNOTSUPP;
  hv_file_open o = {};
  o.at = At(l);
  // O_CLOEXEC is the guest fd's; the host adds its own to its fd. O_DIRECT
  // is accepted and dropped: the guest's I/O goes through the host's page
  // cache (no alignment rules), and F_GETFL still shows it.
  o.flags = static_cast<uint32_t>(flags & ~(abi::kO_CLOEXEC | abi::kO_DIRECT));
  o.mode = mode & 07777 & ~vfs::Umask();
  o.uid = cred::Uid().fs;
  o.gid = cred::Gid().fs;
  // Submitted: opening a FIFO for reading or writing only waits in hvrun
  // for the other end, and must hold up only this thread.
  int64_t h = sched::HostCall(HV_CALL_FILE_OPEN, &o);
  if (h < 0) return h;
  uint64_t handle = static_cast<uint64_t>(h) + 1;
  abi::Stat st;
  int64_t r = StatHandle(handle, &st);
  // A directory takes no O_DIRECT (Linux: no direct I/O there), which the
  // host never saw.
  if (r >= 0 && (flags & abi::kO_DIRECT) != 0 && abi::IsDir(st.st_mode)) r = -abi::kEINVAL;
  if (r >= 0) r = NewInode(l, st.st_mode, 0);
  if (r < 0) {
    hv_file_io io = {};
    io.handle = static_cast<uint32_t>(h);
    hv::Call(HV_CALL_FILE_CLOSE, &io);
    return r;
  }
  uint32_t ino = static_cast<uint32_t>(r);
  tmpfs::Get(ino)->pipe_head = handle;
  // As vfs::Open: O_LARGEFILE always, the create-time flags dropped.
  int64_t fd =
      vfs::Install(ino, (flags & ~(abi::kO_CREAT | abi::kO_EXCL | abi::kO_TRUNC | abi::kO_NOCTTY)) |
                            ((flags & abi::kO_PATH) != 0 ? 0 : abi::kO_LARGEFILE));
  if (fd < 0) tmpfs::MaybeRelease(ino);  // closes the handle
  return fd;
}

bool InShmStore(const tmpfs::Inode& n) {
  if (!IsHost(n)) return false;
  const hv_boot_info& bi = boot::Info();
  const hv_mount* mounts = reinterpret_cast<const hv_mount*>(bi.mounts);
  return n.stream < bi.mount_count && (mounts[n.stream].flags & HV_MOUNT_SHM) != 0;
}

int64_t MakeStoreFifo(uint32_t perm) {
  hv_file_pathop p = {};
  p.op = HV_PATHOP_MKNOD;
  p.at.mount = HV_MOUNT_FIFO_STORE;
  p.mode = abi::kS_IFIFO | (perm & 0777);
  return hv::Call(HV_CALL_FILE_PATHOP, &p);
}

int64_t OpenStoreFifo(uint64_t number, uint64_t flags) {
  char name[24];
  vfs::Lookup l = {};
  l.host = true;
  l.mount = HV_MOUNT_FIFO_STORE;
  l.hpath = name;
  l.hlen = static_cast<uint32_t>(Format(name, sizeof name, "%lu", number));
  return Open(l, flags & ~(abi::kO_CREAT | abi::kO_EXCL | abi::kO_TRUNC), 0);
}

namespace {
constinit bool g_posix_locks = false;  // this process ever set a POSIX lock
}  // namespace

int64_t Lock(const Inode& n, uint32_t cmd, abi::Flock* fl) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  if (cmd == abi::kF_SETLK) g_posix_locks = true;
  return FdOp(n, HV_FDOP_LOCK, cmd, reinterpret_cast<uint64_t>(fl), 0);
}

int64_t Flock(const Inode& n, uint32_t op) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  return FdOp(n, HV_FDOP_FLOCK, op, 0, 0);
}

void ClosedFd(const Inode& n) {
  if (!g_posix_locks || n.pipe_head == 0 || !abi::IsReg(n.mode)) return;
  FdOp(n, HV_FDOP_UNLOCK_POSIX, 0, 0, 0);
}

int64_t DirInode(const vfs::Lookup& l, uint32_t* ino) {
  abi::Stat st;
  if (int64_t r = Stat(l, false, &st); r < 0) return r;
  if (!abi::IsDir(st.st_mode)) return -abi::kENOTDIR;
  int64_t r = NewInode(l, st.st_mode, 0);
  if (r < 0) return r;
  *ino = static_cast<uint32_t>(r);
  return 0;
}

void Release(Inode& n) {
  if (n.pipe_head == 0) return;
  hv_file_io io = {};
  io.handle = static_cast<uint32_t>(n.pipe_head - 1);
  n.pipe_head = 0;
  hv::Call(HV_CALL_FILE_CLOSE, &io);
}

int64_t Stat(const vfs::Lookup& l, bool nofollow, abi::Stat* st) {
  hv_file_stat s = {};
  s.by_path = 1;
  s.at = At(l);
  s.nofollow = nofollow ? 1 : 0;
  s.st = reinterpret_cast<uint64_t>(st);
  return hv::Call(HV_CALL_FILE_STAT, &s);
}

int64_t Stat(const Inode& n, abi::Stat* st) {
  if (n.pipe_head != 0) return StatHandle(n.pipe_head, st);
  hv_file_stat s = {};
  s.by_path = 1;
  s.at = At(n);
  s.st = reinterpret_cast<uint64_t>(st);
  return hv::Call(HV_CALL_FILE_STAT, &s);
}

namespace {
// One transfer on the inode's open host handle (pipe_head holds handle + 1).
// Reads and writes can wait on the disk: they block only this thread.
int64_t HandleIo(const Inode& n, uint64_t call, uint64_t buf, uint64_t len, uint64_t off) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  hv_file_io io = {};
  io.handle = static_cast<uint32_t>(n.pipe_head - 1);
  io.data = buf;
  io.len = len;
  io.offset = static_cast<int64_t>(off);
  if (call == HV_CALL_FILE_READ || call == HV_CALL_FILE_WRITE) return sched::HostCall(call, &io);
  return hv::Call(call, &io);
}
}  // namespace

int64_t Read(const Inode& n, uint64_t buf, uint64_t len, uint64_t off) {
  return HandleIo(n, HV_CALL_FILE_READ, buf, len, off);
}

int64_t Write(const Inode& n, uint64_t buf, uint64_t len, uint64_t off) {
  return HandleIo(n, HV_CALL_FILE_WRITE, buf, len, off);
}

int64_t StreamIo(const Inode& n, bool write, uint64_t buf, uint64_t len, bool nonblock) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  if (len == 0) return 0;  // Linux's pipes answer 0 before they look at anything
  const uint32_t handle = static_cast<uint32_t>(n.pipe_head - 1);
  // One transfer of [at, at + count) at the stream's position.
  auto transfer = [&](uint64_t at, uint64_t count, uint32_t flags) {
    hv_file_io io = {};
    io.handle = handle;
    io.flags = flags;
    io.data = at;
    io.len = count;
    io.offset = -1;
    return sched::HostCall(write ? HV_CALL_FILE_WRITE : HV_CALL_FILE_READ, &io);
  };
  // No handler could interrupt it: one transfer that waits in hvrun, one
  // crossing instead of a try, a wait and a try again.
  if (!nonblock && !signals::AnyHandler()) return transfer(buf, len, 0);
  // Each try never waits in hvrun; where the stream is not ready, the
  // thread waits for it with host_ready (in slices, between which it looks
  // for signals), so that a handler interrupts a blocked read or write as
  // Linux's pipe_read/pipe_write do (-ERESTARTSYS: SA_RESTART restarts it).
  // A transfer hvrun queued could not be taken back once a handler wants
  // to run (its bytes would be gone).
  uint64_t done = 0;
  for (;;) {
    const int64_t r = transfer(buf + done, len - done, HV_IO_NOWAIT);
    if (r != -abi::kEAGAIN || nonblock) {
      if (r < 0) return done > 0 ? static_cast<int64_t>(done) : r;
      done += static_cast<uint64_t>(r);
      // A blocking write goes on until all of it is written, as Linux's;
      // a read returns what there is.
      if (!write || done == len || r == 0) return static_cast<int64_t>(done);
      continue;
    }
    const int16_t events = write ? abi::kPOLLOUT : abi::kPOLLIN;
    if (int64_t w = host_ready::WaitOne(handle, events, sched::kForever); w < 0) {
      return done > 0 ? static_cast<int64_t>(done) : w;
    }
  }
}

int64_t Getdents(const Inode& n, uint64_t buf, uint64_t len) {
  return HandleIo(n, HV_CALL_FILE_GETDENTS, buf, len, 0);
}

int64_t Rewind(Inode& n) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  hv_file_open o = {};
  o.at = At(n);
  o.flags = static_cast<uint32_t>(abi::kO_RDONLY | abi::kO_DIRECTORY);
  int64_t h = hv::Call(HV_CALL_FILE_OPEN, &o);
  if (h < 0) return h;
  Release(n);
  n.pipe_head = static_cast<uint64_t>(h) + 1;
  return 0;
}

int64_t PathOp(uint32_t op, const vfs::Lookup& at, const vfs::Lookup* to, uint32_t mode,
               uint64_t size, uint64_t buf, uint64_t buf_len, uint32_t flags) {
  hv_file_pathop p = {};
  p.op = op;
  p.flags = flags;
  p.at = At(at);
  if (to != nullptr) {
    // Linux: a rename or link between two mounts is EXDEV, whatever else
    // is wrong.
    if (!to->host || to->mount != at.mount) return -abi::kEXDEV;
    p.to = At(*to);
  }
  p.mode = mode;
  p.size = size;
  p.buf = buf;
  p.buf_len = buf_len;
  return hv::Call(HV_CALL_FILE_PATHOP, &p);
}

int64_t Symlink(const char* target, uint64_t target_len, const vfs::Lookup& to) {
  if (target_len > HV_PATH_MAX) return -abi::kENAMETOOLONG;
  hv_file_pathop p = {};
  p.op = HV_PATHOP_SYMLINK;
  // The link text travels as (at.path) (abi.h); its mount is (to)'s.
  p.at = hv_mount_path{to.mount, static_cast<uint32_t>(target_len),
                       reinterpret_cast<uint64_t>(target)};
  p.to = At(to);
  return hv::Call(HV_CALL_FILE_PATHOP, &p);
}

int64_t FdOp(const Inode& n, uint32_t op, uint32_t flags, uint64_t arg0, uint64_t arg1) {
  if (n.pipe_head == 0) return -abi::kEBADF;
  hv_file_fdop o = {};
  o.op = op;
  o.handle = static_cast<uint32_t>(n.pipe_head - 1);
  o.flags = flags;
  o.arg0 = arg0;
  o.arg1 = arg1;
  return hv::Call(HV_CALL_FILE_FDOP, &o);
}

}  // namespace hvrt::hostfs
