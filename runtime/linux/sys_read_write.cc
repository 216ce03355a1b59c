// Read and write on the console fds 0-2 (runtime/vfs/console.h). There are
// no other fds until the VFS arrives.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"

namespace hvrt {
namespace {

using Transfer = int64_t (*)(int64_t fd, uint64_t buf, uint64_t len);

// readv/writev: one transfer per iovec, stopping at the first short one.
// Like Linux, an error after some bytes moved returns the bytes moved.
int64_t Vectored(Transfer transfer, int32_t fd, uint64_t iov_addr, int32_t iovcnt) {
  if (!console::IsOpen(fd)) return -abi::kEBADF;
  if (iovcnt < 0 || static_cast<uint64_t>(iovcnt) > abi::kUIO_MAXIOV) return -abi::kEINVAL;
  abi::Iovec iov[16];
  uint64_t total = 0;
  for (int32_t i = 0; i < iovcnt; i++) {
    if (i % 16 == 0) {  // copy the vector in, 16 at a time
      int32_t n = iovcnt - i < 16 ? iovcnt - i : 16;
      if (int64_t r = user::CopyIn(iov, iov_addr + 16 * static_cast<uint64_t>(i), 16 * n); r < 0)
        return total > 0 ? static_cast<int64_t>(total) : r;
    }
    const abi::Iovec& v = iov[i % 16];
    if (static_cast<int64_t>(v.iov_len) < 0)
      return total > 0 ? static_cast<int64_t>(total) : -abi::kEINVAL;
    if (v.iov_len == 0) continue;
    int64_t r = transfer(fd, v.iov_base, v.iov_len);
    if (r < 0) return total > 0 ? static_cast<int64_t>(total) : r;
    total += static_cast<uint64_t>(r);
    if (static_cast<uint64_t>(r) < v.iov_len) break;
  }
  return static_cast<int64_t>(total);
}

// pread/pwrite/lseek: a console stream has no offset.
int64_t NoOffset(int32_t fd) { return console::IsOpen(fd) ? -abi::kESPIPE : -abi::kEBADF; }

}  // namespace

// Read implements Linux syscall read(2).
int64_t sys_read(hv_syscall_frame& f) {
  return console::Read(Int(f.args[0]), f.args[1], f.args[2]);
}

// Write implements Linux syscall write(2).
int64_t sys_write(hv_syscall_frame& f) {
  return console::Write(Int(f.args[0]), f.args[1], f.args[2]);
}

// Readv implements Linux syscall readv(2).
int64_t sys_readv(hv_syscall_frame& f) {
  return Vectored(console::Read, Int(f.args[0]), f.args[1], Int(f.args[2]));
}

// Writev implements Linux syscall writev(2).
int64_t sys_writev(hv_syscall_frame& f) {
  return Vectored(console::Write, Int(f.args[0]), f.args[1], Int(f.args[2]));
}

// Pread64 implements Linux syscall pread64(2): -ESPIPE on the console.
int64_t sys_pread64(hv_syscall_frame& f) { return NoOffset(Int(f.args[0])); }

// Pwrite64 implements Linux syscall pwrite64(2): -ESPIPE on the console.
int64_t sys_pwrite64(hv_syscall_frame& f) { return NoOffset(Int(f.args[0])); }

// Lseek implements Linux syscall lseek(2): -ESPIPE on the console.
int64_t sys_lseek(hv_syscall_frame& f) { return NoOffset(Int(f.args[0])); }

}  // namespace hvrt
