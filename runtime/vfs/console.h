// File: runtime/vfs/console.h
//
// hvrun's stdin, stdout and stderr (streams 0, 1, 2), reached with
// HV_CALL_CONSOLE_READ/WRITE. The VFS (runtime/vfs/vfs.h) puts them behind
// fds 0-2 at boot; dup() and close() work on those fds like on any other.
// The host tells what each stream is (HV_CALL_CONSOLE_INFO: tty or pipe,
// st_mode, st_ino, st_rdev) so that the app's isatty() and fstat() agree
// with a native run; the answer is asked once per stream and kept.
//
// Example:
//   return hvrt::console::Write(1, buf, len);
#ifndef HVRT_VFS_CONSOLE_H_
#define HVRT_VFS_CONSOLE_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::console {

// Forgets what the host said about the streams.
void Reset();

// Writes (len) bytes at app address (buf) to stream 1 or 2 (-EBADF
// otherwise). Returns the bytes written or -errno; at most MAX_RW_COUNT.
int64_t Write(int64_t stream, uint64_t buf, uint64_t len);

// Reads up to (len) bytes from stream 0 (-EBADF otherwise) into app address
// (buf). Returns the bytes read (0 at end of input) or -errno.
int64_t Read(int64_t stream, uint64_t buf, uint64_t len);

// What the host's stream (stream) (0-2) is. If the host cannot say, it looks
// like a pipe (S_IFIFO, not a tty).
const hv_console_info& Info(int64_t stream);

// The access mode fcntl(F_GETFL) reports: O_RDWR for a tty (as a login shell
// opens it), else O_RDONLY for stream 0 and O_WRONLY for 1 and 2.
uint64_t StatusFlags(int64_t stream);

}  // namespace hvrt::console

#endif  // HVRT_VFS_CONSOLE_H_
