// Memory syscalls: argument decoding only; runtime/mm/vm.h does the work.
#include "runtime/linux/syscalls.h"
#include "runtime/mm/vm.h"

namespace hvrt {

// Brk implements Linux syscall brk(2).
int64_t sys_brk(hv_syscall_frame& f) { return mm::Brk(f.args[0]); }

// Mmap implements Linux syscall mmap(2) for anonymous mappings.
int64_t sys_mmap(hv_syscall_frame& f) {
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
