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
#ifndef VMM_SERVICES_SOCKET_INFO_H_
#define VMM_SERVICES_SOCKET_INFO_H_

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "vmm/base/unique_fd.h"

namespace hvrun {

// Host name of a guest AF_UNIX socket -> the guest's sockaddr bytes.
class UnixNames {
 public:
  void Add(const std::string& host, std::string guest);
  void Remove(const std::string& host);
  // The guest's name for host name (host), or "" if none.
  std::string Find(const std::string& host) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> names_;  // guarded by mu_
};

struct SocketInfo {
  SocketInfo(int domain, int type, std::shared_ptr<UnixNames> names)
      : domain(domain), type(type), names(std::move(names)) {}
  ~SocketInfo() {
    if (!host_unix_name.empty()) names->Remove(host_unix_name);
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
};

}  // namespace hvrun

#endif  // VMM_SERVICES_SOCKET_INFO_H_
