// Opening and closing files and fds: open, openat, creat, close, dup,
// dup2, dup3, fcntl, flock, pipe and pipe2, over runtime/vfs/vfs.h.
#include "runtime/hv/clock.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

int64_t OpenAt(int32_t dirfd, uint64_t path_addr, uint64_t flags, uint64_t mode) {
  const char* path;
  if (int64_t r = user::Path(path_addr, &path); r < 0) return r;
  return vfs::Open(dirfd, path, flags, static_cast<uint32_t>(mode));
}

int64_t PipeTo(uint64_t addr, uint64_t flags) {
  if ((flags & ~(abi::kO_CLOEXEC | abi::kO_NONBLOCK | abi::kO_DIRECT)) != 0) return -abi::kEINVAL;
  if (!user::RangeOk(addr, 8)) return -abi::kEFAULT;
  int32_t fds[2];
  if (int64_t r = vfs::Pipe(flags, fds); r < 0) return r;
  return user::CopyOut(addr, fds, sizeof fds);
}

// F_GETPIPE_SZ / F_SETPIPE_SZ: a host pipe's capacity is the host kernel's
// (hvrun caps it at Linux's unprivileged 1 MiB); the runtime's own ring pipe
// (xen) holds up to kPipeBytes, and may be made smaller. Not a pipe: -EBADF.
int64_t PipeSize(const vfs::File& file, bool set, uint64_t size) {
  tmpfs::Inode* n = vfs::InodeOf(file);
  if (n != nullptr && n->kind == tmpfs::Kind::kHost && abi::IsFifo(n->mode)) {
    return hostfs::FdOp(*n, HV_FDOP_PIPE_SIZE, set ? 1 : 0, set ? static_cast<uint32_t>(size) : 0,
                        0);
  }
  if (n == nullptr || n->kind != tmpfs::Kind::kPipe) return -abi::kEBADF;
  if (set) {
    // Linux's rounding: whole pages, a power of two of them, at least one.
    const uint64_t pages = (static_cast<uint32_t>(size) + mm::kPageSize - 1) / mm::kPageSize;
    uint64_t want = mm::kPageSize;
    while (want < pages * mm::kPageSize) want *= 2;
    if (want > tmpfs::kPipeBytes) return -abi::kEPERM;  // more than the ring holds
    if (n->size > want) return -abi::kEBUSY;            // what is in it would not fit
    n->entries = want;
  }
  return static_cast<int64_t>(n->entries);
}

}  // namespace

// Open implements Linux syscall open(2).
int64_t sys_open(hv_syscall_frame& f) {
  return OpenAt(abi::kAT_FDCWD, f.args[0], static_cast<uint32_t>(f.args[1]), f.args[2]);
}

// Openat implements Linux syscall openat(2).
int64_t sys_openat(hv_syscall_frame& f) {
  return OpenAt(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[2]), f.args[3]);
}

// Creat implements Linux syscall creat(2): open(O_CREAT|O_WRONLY|O_TRUNC).
int64_t sys_creat(hv_syscall_frame& f) {
  return OpenAt(abi::kAT_FDCWD, f.args[0], abi::kO_CREAT | abi::kO_WRONLY | abi::kO_TRUNC,
                f.args[1]);
}

// Close implements Linux syscall close(2).
int64_t sys_close(hv_syscall_frame& f) { return vfs::Close(Int(f.args[0])); }

// CloseRange implements Linux syscall close_range(2): closes (or, with
// CLOSE_RANGE_CLOEXEC, marks close-on-exec) the open fds in [first, last].
// CLOSE_RANGE_UNSHARE would give the caller an fd table of its own first;
// the threads here share one, so it closes in that one.
int64_t sys_close_range(hv_syscall_frame& f) {
  constexpr uint64_t kUnshare = 2, kCloexec = 4;
  const uint32_t first = static_cast<uint32_t>(f.args[0]);
  const uint32_t last = static_cast<uint32_t>(f.args[1]);
  const uint64_t flags = static_cast<uint32_t>(f.args[2]);
  if ((flags & ~(kUnshare | kCloexec)) != 0 || first > last) return -abi::kEINVAL;
  const uint32_t end = last < static_cast<uint32_t>(vfs::kMaxFds - 1) ? last : vfs::kMaxFds - 1;
  for (uint32_t fd = first; fd <= end && fd < static_cast<uint32_t>(vfs::kMaxFds); fd++) {
    const int32_t i = static_cast<int32_t>(fd);
    if (vfs::FileOf(i) == nullptr) continue;
    if ((flags & kCloexec) != 0) {
      vfs::SetCloExec(i, true);
    } else {
      vfs::Close(i);
    }
  }
  return 0;
}

// Dup implements Linux syscall dup(2).
int64_t sys_dup(hv_syscall_frame& f) { return vfs::Dup(Int(f.args[0]), 0, false); }

// Dup2 implements Linux syscall dup2(2).
int64_t sys_dup2(hv_syscall_frame& f) { return vfs::DupTo(Int(f.args[0]), Int(f.args[1]), false); }

// Dup3 implements Linux syscall dup3(2): flags O_CLOEXEC only, and oldfd ==
// newfd is -EINVAL.
int64_t sys_dup3(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[2]);
  if ((flags & ~abi::kO_CLOEXEC) != 0) return -abi::kEINVAL;
  if (Int(f.args[0]) == Int(f.args[1])) return -abi::kEINVAL;
  return vfs::DupTo(Int(f.args[0]), Int(f.args[1]), flags != 0);
}

namespace {

// Waits for a lock hvrun could not give at once ((try_once) answered
// -EAGAIN or -EWOULDBLOCK): tries again after 1 ms, doubling to 16 ms. A
// signal for the thread ends the wait (-EINTR, or a restart after a
// SA_RESTART handler), as for Linux's F_SETLKW and flock.
template <typename F>
int64_t WaitForLock(F try_once) {
  constexpr int64_t kFirst = 1000 * 1000, kLongest = 16 * 1000 * 1000;
  int64_t step = kFirst;
  for (;;) {
    const int64_t r = try_once();
    if (r != -abi::kEAGAIN) return r;
    const int64_t until = static_cast<int64_t>(clock::MonotonicNs()) + step;
    if (sched::Block(0, ~0u, until) == -abi::kEINTR) return -signals::kERESTARTSYS;
    if (step < kLongest) step *= 2;
  }
}

// fcntl's record locks. On a host file hvrun keeps them (HV_FDOP_LOCK), so
// they hold between the guest's processes: POSIX locks per process, OFD
// locks per open file description. Elsewhere (tmpfs, whose files no other
// process shares; pipes) every lock is this process's alone: set always
// works, get answers F_UNLCK. F_SETLKW waits here (WaitForLock).
int64_t RecordLock(vfs::File& file, uint32_t cmd, uint64_t arg) {
  abi::Flock lk;
  if (int64_t r = user::CopyIn(&lk, arg, sizeof lk); r < 0) return r;
  const bool ofd =
      cmd == abi::kF_OFD_GETLK || cmd == abi::kF_OFD_SETLK || cmd == abi::kF_OFD_SETLKW;
  const bool get = cmd == abi::kF_GETLK || cmd == abi::kF_OFD_GETLK;
  if (ofd && lk.l_pid != 0) return -abi::kEINVAL;
  if (lk.l_type != abi::kF_RDLCK && lk.l_type != abi::kF_WRLCK && lk.l_type != abi::kF_UNLCK) {
    return -abi::kEINVAL;
  }
  if (get && lk.l_type == abi::kF_UNLCK) return -abi::kEINVAL;  // Linux: nothing to test
  // SEEK_CUR is this description's offset, which hvrun does not keep.
  constexpr int16_t kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2;
  if (lk.l_whence == kSeekCur) {
    if (__builtin_add_overflow(lk.l_start, static_cast<int64_t>(file.offset), &lk.l_start)) {
      return -abi::kEOVERFLOW;
    }
    lk.l_whence = kSeekSet;
  }
  if (lk.l_whence != kSeekSet && lk.l_whence != kSeekEnd) return -abi::kEINVAL;
  const uint64_t acc = file.flags & abi::kO_ACCMODE;
  if (!get && ((lk.l_type == abi::kF_RDLCK && acc == abi::kO_WRONLY) ||
               (lk.l_type == abi::kF_WRLCK && acc == abi::kO_RDONLY))) {
    return -abi::kEBADF;
  }
  tmpfs::Inode* n = vfs::InodeOf(file);
  if (n == nullptr || n->kind != tmpfs::Kind::kHost || hostfs::HandleOf(*n) == 0) {
    if (!get) return 0;
    lk.l_type = abi::kF_UNLCK;
    return user::CopyOut(arg, &lk, sizeof lk);
  }
  if (get) {
    const uint32_t host_cmd = ofd ? abi::kF_OFD_GETLK : abi::kF_GETLK;
    if (int64_t r = hostfs::Lock(*n, host_cmd, &lk); r < 0) return r;
    return user::CopyOut(arg, &lk, sizeof lk);
  }
  const uint32_t host_cmd = ofd ? abi::kF_OFD_SETLK : abi::kF_SETLK;
  auto once = [&] {
    abi::Flock copy = lk;
    return hostfs::Lock(*n, host_cmd, &copy);
  };
  if (cmd == abi::kF_SETLKW || cmd == abi::kF_OFD_SETLKW) return WaitForLock(once);
  return once();
}

// struct f_owner_ex.
struct OwnerEx {
  uint32_t type;
  int32_t pid;
};

// The calling process's group.
int32_t OwnGroup() {
  hv_proc p = {HV_PROC_GETPGID, 0, 0, 0, 0, 0};
  const int64_t r = hv::Call(HV_CALL_PROC, &p);
  return r < 0 ? process::Pid() : static_cast<int32_t>(r);
}

// F_SETOWN(_EX)'s owner must exist: a thread of this process (F_OWNER_TID),
// or a process or process group of the container. 0 is none, and always fine.
int64_t CheckOwner(uint32_t type, int32_t id) {
  if (id == 0) return 0;
  if (id < 0) return -abi::kESRCH;
  if (type == abi::kF_OWNER_TID) return sched::SlotOf(id) < 0 ? -abi::kESRCH : 0;
  if (type == abi::kF_OWNER_PID && id == process::Pid()) return 0;
  // The caller's own group (kill(-1) would mean every process, not group 1).
  if (type == abi::kF_OWNER_PGRP && id == OwnGroup()) return 0;
  hv_proc p = {HV_PROC_KILL, type == abi::kF_OWNER_PGRP ? -id : id, 0, 0, 0, 0};
  const int64_t r = hv::Call(HV_CALL_PROC, &p);
  // One process only (no process table): only its own pid and group exist.
  if (r == -abi::kENOSYS) return -abi::kESRCH;
  return r == -abi::kESRCH ? r : 0;
}

}  // namespace

// Fcntl implements Linux syscall fcntl(2): F_DUPFD(_CLOEXEC), F_GETFD/SETFD,
// F_GETFL/SETFL (O_APPEND, O_NONBLOCK and O_ASYNC change; the rest is
// ignored, as Linux ignores it), F_GETPIPE_SZ/F_SETPIPE_SZ, F_SETOWN(_EX),
// F_GETOWN(_EX), F_SETSIG/F_GETSIG (kept; O_ASYNC raises no SIGIO yet). Locks: one process, so
// F_SETLK(W) always succeeds and F_GETLK answers F_UNLCK. Other commands are -EINVAL.
// Tells hvrun what O_ASYNC asks of a host stream (file): signal (sig)
// to the owner on each input event, or nothing (HV_FDOP_ASYNC). A thread
// owner gets the signal as its process's (hvrun signals processes). The
// guest's own pipes and files raise no SIGIO.
int64_t UpdateAsync(vfs::File& file) {
  tmpfs::Inode* n = vfs::InodeOf(file);
  if (n == nullptr || n->kind != tmpfs::Kind::kHost || n->pipe_head == 0 ||
      !abi::IsStream(n->mode)) {
    return 0;
  }
  const bool on = (file.flags & abi::kO_ASYNC) != 0 && file.owner != 0;
  int64_t target = file.owner;
  // A group as kill(2) names it: 0 for the caller's own (kill(-1) would be
  // every process, where the group is 1).
  if (file.owner_type == abi::kF_OWNER_PGRP) target = file.owner == OwnGroup() ? 0 : -target;
  if (file.owner_type == abi::kF_OWNER_TID) target = process::Pid();
  const int64_t r =
      hostfs::FdOp(*n, HV_FDOP_ASYNC, file.sig, static_cast<uint64_t>(target), on ? 1 : 0);
  return r == -abi::kENOSYS ? 0 : r;  // one process only: nothing to signal across
}

int64_t sys_fcntl(hv_syscall_frame& f) {
  int32_t fd = Int(f.args[0]);
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr) return -abi::kEBADF;
  uint64_t arg = f.args[2];
  const uint32_t cmd = static_cast<uint32_t>(f.args[1]);
  // An O_PATH fd takes only the fd-level commands, as on Linux.
  if ((file->flags & abi::kO_PATH) != 0 && cmd != abi::kF_DUPFD && cmd != abi::kF_DUPFD_CLOEXEC &&
      cmd != abi::kF_GETFD && cmd != abi::kF_SETFD && cmd != abi::kF_GETFL) {
    return -abi::kEBADF;
  }
  switch (cmd) {
    case abi::kF_DUPFD:
      return vfs::Dup(fd, Int(arg), false);
    case abi::kF_DUPFD_CLOEXEC:
      return vfs::Dup(fd, Int(arg), true);
    case abi::kF_GETFD:
      return vfs::CloExec(fd) ? abi::kFD_CLOEXEC : 0;
    case abi::kF_SETFD:
      vfs::SetCloExec(fd, (arg & abi::kFD_CLOEXEC) != 0);
      return 0;
    case abi::kF_GETFL: {
      uint64_t fl = file->flags;
      tmpfs::Inode* n = vfs::InodeOf(*file);
      if (n != nullptr && n->kind == tmpfs::Kind::kConsole)
        fl = (fl & ~abi::kO_ACCMODE) | console::StatusFlags(n->stream);
      return static_cast<int64_t>(fl);
    }
    case abi::kF_SETFL: {
      constexpr uint64_t kSettable =
          abi::kO_APPEND | abi::kO_NONBLOCK | abi::kO_NOATIME | abi::kO_DIRECT | abi::kO_ASYNC;
      const bool was_async = (file->flags & abi::kO_ASYNC) != 0;
      file->flags = (file->flags & ~kSettable) | (static_cast<uint32_t>(arg) & kSettable);
      if (was_async != ((file->flags & abi::kO_ASYNC) != 0)) return UpdateAsync(*file);
      return 0;
    }
    case abi::kF_GETLK:
    case abi::kF_OFD_GETLK:
    case abi::kF_SETLK:
    case abi::kF_SETLKW:
    case abi::kF_OFD_SETLK:
    case abi::kF_OFD_SETLKW:
      return RecordLock(*file, static_cast<uint32_t>(f.args[1]), arg);
    case abi::kF_GETPIPE_SZ:
    case abi::kF_SETPIPE_SZ:
      return PipeSize(*file, static_cast<uint32_t>(f.args[1]) == abi::kF_SETPIPE_SZ, arg);
    case abi::kF_SETOWN: {
      // A pid, or a process group as its negation; 0 none.
      const int32_t who = Int(arg);
      if (who == INT32_MIN) return -abi::kEINVAL;  // no group -INT_MIN
      const uint32_t type = who < 0 ? abi::kF_OWNER_PGRP : abi::kF_OWNER_PID;
      const int32_t id = who < 0 ? -who : who;
      if (int64_t r = CheckOwner(type, id); r < 0) return r;
      file->owner = id;
      file->owner_type = type;
      return UpdateAsync(*file);
    }
    case abi::kF_GETOWN:
      return file->owner_type == abi::kF_OWNER_PGRP ? -static_cast<int64_t>(file->owner)
                                                    : file->owner;
    case abi::kF_SETOWN_EX: {
      OwnerEx o;
      if (int64_t r = user::CopyIn(&o, arg, sizeof o); r < 0) return r;
      if (o.type > abi::kF_OWNER_PGRP) return -abi::kEINVAL;
      if (int64_t r = CheckOwner(o.type, o.pid); r < 0) return r;
      file->owner = o.pid;
      file->owner_type = o.pid == 0 ? abi::kF_OWNER_PID : o.type;
      return UpdateAsync(*file);
    }
    case abi::kF_GETOWN_EX: {
      const OwnerEx o = {file->owner == 0 ? abi::kF_OWNER_PID : file->owner_type, file->owner};
      return user::CopyOut(arg, &o, sizeof o);
    }
    case abi::kF_SETSIG:
      if (arg > static_cast<uint64_t>(abi::kNSIG)) return -abi::kEINVAL;
      file->sig = static_cast<uint32_t>(arg);
      return UpdateAsync(*file);
    case abi::kF_GETSIG:
      return file->sig;
    default:
      return -abi::kEINVAL;
  }
}

// Flock implements Linux syscall flock(2): on a host file hvrun's host
// flock on the open file description (so between processes too; LOCK_NB
// absent, the wait is WaitForLock's); elsewhere this process's alone, so it
// always succeeds.
int64_t sys_flock(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  const uint32_t how = static_cast<uint32_t>(f.args[1]);
  const uint64_t op = how & ~abi::kLOCK_NB;
  if (op != abi::kLOCK_SH && op != abi::kLOCK_EX && op != abi::kLOCK_UN) return -abi::kEINVAL;
  tmpfs::Inode* n = vfs::InodeOf(*file);
  if (n == nullptr || n->kind != tmpfs::Kind::kHost || hostfs::HandleOf(*n) == 0) return 0;
  auto once = [&] { return hostfs::Flock(*n, static_cast<uint32_t>(op)); };
  if ((how & abi::kLOCK_NB) != 0) return once();
  return WaitForLock(once);
}

// Pipe implements Linux syscall pipe(2).
int64_t sys_pipe(hv_syscall_frame& f) { return PipeTo(f.args[0], 0); }

// Pipe2 implements Linux syscall pipe2(2): O_CLOEXEC, O_NONBLOCK (O_DIRECT
// accepted and ignored). Single-threaded, a read of an empty pipe whose
// writer is open returns -EAGAIN even without O_NONBLOCK (it could never
// end), and a write to a full one likewise.
int64_t sys_pipe2(hv_syscall_frame& f) {
  return PipeTo(f.args[0], static_cast<uint32_t>(f.args[1]));
}

}  // namespace hvrt
