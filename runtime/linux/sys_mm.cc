// Memory syscalls: argument decoding; runtime/mm/vm.h does the work. A
// file mapping is anonymous memory holding a copy; shared ones are kept
// coherent with the file by runtime/vfs/shared_maps.h.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/shared_maps.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// mmap of a regular file, tmpfs or host: fresh anonymous pages (zero) with
// the file's bytes from (off) copied in. That is exact for MAP_PRIVATE. A
// MAP_SHARED mapping is registered with shared_maps.h, which keeps it and
// the file coherent (reads, writes, msync, munmap, exit); a writable one
// needs a file open for reading and writing, as on Linux.
int64_t MapFile(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int32_t fd,
                uint64_t off) {
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr) return -abi::kEBADF;
  tmpfs::Inode* n = vfs::InodeOf(*file);
  bool host = n != nullptr && hostfs::IsHost(*n) && abi::IsReg(n->mode);
  if (!host && (n == nullptr || n->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(n->mode)))
    return -abi::kENODEV;
  uint64_t acc = file->flags & abi::kO_ACCMODE;
  if (acc == abi::kO_WRONLY || (file->flags & abi::kO_PATH) != 0) return -abi::kEACCES;
  bool shared = (flags & abi::kMAP_TYPE) != abi::kMAP_PRIVATE;
  if (shared && (prot & abi::kPROT_WRITE) != 0) {
    if (acc != abi::kO_RDWR) return -abi::kEACCES;
    // Write-back is a positioned write, which an O_APPEND host fd appends.
    if (host && (file->flags & abi::kO_APPEND) != 0) return -abi::kENODEV;
  }
  if ((flags & abi::kMAP_FIXED) != 0) shared_maps::WriteBackRange(addr, len, /*forget=*/true);
  int64_t a = mm::Mmap(addr, len, prot, flags | abi::kMAP_ANONYMOUS, -1, off);
  if (a < 0) return a;
  uint64_t at = static_cast<uint64_t>(a);
  if (!host) {
    tmpfs::Read(*n, reinterpret_cast<void*>(a), len, off);
  } else {
    // Read into the fresh pages until the end of the file (the host may
    // return fewer bytes per call). Past the end stays zero.
    for (uint64_t done = 0; done < len;) {
      int64_t r = hostfs::Read(*n, at + done, len - done, off + done);
      if (r < 0) {
        mm::Munmap(at, len);
        return r;
      }
      if (r == 0) break;
      done += static_cast<uint64_t>(r);
    }
  }
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

// Brk implements Linux syscall brk(2).
int64_t sys_brk(hv_syscall_frame& f) { return mm::Brk(f.args[0]); }

// Mmap implements Linux syscall mmap(2): anonymous mappings, and in-guest
// files as copies (MapFile).
int64_t sys_mmap(hv_syscall_frame& f) {
  uint64_t flags = static_cast<uint32_t>(f.args[3]);
  if ((flags & abi::kMAP_ANONYMOUS) == 0 && f.args[1] != 0 && (f.args[5] & 4095) == 0) {
    uint64_t type = flags & abi::kMAP_TYPE;
    if (type == abi::kMAP_SHARED || type == abi::kMAP_PRIVATE || type == abi::kMAP_SHARED_VALIDATE)
      return MapFile(f.args[0], f.args[1], f.args[2], flags, Int(f.args[4]), f.args[5]);
  }
  if ((flags & abi::kMAP_FIXED) != 0 && shared_maps::Any())
    shared_maps::WriteBackRange(f.args[0], f.args[1], /*forget=*/true);
  return mm::Mmap(f.args[0], f.args[1], f.args[2], static_cast<uint32_t>(f.args[3]), Int(f.args[4]),
                  f.args[5]);
}

// Munmap implements Linux syscall munmap(2).
int64_t sys_munmap(hv_syscall_frame& f) {
  if (shared_maps::Any() && (f.args[0] & 4095) == 0 && f.args[1] != 0 && f.args[1] < (1ull << 47))
    shared_maps::WriteBackRange(f.args[0], mm::PageUp(f.args[1]), /*forget=*/true);
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
  if (mm::Mprotect(addr, len, abi::kPROT_READ) < 0) return -abi::kENOMEM;  // unmapped
  return shared_maps::WriteBackRange(addr, mm::PageUp(len), /*forget=*/false);
}

// Mprotect implements Linux syscall mprotect(2) (bookkeeping only).
int64_t sys_mprotect(hv_syscall_frame& f) {
  return mm::Mprotect(f.args[0], f.args[1], static_cast<uint32_t>(f.args[2]));
}

// Madvise implements Linux syscall madvise(2).
int64_t sys_madvise(hv_syscall_frame& f) {
  return mm::Madvise(f.args[0], f.args[1], static_cast<uint32_t>(f.args[2]));
}

// Mremap implements Linux syscall mremap(2).
int64_t sys_mremap(hv_syscall_frame& f) {
  // A moved or shrunk shared file mapping stops being shared (its bytes go
  // to the file first): shared_maps.h.
  if (shared_maps::Any() && (f.args[0] & 4095) == 0 && f.args[1] != 0 && f.args[1] < (1ull << 47))
    shared_maps::WriteBackRange(f.args[0], mm::PageUp(f.args[1]), /*forget=*/true);
  return mm::Mremap(f.args[0], f.args[1], f.args[2], f.args[3], f.args[4]);
}

}  // namespace hvrt
