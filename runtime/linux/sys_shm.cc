// System V shared memory: shmget, shmat, shmdt, shmctl. The segments are
// hvrun's (HV_CALL_SYSV_SHM: one key and id space for the container, files
// of its shared-memory store); an attach is hvrun mapping the segment's file
// at the address this process chose, as MAP_SHARED of a /dev/shm file is
// (mm::shared_anon::AdoptFile), so every process sees the same bytes.
// This process remembers its attaches (address and length) for shmdt;
// fork's child inherits them with the runtime's memory, execve drops them.
#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/linux/shm.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/mm/vm.h"

namespace hvrt {
namespace {

// Linux's values (linux/ipc.h, linux/shm.h).
constexpr uint32_t kIPC_CREAT = 01000;
constexpr uint32_t kIPC_EXCL = 02000;
constexpr int32_t kIPC_RMID = 0;
constexpr int32_t kIPC_SET = 1;
constexpr int32_t kIPC_STAT = 2;
constexpr int32_t kIPC_INFO = 3;
constexpr int32_t kSHM_LOCK = 11;
constexpr int32_t kSHM_UNLOCK = 12;
constexpr int32_t kIPC_64 = 0x100;
constexpr uint64_t kSHM_RDONLY = 010000;
constexpr uint64_t kSHM_RND = 020000;
constexpr uint64_t kSHM_REMAP = 040000;
constexpr uint64_t kSHM_EXEC = 0100000;
constexpr uint64_t kSHMLBA = 4096;

// struct shmid64_ds (x86-64), with its struct ipc64_perm.
struct ShmidDs {
  int32_t key;
  uint32_t uid, gid, cuid, cgid;
  uint16_t mode, pad1;
  uint16_t seq, pad2;
  uint32_t pad3;
  uint64_t unused1, unused2;
  uint64_t segsz;
  int64_t atime, dtime, ctime;
  int32_t cpid, lpid;
  uint64_t nattch;
  uint64_t unused4, unused5;
};
static_assert(sizeof(ShmidDs) == 112);
static_assert(__builtin_offsetof(ShmidDs, segsz) == 48);
static_assert(__builtin_offsetof(ShmidDs, nattch) == 88);

// struct shminfo64 (IPC_INFO).
struct ShmInfo {
  uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
  uint64_t unused[4];
};

struct Attach {
  uint64_t addr, len;
};
constexpr int kMaxAttaches = 128;  // per process (Linux's SHMSEG is unbounded)
constinit Attach g_attaches[kMaxAttaches] = {};

int64_t Ask(hv_sysv_shm& req) {
  req.pid = process::Pid();
  return hv::Call(HV_CALL_SYSV_SHM, &req);
}

}  // namespace

namespace shm {
void ForgetAttaches() { Fill(g_attaches, 0, sizeof g_attaches); }
}  // namespace shm

int64_t sys_shmget(hv_syscall_frame& f) {
  hv_sysv_shm req = {};
  req.op = HV_SYSV_GET;
  req.key = Int(f.args[0]);
  req.size = f.args[1];
  const uint32_t flags = static_cast<uint32_t>(f.args[2]);
  req.flags = flags & (kIPC_CREAT | kIPC_EXCL);
  req.mode = flags & 0777;
  req.uid = cred::Uid().effective;
  req.gid = cred::Gid().effective;
  return Ask(req);
}

int64_t sys_shmat(hv_syscall_frame& f) {
  const int32_t id = Int(f.args[0]);
  uint64_t addr = f.args[1];
  const uint64_t flags = f.args[2];
  Attach* slot = nullptr;
  for (Attach& a : g_attaches) {
    if (a.len == 0) {
      slot = &a;
      break;
    }
  }
  if (slot == nullptr) return -abi::kEMFILE;
  hv_sysv_shm req = {};
  req.op = HV_SYSV_STAT;
  req.id = id;
  if (int64_t r = Ask(req); r < 0) return r;
  const uint64_t len = mm::PageUp(req.size);
  if (addr != 0) {
    if ((flags & kSHM_RND) != 0) addr &= ~(kSHMLBA - 1);
    if ((addr & (kSHMLBA - 1)) != 0) return -abi::kEINVAL;
  }
  uint64_t prot = abi::kPROT_READ | ((flags & kSHM_RDONLY) ? 0 : abi::kPROT_WRITE) |
                  ((flags & kSHM_EXEC) ? abi::kPROT_EXEC : 0);
  uint64_t mflags = abi::kMAP_PRIVATE | abi::kMAP_ANONYMOUS;
  if (addr != 0) mflags |= (flags & kSHM_REMAP) ? abi::kMAP_FIXED : abi::kMAP_FIXED_NOREPLACE;
  const int64_t a = mm::Mmap(addr, len, mm::protect::kDefault, mflags, -1, 0);
  if (a < 0) return a == -abi::kEEXIST ? -abi::kEINVAL : a;
  const uint64_t at = static_cast<uint64_t>(a);
  req = {};
  req.op = HV_SYSV_ATTACH;
  req.id = id;
  req.addr = at;
  int64_t r = Ask(req);
  if (r == 0) r = mm::shared_anon::AdoptFile(at, len, 0);
  if (r == 0) r = mm::Mprotect(at, len, prot);
  if (r < 0) {
    mm::Munmap(at, len);
    return r;
  }
  *slot = Attach{at, len};
  return a;
}

int64_t sys_shmdt(hv_syscall_frame& f) {
  const uint64_t addr = f.args[0];
  for (Attach& a : g_attaches) {
    if (a.len == 0 || a.addr != addr) continue;
    const Attach was = a;
    a = Attach{};
    // Gone already if the app unmapped it: nothing shared there now.
    if (!mm::shared_anon::Contains(was.addr)) return -abi::kEINVAL;
    return mm::Munmap(was.addr, was.len);
  }
  return -abi::kEINVAL;
}

int64_t sys_shmctl(hv_syscall_frame& f) {
  const int32_t id = Int(f.args[0]);
  const int32_t cmd = Int(f.args[1]) & ~kIPC_64;
  const uint64_t buf = f.args[2];
  hv_sysv_shm req = {};
  req.id = id;
  switch (cmd) {
    case kIPC_STAT: {
      req.op = HV_SYSV_STAT;
      if (int64_t r = Ask(req); r < 0) return r;
      ShmidDs ds = {};
      ds.key = req.key;
      ds.uid = req.uid;
      ds.gid = req.gid;
      ds.cuid = req.cuid;
      ds.cgid = req.cgid;
      ds.mode = static_cast<uint16_t>(req.mode);
      ds.segsz = req.size;
      ds.atime = req.atime;
      ds.dtime = req.dtime;
      ds.ctime = req.ctime;
      ds.cpid = req.cpid;
      ds.lpid = req.lpid;
      ds.nattch = req.nattch;
      return user::CopyOut(buf, &ds, sizeof ds) < 0 ? -abi::kEFAULT : 0;
    }
    case kIPC_SET: {
      ShmidDs ds;
      if (user::CopyIn(&ds, buf, sizeof ds) < 0) return -abi::kEFAULT;
      req.op = HV_SYSV_SET;
      req.uid = ds.uid;
      req.gid = ds.gid;
      req.mode = ds.mode;
      return Ask(req);
    }
    case kIPC_RMID:
      req.op = HV_SYSV_REMOVE;
      return Ask(req);
    case kIPC_INFO: {
      // The limits: one store holds them all (--shm-size).
      const ShmInfo info = {boot::Info().memory_limit,        1, 4096, 4096,
                            boot::Info().memory_limit / 4096, {}};
      return user::CopyOut(buf, &info, sizeof info) < 0 ? -abi::kEFAULT : 0;
    }
    case kSHM_LOCK:
    case kSHM_UNLOCK:
      // Nothing is ever swapped out here: locking changes nothing.
      req.op = HV_SYSV_STAT;
      return Ask(req);
    default:
      return -abi::kEINVAL;
  }
}

}  // namespace hvrt
