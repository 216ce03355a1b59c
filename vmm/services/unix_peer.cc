// File: unix_peer.cc
#include "vmm/services/unix_peer.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstring>

#include "vmm/base/unique_fd.h"

namespace hvrun {

uint64_t UnixPeerInode(uint64_t ino) {
  if (ino == 0 || ino > UINT32_MAX) return 0;  // unix_diag names inodes in 32 bits
  UniqueFd nl(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!nl.valid()) return 0;
  // The kernel answers every request at once; a bound on the wait anyway,
  // so that no kernel oddity can hold a guest's call.
  const timeval patience = {1, 0};
  setsockopt(nl.get(), SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  struct {
    nlmsghdr nh;
    unix_diag_req req;
  } ask = {};
  ask.nh.nlmsg_len = sizeof ask;
  ask.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  ask.nh.nlmsg_flags = NLM_F_REQUEST;
  ask.req.sdiag_family = AF_UNIX;
  ask.req.udiag_states = ~0u;
  ask.req.udiag_ino = static_cast<uint32_t>(ino);
  ask.req.udiag_show = UDIAG_SHOW_PEER;
  // An exact lookup by inode: both cookie words "none".
  ask.req.udiag_cookie[0] = ask.req.udiag_cookie[1] = ~0u;
  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (sendto(nl.get(), &ask, sizeof ask, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) !=
      static_cast<ssize_t>(sizeof ask)) {
    return 0;
  }
  alignas(nlmsghdr) char buf[1024];
  const ssize_t n = recv(nl.get(), buf, sizeof buf, 0);
  if (n <= 0) return 0;
  int left = static_cast<int>(n);
  for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) return 0;  // NLMSG_ERROR: none such
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(unix_diag_msg))) return 0;
    const auto* msg = static_cast<const unix_diag_msg*>(NLMSG_DATA(h));
    if (msg->udiag_ino != ino) continue;
    int attr_left = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof *msg));
    for (auto* a = reinterpret_cast<const rtattr*>(msg + 1); RTA_OK(a, attr_left);
         a = RTA_NEXT(a, attr_left)) {
      if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
        uint32_t peer;
        std::memcpy(&peer, RTA_DATA(a), sizeof peer);
        return peer;
      }
    }
    return 0;
  }
  return 0;
}

}  // namespace hvrun
