// File: unix_peer.h
//
// Which host AF_UNIX socket is connected to another: the host kernel's
// sock_diag netlink interface (UNIX_DIAG_PEER), the only place Linux names
// a unix socket's peer. hvrun asks it where the guest needs to know who is
// at the other end (SO_PEERCRED after accept, SCM_CREDENTIALS).
#ifndef VMM_SERVICES_UNIX_PEER_H_
#define VMM_SERVICES_UNIX_PEER_H_

#include <cstdint>

namespace hvrun {

// The inode of the socket at the other end of host AF_UNIX socket (ino), or
// 0 where it has none or the host does not say (no unix_diag).
uint64_t UnixPeerInode(uint64_t ino);

}  // namespace hvrun

#endif  // VMM_SERVICES_UNIX_PEER_H_
