// File: network_policy.h
//
// What the guest's sockets may do on the host's network (--network,
// --publish), decided here for every address the guest names. The guest has
// no network stack of its own: its sockets are host sockets, so the policy
// is enforced on the addresses of bind, connect and sendto.
//
//   none      no IP sockets at all (socket(AF_INET*) is EACCES); AF_UNIX only.
//   loopback  the default. Outbound connections and datagrams go anywhere the
//             host can reach. A guest may listen only on the host's loopback:
//             a bind to the wildcard address becomes one to 127.0.0.1 (::1),
//             reported back to the guest as the wildcard; a bind to any other
//             non-loopback address is EADDRNOTAVAIL; listen() on an unbound
//             socket binds it to loopback first (Linux would pick the
//             wildcard). A published port (--publish HOST:GUEST) is the one
//             exception: the guest's bind of GUEST is a bind of HOST on every
//             host interface (or the one --publish names), as docker's -p.
//   host      the host's network as it is: every bind and connect as asked.
//
// In loopback mode unpublished ports share the host's loopback with host
// processes (a port the host uses is EADDRINUSE in the guest): there is no
// network namespace. Abstract AF_UNIX names are prefixed with a name of the
// container's own except in host mode, so a guest never reaches the host's
// abstract sockets (X11, D-Bus) unless asked.
//
// Example:
//   HV_ASSIGN_OR_RETURN(NetworkMode mode, ParseNetworkMode("loopback"));
//   HV_ASSIGN_OR_RETURN(PortPublish p, ParsePublish("8080:80/tcp"));
#ifndef VMM_SERVICES_NETWORK_POLICY_H_
#define VMM_SERVICES_NETWORK_POLICY_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hvrun {

enum class NetworkMode { kNone, kLoopback, kHost };

// --publish [HOSTIP:]HOSTPORT:GUESTPORT[/tcp|/udp].
struct PortPublish {
  int type = SOCK_STREAM;  // SOCK_STREAM (tcp) or SOCK_DGRAM (udp)
  uint16_t host_port = 0;
  uint16_t guest_port = 0;
  std::string host_ip;  // "" = every interface
};

absl::StatusOr<NetworkMode> ParseNetworkMode(std::string_view name);
absl::StatusOr<PortPublish> ParsePublish(std::string_view spec);
const char* NetworkModeName(NetworkMode mode);

struct NetworkPolicy {
  NetworkMode mode = NetworkMode::kLoopback;
  std::vector<PortPublish> published;

  // Whether the guest may make a socket of (domain).
  bool AllowsDomain(int domain) const;
  // The host address a guest bind of (addr, len) on a socket of (type) goes
  // to, in place: 0, or -EADDRNOTAVAIL / -EACCES. (*report_wildcard): the
  // guest asked for the wildcard and got loopback; (*guest_port): a
  // published port's guest side (the host binds its host port), else 0.
  int64_t ForBind(int type, sockaddr_storage* addr, socklen_t len, bool* report_wildcard,
                  uint16_t* guest_port) const;
  // A destination (connect, sendto) in place: a published guest port on a
  // loopback address goes to its host port, where the guest's own socket is.
  void ForDestination(int type, sockaddr_storage* addr, socklen_t len) const;
  // A peer's address (accept, getpeername, recvfrom) in place: a published
  // host port on loopback reads as its guest port.
  void ToGuestPeer(int type, sockaddr_storage* addr, socklen_t len) const;
};

}  // namespace hvrun

#endif  // VMM_SERVICES_NETWORK_POLICY_H_
