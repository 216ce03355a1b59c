// File: runtime/linux/user.h
//
// Checked access to app memory for syscall handlers. An app pointer is a
// guest address the app chose; before the runtime reads or writes through it
// the range must lie wholly in guest memory above the null page and be
// mapped with the access it needs, else the call returns -EFAULT (as Linux
// does) instead of faulting in the runtime.
//
// Example:
//   abi::Timespec ts = {sec, nsec};
//   return user::CopyOut(f.args[1], &ts, sizeof ts);   // 0 or -EFAULT
#ifndef HVRT_LINUX_USER_H_
#define HVRT_LINUX_USER_H_

#include <stddef.h>
#include <stdint.h>

namespace hvrt::user {

// True if [addr, addr + len) is inside guest memory and above the null page,
// and the app may read it: mapped (mm/vm.h), not PROT_NONE, not a file page
// past EOF (mm/protect.h). WriteOk: and write it too (PROT_WRITE).
bool RangeOk(uint64_t addr, uint64_t len);
bool WriteOk(uint64_t addr, uint64_t len);
// How many bytes from (addr), up to (len), the app may read (or, with
// (write), write): all of them, or up to the first page it may not. A
// transfer moves that much, as Linux's copies stop at a bad page.
uint64_t AccessiblePrefix(uint64_t addr, uint64_t len, bool write);

// Copies (len) bytes from the runtime's (src) to app address (dst). Returns 0
// or -EFAULT (nothing copied).
int64_t CopyOut(uint64_t dst, const void* src, size_t len);

// Copies (len) bytes from app address (src) to the runtime's (dst). Returns 0
// or -EFAULT (nothing copied).
int64_t CopyIn(void* dst, uint64_t src, size_t len);

// Checks the NUL-terminated string at app address (src) in place (handlers
// run on the app's stack, so they avoid path-sized copies). Returns its
// length, -EFAULT, or -ENAMETOOLONG if it has no NUL within (max) bytes.
// After a success the string may be read at reinterpret_cast<const char*>(src).
int64_t StringLength(uint64_t src, size_t max);

// A path argument: checks it as StringLength does with PATH_MAX and points
// (*out) at it in place. Returns 0 or -EFAULT/-ENAMETOOLONG.
int64_t Path(uint64_t src, const char** out);

}  // namespace hvrt::user

#endif  // HVRT_LINUX_USER_H_
