// File: runtime/linux/local_ready.h
//
// What an fd the runtime serves itself (no host stream behind it) is ready
// for now, as poll(2) bits (epoll's are the same numbers): a signalfd by its
// pending signals, the guest's own pipe by its content and ends, anything
// else (files, directories, devices, the console) always readable and
// writable, as on Linux. poll, select and epoll's runtime members ask here.
#ifndef HVRT_LINUX_LOCAL_READY_H_
#define HVRT_LINUX_LOCAL_READY_H_

#include <stdint.h>

#include "runtime/vfs/vfs.h"

namespace hvrt::local_ready {

inline constexpr uint16_t kIn = 0x1, kOut = 0x4, kErr = 0x8, kHup = 0x10, kRdNorm = 0x40,
                          kWrNorm = 0x100;
inline constexpr uint16_t kAlways = kIn | kRdNorm | kOut | kWrNorm;

// (f) open on inode (n) (may be null).
uint16_t Of(const vfs::File& f, const tmpfs::Inode* n);

}  // namespace hvrt::local_ready

#endif  // HVRT_LINUX_LOCAL_READY_H_
