// File: network_policy.cc
#include "vmm/services/network_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hvrun {
namespace {

bool IsInet(const sockaddr_storage& a, socklen_t len) {
  return (a.ss_family == AF_INET && len >= sizeof(sockaddr_in)) ||
         (a.ss_family == AF_INET6 && len >= sizeof(sockaddr_in6));
}

uint16_t PortOf(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
}

void SetPort(sockaddr_storage* a, uint16_t port) {
  if (a->ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(a)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(a)->sin6_port = htons(port);
  }
}

bool IsWildcard(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr == htonl(INADDR_ANY);
  }
  return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr);
}

bool IsLoopback(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) {
    // 127.0.0.0/8, as Linux's ipv4_is_loopback.
    return (ntohl(reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr) >> 24) == 127;
  }
  const in6_addr& v6 = reinterpret_cast<const sockaddr_in6&>(a).sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  // ::ffff:127.x.y.z, a v4-mapped loopback address.
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

void SetLoopback(sockaddr_storage* a) {
  if (a->ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else {
    reinterpret_cast<sockaddr_in6*>(a)->sin6_addr = in6addr_loopback;
  }
}

// Sets (a)'s address to (ip) of its family; false if (ip) is not one.
bool SetAddress(sockaddr_storage* a, const std::string& ip) {
  if (a->ss_family == AF_INET) {
    return inet_pton(AF_INET, ip.c_str(), &reinterpret_cast<sockaddr_in*>(a)->sin_addr) == 1;
  }
  return inet_pton(AF_INET6, ip.c_str(), &reinterpret_cast<sockaddr_in6*>(a)->sin6_addr) == 1;
}

}  // namespace

absl::StatusOr<NetworkMode> ParseNetworkMode(std::string_view name) {
  if (name == "none") return NetworkMode::kNone;
  if (name == "loopback") return NetworkMode::kLoopback;
  if (name == "host") return NetworkMode::kHost;
  return absl::InvalidArgumentError(
      absl::StrCat("--network=", std::string(name), ": expected none, loopback or host"));
}

const char* NetworkModeName(NetworkMode mode) {
  switch (mode) {
    case NetworkMode::kNone:
      return "none";
    case NetworkMode::kLoopback:
      return "loopback";
    case NetworkMode::kHost:
      return "host";
  }
  return "?";
}

absl::StatusOr<PortPublish> ParsePublish(std::string_view spec) {
  PortPublish p;
  const auto bad = [&](const char* why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--publish=", std::string(spec), ": ", why,
                     " (expected [HOSTIP:]HOSTPORT:GUESTPORT[/tcp|/udp])"));
  };
  std::string_view ports = spec;
  if (const size_t slash = spec.rfind('/'); slash != std::string_view::npos) {
    const std::string_view proto = spec.substr(slash + 1);
    if (proto == "udp") {
      p.type = SOCK_DGRAM;
    } else if (proto != "tcp") {
      return bad("the protocol is tcp or udp");
    }
    ports = spec.substr(0, slash);
  }
  // An IPv6 host address comes in brackets: [::1]:8080:80.
  if (!ports.empty() && ports[0] == '[') {
    const size_t close = ports.find(']');
    if (close == std::string_view::npos || close + 1 >= ports.size() || ports[close + 1] != ':') {
      return bad("an unclosed [");
    }
    p.host_ip = std::string(ports.substr(1, close - 1));
    ports = ports.substr(close + 2);
  }
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(ports.data(), ports.size()), ':');
  if (parts.size() == 3 && p.host_ip.empty()) {
    p.host_ip = std::string(parts[0]);
    parts.erase(parts.begin());
  }
  if (parts.size() != 2) return bad("two ports");
  uint32_t host = 0, guest = 0;
  if (!absl::SimpleAtoi(parts[0], &host) || !absl::SimpleAtoi(parts[1], &guest) || host == 0 ||
      guest == 0 || host > 65535 || guest > 65535) {
    return bad("ports are 1 to 65535");
  }
  if (!p.host_ip.empty()) {
    in6_addr scratch;
    if (inet_pton(AF_INET, p.host_ip.c_str(), &scratch) != 1 &&
        inet_pton(AF_INET6, p.host_ip.c_str(), &scratch) != 1) {
      return bad("the host address is not an IP address");
    }
  }
  p.host_port = static_cast<uint16_t>(host);
  p.guest_port = static_cast<uint16_t>(guest);
  return p;
}

bool NetworkPolicy::AllowsDomain(int domain) const {
  if (domain == AF_UNIX) return true;
  if (domain == AF_INET || domain == AF_INET6) return mode != NetworkMode::kNone;
  return false;
}

int64_t NetworkPolicy::ForBind(int type, sockaddr_storage* addr, socklen_t len,
                               bool* report_wildcard, uint16_t* guest_port) const {
  *report_wildcard = false;
  *guest_port = 0;
  if (mode == NetworkMode::kNone) return -EACCES;
  if (!IsInet(*addr, len)) return 0;  // the host's own EINVAL/EAFNOSUPPORT follows
  const uint16_t port = PortOf(*addr);
  if (port != 0) {
    for (const PortPublish& p : published) {
      if (p.type != type || p.guest_port != port) continue;
      if (!IsWildcard(*addr) && !IsLoopback(*addr)) break;
      // The guest's own address is reported back as it asked.
      *guest_port = port;
      *report_wildcard = IsWildcard(*addr);
      SetPort(addr, p.host_port);
      if (p.host_ip.empty()) {
        std::memset(addr->ss_family == AF_INET
                        ? static_cast<void*>(&reinterpret_cast<sockaddr_in*>(addr)->sin_addr)
                        : static_cast<void*>(&reinterpret_cast<sockaddr_in6*>(addr)->sin6_addr),
                    0, addr->ss_family == AF_INET ? sizeof(in_addr) : sizeof(in6_addr));
        return 0;
      }
      if (!SetAddress(addr, p.host_ip)) return -EADDRNOTAVAIL;  // the other family's address
      return 0;
    }
  }
  if (mode == NetworkMode::kHost) return 0;
  if (IsLoopback(*addr)) return 0;
  if (!IsWildcard(*addr)) return -EADDRNOTAVAIL;
  *report_wildcard = true;
  SetLoopback(addr);
  return 0;
}

void NetworkPolicy::ForDestination(int type, sockaddr_storage* addr, socklen_t len) const {
  if (!IsInet(*addr, len) || !IsLoopback(*addr)) return;
  const uint16_t port = PortOf(*addr);
  for (const PortPublish& p : published) {
    if (p.type == type && p.guest_port == port) {
      SetPort(addr, p.host_port);
      if (!p.host_ip.empty()) SetAddress(addr, p.host_ip);
      return;
    }
  }
}

void NetworkPolicy::ToGuestPeer(int type, sockaddr_storage* addr, socklen_t len) const {
  if (!IsInet(*addr, len) || !IsLoopback(*addr)) return;
  const uint16_t port = PortOf(*addr);
  for (const PortPublish& p : published) {
    if (p.type == type && p.host_port == port && p.host_ip.empty()) {
      SetPort(addr, p.guest_port);
      return;
    }
  }
}

}  // namespace hvrun
