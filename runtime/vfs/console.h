// File: runtime/vfs/console.h
//
// The guest's fds 0, 1 and 2: hvrun's stdin, stdout and stderr, reached with
// HV_CALL_CONSOLE_READ/WRITE. The host tells what each stream is
// (HV_CALL_CONSOLE_INFO: tty or pipe, st_mode, st_ino, st_rdev) so that the
// app's isatty() and fstat() agree with a native run; the answer is asked
// once per fd and kept. There are no other fds until the VFS arrives.
//
// Example:
//   if (!hvrt::console::IsOpen(fd)) return -EBADF;
//   return hvrt::console::Write(fd, buf, len);
#ifndef HVRT_VFS_CONSOLE_H_
#define HVRT_VFS_CONSOLE_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::console {

// Opens fds 0-2 again and forgets what the host said about them.
void Reset();

// True for fds 0, 1 and 2 until they are closed.
bool IsOpen(int64_t fd);

// Closes console fd (fd): 0, or -EBADF if it is not open.
int64_t Close(int64_t fd);

// Writes (len) bytes at app address (buf) to fd 1 or 2 (-EBADF otherwise).
// Returns the bytes written or -errno; at most MAX_RW_COUNT per call.
int64_t Write(int64_t fd, uint64_t buf, uint64_t len);

// Reads up to (len) bytes from fd 0 into app address (buf). Returns the bytes
// read (0 at end of input) or -errno.
int64_t Read(int64_t fd, uint64_t buf, uint64_t len);

// What the host's stream behind open fd (fd) is. If the host cannot say,
// the fd looks like a pipe (S_IFIFO, not a tty).
const hv_console_info& Info(int64_t fd);

// The open file status flags fcntl(F_GETFL) reports: O_RDWR for a tty (as a
// login shell opens it), else O_RDONLY for fd 0 and O_WRONLY for 1 and 2.
uint64_t StatusFlags(int64_t fd);

// The fd flags (FD_CLOEXEC) of open fd (fd).
uint64_t FdFlags(int64_t fd);
void SetFdFlags(int64_t fd, uint64_t flags);

}  // namespace hvrt::console

#endif  // HVRT_VFS_CONSOLE_H_
