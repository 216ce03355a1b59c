// Memory syscalls: argument decoding; runtime/mm/vm.h does the work. A
// file mapping of an in-guest file is anonymous memory holding a copy.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// mmap of a tmpfs regular file: fresh anonymous pages (zero) with the
// file's bytes from (off) copied in. That is exact for MAP_PRIVATE. A shared
// mapping would have to see later writes to the file (and write back), so
// only a read-only MAP_SHARED is accepted, as a snapshot; a writable one is
// -ENODEV.
int64_t MapFile(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int32_t fd,
                uint64_t off) {
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr) return -abi::kEBADF;
  tmpfs::Inode* n = vfs::InodeOf(*file);
  bool host = n != nullptr && hostfs::IsHost(*n) && abi::IsReg(n->mode);
  if (!host && (n == nullptr || n->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(n->mode)))
    return -abi::kENODEV;
  if ((file->flags & abi::kO_ACCMODE) == abi::kO_WRONLY) return -abi::kEACCES;
  bool shared = (flags & abi::kMAP_TYPE) != abi::kMAP_PRIVATE;
  if (shared && (prot & abi::kPROT_WRITE) != 0) return -abi::kENODEV;
  int64_t a = mm::Mmap(addr, len, prot, flags | abi::kMAP_ANONYMOUS, -1, off);
  if (a < 0) return a;
  if (!host) {
    tmpfs::Read(*n, reinterpret_cast<void*>(a), len, off);
    return static_cast<int64_t>(a);
  }
  // A host file: read into the fresh pages until the end of the file (the
  // host may return fewer bytes per call). Past the end stays zero.
  for (uint64_t done = 0; done < len;) {
    int64_t r = hostfs::Read(*n, static_cast<uint64_t>(a) + done, len - done, off + done);
    if (r < 0) {
      mm::Munmap(static_cast<uint64_t>(a), len);
      return r;
    }
    if (r == 0) break;
    done += static_cast<uint64_t>(r);
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
  return mm::Mmap(f.args[0], f.args[1], f.args[2], static_cast<uint32_t>(f.args[3]), Int(f.args[4]),
                  f.args[5]);
}

// Munmap implements Linux syscall munmap(2).
int64_t sys_munmap(hv_syscall_frame& f) { return mm::Munmap(f.args[0], f.args[1]); }

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
  return mm::Mremap(f.args[0], f.args[1], f.args[2], f.args[3], f.args[4]);
}

}  // namespace hvrt
