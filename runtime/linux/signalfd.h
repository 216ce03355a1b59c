// File: runtime/linux/signalfd.h
//
// signalfd(2): an fd whose reads take the calling thread's pending signals
// of its mask (one struct signalfd_siginfo, 128 bytes, each), instead of
// delivering them; it is readable (poll) while one is pending. The mask
// lives in the fd's inode (tmpfs::Kind::kSignalFd). A read with nothing
// pending waits on the process's events word (every signal sent counts it
// up), unless O_NONBLOCK (-EAGAIN) or a handler is to run (EINTR).
#ifndef HVRT_LINUX_SIGNALFD_H_
#define HVRT_LINUX_SIGNALFD_H_

#include <stdint.h>

#include "runtime/vfs/tmpfs.h"

namespace hvrt::signalfd {

// read(2) on signalfd (n) into app memory (buf, len), already range-checked.
int64_t Read(const tmpfs::Inode& n, uint64_t buf, uint64_t len, bool nonblock);
// Whether a read would take a signal now.
bool Readable(const tmpfs::Inode& n);

}  // namespace hvrt::signalfd

#endif  // HVRT_LINUX_SIGNALFD_H_
