// Memory syscalls: argument decoding; runtime/mm/vm.h does the work. A
// file mapping is anonymous memory holding a copy; shared ones are kept
// coherent with the file by runtime/vfs/shared_maps.h.
#include "runtime/boot/boot_info.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/abi/resource.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/shared_maps.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// Before [addr, addr + len) is unmapped, replaced or moved: its shared
// mappings' bytes go to their files and the range stops being shared
// (shared_maps.h). A range munmap would refuse is left alone.
void Unshare(uint64_t addr, uint64_t len) {
  if (!shared_maps::Any() || (addr & 4095) != 0 || len == 0 || len >= (1ull << 47)) return;
  shared_maps::WriteBackRange(addr, mm::PageUp(len), /*forget=*/true);
}

// MAP_SHARED of a file of hvrun's shared-memory store (/dev/shm): the host
// file's own pages, mapped by hvrun (shared_anon::AddFile) in this process
// and in every process that maps them, so stores and futexes are shared
// between processes as on Linux. Pages wholly past the end of the file are
// this process's own, and raise SIGBUS, as on Linux (a later ftruncate that
// grows the file does not make them the file's: map again). -ENOSYS where
// hvrun maps no files (xen): the caller copies instead.
int64_t MapStoreFile(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
                     const tmpfs::Inode& n, uint64_t off) {
  abi::Stat st;
  if (int64_t r = hostfs::Stat(n, &st); r < 0) return r;
  const uint64_t handle = hostfs::HandleOf(n);
  if (handle == 0) return -abi::kEBADF;
  if ((flags & abi::kMAP_FIXED) != 0) Unshare(addr, len);
  int64_t a = mm::Mmap(addr, len, mm::protect::kDefault,
                       (flags & ~abi::kMAP_TYPE) | abi::kMAP_PRIVATE | abi::kMAP_ANONYMOUS, -1, 0);
  if (a < 0) return a;
  const uint64_t at = static_cast<uint64_t>(a);
  const uint64_t pages = mm::PageUp(len);
  const uint64_t file_pages = mm::PageUp(st.st_size);
  const uint64_t mapped =
      off >= file_pages ? 0 : (file_pages - off < pages ? file_pages - off : pages);
  if (mapped > 0) {
    if (int64_t r = mm::shared_anon::AddFile(at, mapped, static_cast<uint32_t>(handle - 1), off);
        r < 0) {
      mm::Munmap(at, len);
      return r;
    }
  }
  if (int64_t r = mm::Mprotect(at, len, prot); r < 0) {
    mm::Munmap(at, len);
    return r;
  }
  if (mapped < pages && !mm::protect::Change(at + mapped, at + pages, 0, mm::protect::kBus)) {
    mm::Munmap(at, len);
    return -abi::kENOMEM;
  }
  return a;
}

// mmap of a regular file, tmpfs or host: fresh anonymous pages (zero) with
// the file's bytes from (off) copied in. That is exact for MAP_PRIVATE. A
// MAP_SHARED mapping is registered with shared_maps.h, which keeps it and
// the file coherent (reads, writes, msync, munmap, exit); a writable one
// needs a file open for reading and writing, as on Linux.
int64_t MapFile(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int32_t fd,
                uint64_t off) {
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr || (file->flags & abi::kO_PATH) != 0) return -abi::kEBADF;
  // Linux's order: the fd's access mode first, then whether the file maps.
  uint64_t acc = file->flags & abi::kO_ACCMODE;
  bool shared = (flags & abi::kMAP_TYPE) != abi::kMAP_PRIVATE;
  if (acc == abi::kO_WRONLY) return -abi::kEACCES;
  if (shared && (prot & abi::kPROT_WRITE) != 0 && acc != abi::kO_RDWR) return -abi::kEACCES;
  tmpfs::Inode* n = vfs::InodeOf(*file);
  // /dev/zero maps as anonymous memory (shared or not: one process).
  if (n != nullptr && n->kind == tmpfs::Kind::kZero)
    return mm::Mmap(addr, len, prot,
                    (flags & ~abi::kMAP_TYPE) | abi::kMAP_PRIVATE | abi::kMAP_ANONYMOUS, -1, 0);
  bool host = n != nullptr && hostfs::IsHost(*n) && abi::IsReg(n->mode);
  if (!host && (n == nullptr || n->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(n->mode)))
    return -abi::kENODEV;
  // The file's pages past the largest file offset (off_t) cannot be mapped.
  constexpr uint64_t kMaxOff = 0x7fffffffffffffffull;
  if (len > kMaxOff || off > kMaxOff - mm::PageUp(len)) return -abi::kEOVERFLOW;
  if (shared && (prot & abi::kPROT_WRITE) != 0) {
    // Write-back is a positioned write, which an O_APPEND host fd appends.
    if (host && (file->flags & abi::kO_APPEND) != 0) return -abi::kENODEV;
  }
  if (host && shared && hostfs::InShmStore(*n)) {
    if (int64_t r = MapStoreFile(addr, len, prot, flags, *n, off); r != -abi::kENOSYS) return r;
  }
  if ((flags & abi::kMAP_FIXED) != 0) Unshare(addr, len);
  // Read/write while the file's bytes come in; (prot) after.
  int64_t a = mm::Mmap(addr, len, mm::protect::kDefault, flags | abi::kMAP_ANONYMOUS, -1, off);
  if (a < 0) return a;
  uint64_t at = static_cast<uint64_t>(a);
  // Read into the fresh pages until the end of the file; past it stays zero.
  const int64_t filled = shared_maps::ReadFile(*n, at, len, off);
  if (filled < 0) {
    mm::Munmap(at, len);
    return filled;
  }
  // Pages wholly past the end of the file raise SIGBUS, as on Linux.
  if (int64_t r = mm::Mprotect(at, len, prot); r < 0) {
    mm::Munmap(at, len);
    return r;
  }
  const uint64_t valid = mm::PageUp(static_cast<uint64_t>(filled));
  if (valid < mm::PageUp(len) &&
      !mm::protect::Change(at + valid, at + mm::PageUp(len), 0, mm::protect::kBus)) {
    mm::Munmap(at, len);
    return -abi::kENOMEM;
  }
  if (!shared) shared_maps::AddPrivate(file->ino, at, mm::PageUp(len), off);
  if (shared) {
    // The other shared mappings of these bytes hold the latest stores.
    shared_maps::OverlayRead(*n, reinterpret_cast<void*>(a), off, len);
    if (int64_t r = shared_maps::Add(file->ino, at, mm::PageUp(len), off); r < 0) {
      mm::Munmap(at, len);
      return r;
    }
  }
  return a;
}

}  // namespace

// Brk implements Linux syscall brk(2), within RLIMIT_DATA (the heap's size;
// past it the break stays where it is, as glibc's sbrk sees as ENOMEM).
int64_t sys_brk(hv_syscall_frame& f) {
  uint64_t want = f.args[0];
  const abi::Rlimit* data = process::Limit(abi::kRLIMIT_DATA);
  if (want > mm::BrkBase() && data != nullptr && want - mm::BrkBase() > data->rlim_cur)
    return static_cast<int64_t>(mm::BrkEnd());
  return mm::Brk(want);
}

// Whether a new mapping of (len) bytes would take the app past RLIMIT_AS.
bool OverAddressSpaceLimit(uint64_t len) {
  const abi::Rlimit* as = process::Limit(abi::kRLIMIT_AS);
  if (as == nullptr || as->rlim_cur == ~uint64_t{0}) return false;
  const hv_boot_info& bi = boot::Info();
  uint64_t mapped = mm::Pages().UsedPages() * mm::kPageSize + mm::PageUp(bi.app.size) +
                    mm::PageUp(bi.interp.size);
  return len > as->rlim_cur || mapped > as->rlim_cur - len;
}

// Mmap implements Linux syscall mmap(2): anonymous mappings, and in-guest
// files as copies (MapFile).
int64_t sys_mmap(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[3]);
  if (f.args[1] != 0 && f.args[1] < (1ull << 47) && OverAddressSpaceLimit(mm::PageUp(f.args[1])))
    return -abi::kENOMEM;
  if ((flags & abi::kMAP_ANONYMOUS) == 0 && f.args[1] != 0 && (f.args[5] & 4095) == 0) {
    uint64_t type = flags & abi::kMAP_TYPE;
    if (type == abi::kMAP_SHARED || type == abi::kMAP_PRIVATE || type == abi::kMAP_SHARED_VALIDATE)
      return MapFile(f.args[0], f.args[1], f.args[2], flags, Int(f.args[4]), f.args[5]);
  }
  // MAP_SHARED_VALIDATE (MAP_SHARED | MAP_PRIVATE) of memory: as Linux, EINVAL.
  if ((flags & abi::kMAP_ANONYMOUS) != 0 && (flags & abi::kMAP_TYPE) == abi::kMAP_SHARED_VALIDATE)
    return -abi::kEINVAL;
  if ((flags & abi::kMAP_FIXED) != 0) Unshare(f.args[0], f.args[1]);
  int64_t a = mm::Mmap(f.args[0], f.args[1], f.args[2], static_cast<uint32_t>(f.args[3]),
                       Int(f.args[4]), f.args[5]);
  if (a > 0 && (flags & abi::kMAP_ANONYMOUS) != 0 && (flags & abi::kMAP_TYPE) == abi::kMAP_SHARED)
    shared_maps::AddAnonymous(static_cast<uint64_t>(a), mm::PageUp(f.args[1]));
  return a;
}

// Munmap implements Linux syscall munmap(2).
int64_t sys_munmap(hv_syscall_frame& f) {
  Unshare(f.args[0], f.args[1]);
  return mm::Munmap(f.args[0], f.args[1]);
}

// Msync implements Linux syscall msync(2): shared file mappings in the range
// are written to their files (shared_maps.h); the rest is memory already.
int64_t sys_msync(hv_syscall_frame& f) {
  constexpr uint64_t kMS_ASYNC = 1, kMS_INVALIDATE = 2, kMS_SYNC = 4;
  uint64_t addr = f.args[0], len = f.args[1], flags = f.args[2];
  if ((addr & 4095) != 0 || (flags & ~(kMS_ASYNC | kMS_INVALIDATE | kMS_SYNC)) != 0 ||
      ((flags & kMS_ASYNC) != 0 && (flags & kMS_SYNC) != 0))
    return -abi::kEINVAL;
  if (len == 0) return 0;
  if (len >= (1ull << 47) || addr + mm::PageUp(len) < addr) return -abi::kENOMEM;
  if (!mm::IsMapped(addr, len)) return -abi::kENOMEM;
  return shared_maps::WriteBackRange(addr, mm::PageUp(len), /*forget=*/false);
}

// Mincore implements Linux syscall mincore(2), with Linux's checks in its
// order. Residency is not known here (a page may be a hole of the host's
// memfd): every mapped page is reported resident.
int64_t sys_mincore(hv_syscall_frame& f) {
  uint64_t addr = f.args[0], len = f.args[1], vec = f.args[2];
  if ((addr & 4095) != 0) return -abi::kEINVAL;
  constexpr uint64_t kTaskSize = 1ull << 47;
  if (addr > kTaskSize || len > kTaskSize - addr) return -abi::kENOMEM;
  if (len == 0) return 0;  // any vec will do: nothing is stored
  uint64_t pages = mm::PageUp(len) / mm::kPageSize;
  if (!user::WriteOk(vec, pages)) return -abi::kEFAULT;
  if (!mm::IsMapped(addr, len)) return -abi::kENOMEM;
  Fill(reinterpret_cast<void*>(vec), 1, pages);
  return 0;
}

// Mprotect implements Linux syscall mprotect(2) (mm/protect.h enforces it
// where the backend can).
int64_t sys_mprotect(hv_syscall_frame& f) {
  return mm::Mprotect(f.args[0], f.args[1], static_cast<uint32_t>(f.args[2]));
}

namespace {

// madvise(2)'s work. MADV_DONTNEED of a shared file mapping leaves it as it
// is: on Linux the pages come back from the file, whose latest bytes the
// mapping holds (shared_maps.h).
int64_t Madvise(uint64_t addr, uint64_t len, uint32_t advice) {
  if (len != 0 && (mm::PageUp(len) == 0 || addr + mm::PageUp(len) < addr)) return -abi::kEINVAL;
  constexpr uint32_t kMADV_FREE = 8;
  if ((advice != abi::kMADV_DONTNEED && advice != kMADV_FREE) || !shared_maps::Any() ||
      (addr & 4095) != 0 || len == 0 || len >= (1ull << 47))
    return mm::Madvise(addr, len, advice);
  if (!mm::IsMapped(addr, len)) return -abi::kENOMEM;
  // The runs between shared mappings, each advised as a whole.
  uint64_t end = addr + mm::PageUp(len);
  for (uint64_t p = addr; p < end;) {
    uint64_t skip_lo = end, skip_hi = end;
    shared_maps::FirstCovered(p, end, &skip_lo, &skip_hi);
    if (skip_lo > p) {
      if (int64_t r = mm::Madvise(p, skip_lo - p, advice); r < 0) return r;
    }
    p = skip_hi;
  }
  return 0;
}

}  // namespace

// Madvise implements Linux syscall madvise(2).
int64_t sys_madvise(hv_syscall_frame& f) {
  uint64_t addr = f.args[0], len = f.args[1];
  uint32_t advice = static_cast<uint32_t>(f.args[2]);
  int64_t r = Madvise(addr, len, advice);
  // MADV_DONTNEED of a private file mapping: its pages are the file's again.
  if (r == 0 && advice == abi::kMADV_DONTNEED && len != 0) {
    shared_maps::RefillPrivate(addr, mm::PageUp(len));
  }
  return r;
}

// Mremap implements Linux syscall mremap(2). A moved or shrunk shared file
// mapping stops being shared (its bytes go to the file first:
// shared_maps.h). A private file mapping that grows shows the file's bytes
// in its new pages (and SIGBUS past the file's end), as on Linux.
int64_t sys_mremap(hv_syscall_frame& f) {
  const uint64_t old_addr = f.args[0], old_len = f.args[1], new_len = f.args[2];
  uint32_t inode = 0;
  uint64_t off = 0;
  const bool priv = (old_addr & 4095) == 0 && old_len != 0 && old_len < (1ull << 47) &&
                    shared_maps::PrivateAt(old_addr, &inode, &off);
  Unshare(old_addr, old_len);
  int64_t r = mm::Mremap(old_addr, old_len, new_len, f.args[3], f.args[4]);
  if (r < 0 || !priv) return r;
  const uint64_t at = static_cast<uint64_t>(r);
  const uint64_t kept = mm::PageUp(old_len), total = mm::PageUp(new_len);
  if (total > kept) {
    if (tmpfs::Inode* n = tmpfs::Get(inode)) {
      int64_t filled;
      {
        mm::protect::ScopedAccess access(at + kept, at + total);
        filled = shared_maps::ReadFile(*n, at + kept, total - kept, off + kept);
      }
      uint64_t valid = at + kept + mm::PageUp(filled > 0 ? static_cast<uint64_t>(filled) : 0);
      if (valid > at + total) valid = at + total;
      mm::protect::Change(at + kept, valid, mm::protect::kBus, 0);
      mm::protect::Change(valid, at + total, 0, mm::protect::kBus);
    }
  }
  shared_maps::AddPrivate(inode, at, total, off);
  return r;
}

}  // namespace hvrt
