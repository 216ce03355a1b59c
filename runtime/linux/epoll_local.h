// File: runtime/linux/epoll_local.h
//
// An epoll's members that live in the runtime, not the host (sys_epoll.cc):
// poll and select on an epoll fd ask here too, so an epoll whose only ready
// member is a signalfd reads as ready, as on Linux.
#ifndef HVRT_LINUX_EPOLL_LOCAL_H_
#define HVRT_LINUX_EPOLL_LOCAL_H_

#include <stdint.h>

namespace hvrt::epoll_local {

// Whether the epoll of inode (ino) has a runtime member ready now.
bool Readable(uint32_t ino);

}  // namespace hvrt::epoll_local

#endif  // HVRT_LINUX_EPOLL_LOCAL_H_
