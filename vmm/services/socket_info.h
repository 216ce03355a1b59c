// File: socket_info.h
//
// What hvrun knows of a guest socket beyond its host fd: the guest's view of
// its own name where the network policy bound something else (the wildcard
// as loopback, a published port), and, for an AF_UNIX path name, the guest's
// path. Shared, as the host socket is, by every handle of every process that
// holds it (fork, accept's peer names through UnixNames).
//
// AF_UNIX path names are bound through a directory fd hvrun holds for the
// socket's life ("/proc/self/fd/N/NAME": no path is resolved twice, so the
// name stays beneath its mount); the host kernel keeps that string as the
// socket's name, unique while the socket lives. UnixNames maps it back to the
// guest's name for every process of the container (accept, getpeername,
// recvfrom).
//
// Credentials (SO_PEERCRED, SCM_CREDENTIALS): the host kernel sees hvrun as
// the process behind every guest socket, so hvrun keeps the guest's pids
// and ids with the socket as each call states them (abi.h's hv_ucred) and
// finds a socket's peer through UnixNames: by the listener's name at
// connect, by the host inode the kernel names as the peer (sock_diag) at
// accept and for a message's sender.
#ifndef VMM_SERVICES_SOCKET_INFO_H_
#define VMM_SERVICES_SOCKET_INFO_H_

#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "hv/abi.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {

struct SocketInfo;

// The container's AF_UNIX sockets: host name -> the guest's sockaddr bytes
// and the socket bound to it; host inode -> the socket.
class UnixNames {
 public:
  void Add(const std::string& host, std::string guest, std::weak_ptr<SocketInfo> owner);
  void Remove(const std::string& host);
  // The guest's name for host name (host), or "" if none.
  std::string Find(const std::string& host) const;
  // The guest socket bound to host name (host), or null.
  std::shared_ptr<SocketInfo> Owner(const std::string& host) const;

  void Register(uint64_t ino, std::weak_ptr<SocketInfo> info);
  void Unregister(uint64_t ino, const SocketInfo* info);
  // The guest socket whose host inode is (ino), or null.
  std::shared_ptr<SocketInfo> ByInode(uint64_t ino) const;

 private:
  struct Name {
    std::string guest;
    std::weak_ptr<SocketInfo> owner;
  };
  mutable std::mutex mu_;
  std::map<std::string, Name> names_;                       // guarded by mu_
  std::map<uint64_t, std::weak_ptr<SocketInfo>> by_inode_;  // guarded by mu_
};

// Linux's SO_PEERCRED of a socket that has no peer yet.
inline constexpr hv_ucred kNoPeerCred = {0, ~0u, ~0u, HV_UCRED_SET};

struct SocketInfo : std::enable_shared_from_this<SocketInfo> {
  SocketInfo(int domain, int type, std::shared_ptr<UnixNames> names)
      : domain(domain), type(type), names(std::move(names)) {}
  ~SocketInfo() {
    if (!host_unix_name.empty()) names->Remove(host_unix_name);
    if (ino != 0) names->Unregister(ino, this);
  }
  SocketInfo(const SocketInfo&) = delete;
  SocketInfo& operator=(const SocketInfo&) = delete;

  const int domain;
  const int type;
  const std::shared_ptr<UnixNames> names;

  std::mutex mu;
  // Set at bind (guarded by mu): the guest asked for the wildcard and has
  // loopback; the guest port a published host port stands for (0: none).
  bool report_wildcard = false;
  uint16_t guest_port = 0;
  // SO_RCVTIMEO / SO_SNDTIMEO set negative: Linux then never waits (the
  // host reports them as 0, which means no limit).
  bool rcv_timeo_negative = false;
  bool snd_timeo_negative = false;
  // AF_UNIX: the guest's own sockaddr bytes, the host's name, the directory.
  std::string guest_unix_name;
  std::string host_unix_name;
  UniqueFd unix_dir;
  // AF_UNIX: the host socket's inode (0: not registered in names).
  uint64_t ino = 0;
  // AF_UNIX credentials (guarded by mu): the caller's at socketpair, listen
  // or connect (what the peer's SO_PEERCRED reports); this socket's
  // SO_PEERCRED once known (flags 0: ask the host); the last message's.
  hv_ucred own = {};
  hv_ucred peer = {};
  hv_ucred sent = {};
  // The peer socket, once found (a socket pair's other end, an accepted
  // connection's client).
  std::weak_ptr<SocketInfo> peer_info;
  // A listener: the guest clients that connected, oldest first, by their
  // host inode, with what they stated, until accept takes them (a client
  // may be gone by then: the host names no peer, and the oldest is taken,
  // as the host's accept queue is in order). At most kMaxConnecting: a
  // guest that never accepts cannot grow this.
  std::deque<std::pair<uint64_t, hv_ucred>> connecting;
  static constexpr size_t kMaxConnecting = 4096;
};

}  // namespace hvrun

#endif  // VMM_SERVICES_SOCKET_INFO_H_
