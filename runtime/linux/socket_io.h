// File: runtime/linux/socket_io.h
//
// read(2)/write(2) and their vectored and positioned kin on a socket: the
// same path as recv(2)/send(2) without flags (sys_socket.cc), so a blocking
// transfer waits for readiness in slices (signals end it; SO_RCVTIMEO and
// SO_SNDTIMEO bound it) instead of in hvrun, and a write to a broken
// connection raises SIGPIPE.
#ifndef HVRT_LINUX_SOCKET_IO_H_
#define HVRT_LINUX_SOCKET_IO_H_

#include <stdint.h>

#include "runtime/vfs/vfs.h"

namespace hvrt::socket_io {

// One transfer of (buf, len) on socket inode (n) (a kHost S_IFSOCK inode)
// through its open description (f) (O_NONBLOCK): bytes moved or -errno.
int64_t Transfer(tmpfs::Inode& n, vfs::File& f, bool write, uint64_t buf, uint64_t len);

}  // namespace hvrt::socket_io

#endif  // HVRT_LINUX_SOCKET_IO_H_
