// File: sockets.cc
//
// HV_CALL_SOCKET: the guest's sockets are host sockets (abi.h), made and
// used here under the network policy (network_policy.h). No call waits: the
// host fd is used with MSG_DONTWAIT, a listening socket is O_NONBLOCK on the
// host for good (it never moves data, so HV_CALL_FILE_* transfers are not
// affected) and a connect runs O_NONBLOCK for the moment of the call; the
// guest waits with HV_CALL_POLL. Every address, option and iovec the guest
// gives is copied and checked first: lengths against HV_SOCKADDR_MAX,
// HV_IOV_MAX and the option's own size, ranges against guest memory.
//
// AF_UNIX: a path name is resolved beneath its mount as files are; bind goes
// through an O_PATH fd of the directory kept with the socket, connect and
// sendto through an O_PATH|O_NOFOLLOW fd of the socket file itself (a
// symlink in the guest's path is never followed out of its mount). Abstract
// names get a prefix of this container's own (socket_info.h).
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "vmm/services/services.h"
#include "vmm/services/unix_peer.h"

namespace hvrun {
namespace {

HypercallOutcome Reply(int64_t r) { return HypercallOutcome::Reply(r); }
int64_t Errno() { return -errno; }

// The container's prefix for abstract AF_UNIX names: hvrun's own pid (one
// hvrun process serves every process of a container).
std::string AbstractPrefix() { return absl::StrCat("hvrun-", getpid(), "/"); }

// "#" and 32 hex digits: two 64-bit FNV-1a hashes of (name), with two
// bases. Abstract names are the guest's own, so a collision could only
// confuse the guest itself.
std::string HashedName(const std::string& name) {
  uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
  for (unsigned char c : name) {
    a = (a ^ c) * 0x100000001b3ull;
    b = (b ^ c) * 0x100000001b3ull;
  }
  char out[34];
  snprintf(out, sizeof out, "#%016llx%016llx", static_cast<unsigned long long>(a),
           static_cast<unsigned long long>(b));
  return out;
}

// AF_UNIX credentials (socket_info.h). A guest's own word, marked as set.
hv_ucred Stated(hv_ucred c) {
  c.flags = HV_UCRED_SET;
  return c;
}

// What the guest sees of a host process's credentials: no pid (it is not
// one of the guest's), the ids as the host kernel gives them (the overflow
// ids where a message carried none).
hv_ucred FromHost(const ucred& c) { return {0, c.uid, c.gid, HV_UCRED_SET}; }

// The key UnixNames knows a host AF_UNIX name (ss, len) by: an abstract
// name whole, a path up to its NUL (the host reports what bind was given).
std::string HostUnixName(const sockaddr_storage& ss, socklen_t len) {
  const size_t at = offsetof(sockaddr_un, sun_path);
  if (ss.ss_family != AF_UNIX || len <= at) return {};
  const char* path = reinterpret_cast<const sockaddr_un&>(ss).sun_path;
  const size_t n = std::min<size_t>(len - at, sizeof(sockaddr_un::sun_path));
  return std::string(path, path[0] == '\0' ? n : strnlen(path, n));
}

// The guest socket at the other end of (info), or null: a socket pair's
// other end, else the one the host kernel names (sock_diag). A datagram
// socket's peer may change (connect again): never kept.
std::shared_ptr<SocketInfo> PeerOf(SocketInfo& info) {
  {
    std::lock_guard lock(info.mu);
    if (auto p = info.peer_info.lock()) return p;
  }
  auto p = info.names->ByInode(UnixPeerInode(info.ino));
  if (p != nullptr && info.type != SOCK_DGRAM) {
    std::lock_guard lock(info.mu);
    info.peer_info = p;
  }
  return p;
}

// The credentials a message the host says came with (host) carries, for the
// guest: where hvrun itself sent it, those the guest sender stated (its
// socket: the peer, or the one bound to the sender's host name (from)).
hv_ucred SenderCred(SocketInfo& info, const ucred& host, const sockaddr_storage& from,
                    socklen_t from_len) {
  if (host.pid != getpid()) return FromHost(host);
  std::shared_ptr<SocketInfo> sender = PeerOf(info);
  if (sender == nullptr) {
    if (const std::string name = HostUnixName(from, from_len); !name.empty()) {
      sender = info.names->Owner(name);
    }
  }
  if (sender != nullptr) {
    std::lock_guard lock(sender->mu);
    if ((sender->sent.flags & HV_UCRED_SET) != 0) return sender->sent;
  }
  return {0, 65534, 65534, HV_UCRED_SET};
}

// The host's SO_PEERCRED of (fd) as the guest sees it: a host process's
// (FromHost), else kNoPeerCred; (*ours) says whether the host names hvrun
// itself (or nothing it could read): a guest socket, whose credentials are
// the ones its guest stated.
hv_ucred HostPeerCred(int fd, bool* ours = nullptr) {
  ucred host{};
  socklen_t len = sizeof host;
  const bool read = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &host, &len) == 0;
  if (ours != nullptr) *ours = !read || host.pid == getpid();
  if (!read || host.pid == 0 || host.pid == getpid()) return kNoPeerCred;
  return FromHost(host);
}

// SO_PEERCRED as the guest sees it.
hv_ucred PeerCred(SocketInfo& info, int fd) {
  {
    std::lock_guard lock(info.mu);
    if ((info.peer.flags & HV_UCRED_SET) != 0) return info.peer;
  }
  return HostPeerCred(fd);
}

// Copies the guest's sockaddr (req.addr, req.addr_len) into (ss): -EINVAL
// for a length Linux refuses, -EFAULT for a bad pointer.
int64_t ReadAddr(const ServiceContext& ctx, const hv_socket& req, sockaddr_storage* ss,
                 socklen_t* len) {
  if (req.addr_len > HV_SOCKADDR_MAX || req.addr_len < sizeof(sa_family_t)) return -EINVAL;
  auto bytes = ctx.memory.Span(req.addr, req.addr_len);
  if (!bytes.ok()) return -EFAULT;
  *ss = {};
  std::memcpy(ss, bytes->data(), req.addr_len);
  *len = req.addr_len;
  return 0;
}

// Writes (ss, len) to the guest's (req.addr), truncated to the room it gave
// (req.addr_len), and the full length to the request's addr_len, as
// getsockname(2) does.
int64_t WriteAddr(const ServiceContext& ctx, uint64_t arg, const hv_socket& req,
                  const sockaddr_storage& ss, socklen_t len) {
  if (req.addr == 0) return 0;
  const uint32_t n = std::min<uint32_t>(req.addr_len, len);
  auto out = ctx.memory.Span(req.addr, n);
  if (!out.ok()) return -EFAULT;
  std::memcpy(out->data(), &ss, n);
  if (!ctx.memory.Write(arg + offsetof(hv_socket, addr_len), static_cast<uint32_t>(len)).ok()) {
    return -EFAULT;
  }
  return 0;
}

// An AF_UNIX name as the host has it -> the guest's: a name of the
// container's (UnixNames), an abstract name without the prefix; anything
// else (a host process's socket) reads as unnamed.
void UnixToGuest(const ServiceContext& ctx, sockaddr_storage* ss, socklen_t* len) {
  if (*len <= offsetof(sockaddr_un, sun_path)) return;
  const char* path = reinterpret_cast<const sockaddr_un*>(ss)->sun_path;
  const size_t path_len = *len - offsetof(sockaddr_un, sun_path);
  if (path[0] == '\0') {
    if (ctx.options.network.mode == NetworkMode::kHost) return;
    const std::string guest = ctx.files.unix_names()->Find(std::string(path, path_len));
    if (!guest.empty() && guest.size() <= sizeof(sockaddr_storage)) {
      *ss = {};
      std::memcpy(ss, guest.data(), guest.size());
      *len = static_cast<socklen_t>(guest.size());
      return;
    }
    const std::string prefix = AbstractPrefix();
    std::string name(path + 1, path_len - 1);
    if (name.starts_with(prefix)) {
      name.erase(0, prefix.size());
      char* out = reinterpret_cast<sockaddr_un*>(ss)->sun_path;
      out[0] = '\0';
      std::memcpy(out + 1, name.data(), name.size());
      *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
      return;
    }
  } else {
    const std::string guest =
        ctx.files.unix_names()->Find(std::string(path, strnlen(path, path_len)));
    if (!guest.empty() && guest.size() <= sizeof(sockaddr_storage)) {
      *ss = {};
      std::memcpy(ss, guest.data(), guest.size());
      *len = static_cast<socklen_t>(guest.size());
      return;
    }
  }
  *len = sizeof(sa_family_t);
}

// The guest's view of a name the host reports for socket (info).
void ToGuest(const ServiceContext& ctx, const SocketInfo& info, bool peer, sockaddr_storage* ss,
             socklen_t* len) {
  if (ss->ss_family == AF_UNIX) {
    UnixToGuest(ctx, ss, len);
  } else if (peer) {
    ctx.options.network.ToGuestPeer(info.type, ss, *len);
  }
}

// The host address an AF_UNIX (ss, len) from the guest stands for, for a
// connect or sendto: (req.path) names a socket file beneath a mount, opened
// into (*target) and named by hvrun's /proc/self/fd; an abstract name gets
// the container's prefix.
int64_t UnixDestination(const ServiceContext& ctx, const hv_socket& req, sockaddr_storage* ss,
                        socklen_t* len, UniqueFd* target) {
  sockaddr_un* un = reinterpret_cast<sockaddr_un*>(ss);
  if (req.path.mount == HV_SOCK_GUEST_PATH) {
    // A name in the guest's tmpfs: an abstract name of the container's,
    // whatever the network mode.
    if (req.path.len == 0 || req.path.len > HV_PATH_MAX) return -EINVAL;
    auto bytes = ctx.memory.Span(req.path.path, req.path.len);
    if (!bytes.ok()) return -EFAULT;
    std::string name = "fs:" + std::string(bytes->begin(), bytes->end());
    const std::string prefix = AbstractPrefix();
    if (1 + prefix.size() + name.size() > sizeof(un->sun_path)) name = HashedName(name);
    *un = {};
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path + 1, prefix.data(), prefix.size());
    std::memcpy(un->sun_path + 1 + prefix.size(), name.data(), name.size());
    *len =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + prefix.size() + name.size());
    return 0;
  }
  if (req.path.mount != HV_SOCK_NO_PATH) {
    if (int64_t r = OpenPathNoFollow(ctx, req.path, target); r < 0) return r;
    struct stat st {};
    if (fstat(target->get(), &st) != 0) return Errno();
    if (!S_ISSOCK(st.st_mode)) return -ECONNREFUSED;  // as Linux for a non-socket file
    const std::string host = absl::StrCat("/proc/self/fd/", target->get());
    *un = {};
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, host.c_str(), host.size() + 1);
    *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + host.size() + 1);
    return 0;
  }
  if (*len <= offsetof(sockaddr_un, sun_path)) return -EINVAL;
  if (un->sun_path[0] != '\0') return -ENOENT;  // a path the guest could not resolve to a mount
  if (ctx.options.network.mode == NetworkMode::kHost) return 0;
  const std::string prefix = AbstractPrefix();
  const size_t name_len = *len - offsetof(sockaddr_un, sun_path) - 1;
  std::string name(un->sun_path + 1, name_len);
  // A name too long for the prefix becomes the prefix and a hash of it
  // (UnixNames maps it back for the names the guest is told).
  if (1 + prefix.size() + name_len > sizeof(un->sun_path)) name = HashedName(name);
  std::memcpy(un->sun_path + 1, prefix.data(), prefix.size());
  std::memcpy(un->sun_path + 1 + prefix.size(), name.data(), name.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + prefix.size() + name.size());
  return 0;
}

int64_t Bind(const ServiceContext& ctx, const hv_socket& req, SocketInfo& info, int fd) {
  sockaddr_storage ss;
  socklen_t len;
  if (int64_t r = ReadAddr(ctx, req, &ss, &len); r < 0) return r;
  if (ss.ss_family != AF_UNIX) {
    bool report_wildcard = false;
    uint16_t guest_port = 0;
    if (ss.ss_family == info.domain) {
      if (int64_t r =
              ctx.options.network.ForBind(info.type, &ss, len, &report_wildcard, &guest_port);
          r < 0) {
        return r;
      }
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return Errno();
    std::lock_guard lock(info.mu);
    info.report_wildcard = report_wildcard;
    info.guest_port = guest_port;
    return 0;
  }
  if (info.domain != AF_UNIX) return -EAFNOSUPPORT;
  const std::string guest(reinterpret_cast<const char*>(&ss), len);
  if (req.path.mount == HV_SOCK_NO_PATH || req.path.mount == HV_SOCK_GUEST_PATH) {
    // Abstract (a tmpfs name is one too), or autobind (the family alone).
    if (len <= sizeof(sa_family_t) && req.path.mount == HV_SOCK_NO_PATH) {
      return bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 ? 0 : Errno();
    }
    UniqueFd unused;
    if (int64_t r = UnixDestination(ctx, req, &ss, &len, &unused); r < 0) return r;
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return Errno();
    const std::string host(reinterpret_cast<const sockaddr_un&>(ss).sun_path,
                           len - offsetof(sockaddr_un, sun_path));
    std::lock_guard lock(info.mu);
    info.guest_unix_name = guest;
    info.host_unix_name = host;
    info.names->Add(host, guest, info.weak_from_this());
    return 0;
  }
  UniqueFd dir;
  std::string name;
  bool read_only = false;
  if (int64_t r = OpenPathParent(ctx, req.path, &dir, &name, &read_only); r < 0) {
    return r == -EINVAL ? -EADDRINUSE : r;  // "/" or "."
  }
  if (read_only) return -EROFS;
  const std::string host = absl::StrCat("/proc/self/fd/", dir.get(), "/", name);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (host.size() >= sizeof(un.sun_path)) return -ENAMETOOLONG;
  std::memcpy(un.sun_path, host.c_str(), host.size() + 1);
  // The host makes the socket file as hvrun's user with its umask; the
  // guest's umask is the runtime's to apply (it sets the mode after).
  if (bind(fd, reinterpret_cast<sockaddr*>(&un),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + host.size() + 1)) != 0) {
    return Errno();
  }
  std::lock_guard lock(info.mu);
  info.guest_unix_name = guest;
  info.host_unix_name = host;
  info.unix_dir = std::move(dir);
  info.names->Add(host, guest, info.weak_from_this());
  return 0;
}

int64_t Listen(const ServiceContext& ctx, const hv_socket& req, SocketInfo& info, int fd) {
  const int backlog = static_cast<int>(std::min<uint64_t>(req.arg0, INT32_MAX));
  if ((info.domain == AF_INET || info.domain == AF_INET6) &&
      ctx.options.network.mode == NetworkMode::kLoopback) {
    // Linux binds an unbound listener to the wildcard: here, to loopback.
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Errno();
    const bool unbound = ss.ss_family == AF_INET
                             ? reinterpret_cast<sockaddr_in&>(ss).sin_port == 0
                             : reinterpret_cast<sockaddr_in6&>(ss).sin6_port == 0;
    if (unbound && info.type == SOCK_STREAM) {
      ss = {};
      ss.ss_family = static_cast<sa_family_t>(info.domain);
      bool wildcard = false;
      uint16_t guest_port = 0;
      if (int64_t r = ctx.options.network.ForBind(info.type, &ss, len, &wildcard, &guest_port);
          r < 0) {
        return r;
      }
      if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return Errno();
      std::lock_guard lock(info.mu);
      info.report_wildcard = wildcard;
    }
  }
  if (listen(fd, backlog) != 0) return Errno();
  const int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return Errno();
  if (info.domain == AF_UNIX) {
    // Linux's init_peercred: a listener reports its own, and passes them
    // to the clients that connect (their SO_PEERCRED).
    std::lock_guard lock(info.mu);
    info.own = info.peer = Stated(req.cred);
  }
  return 0;
}

// What a guest client connected to (listener) stated, for the connection
// (child) accept took: the one the host names as its peer, or, where the
// client is gone (the host names none), the oldest.
hv_ucred AcceptedCred(SocketInfo& listener, SocketInfo& child) {
  const uint64_t client = UnixPeerInode(child.ino);
  {
    std::lock_guard lock(listener.mu);
    auto& q = listener.connecting;
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (client != 0 && it->first == client) {
        const hv_ucred c = it->second;
        q.erase(it);
        return c;
      }
    }
    if (client == 0 && !q.empty()) {
      const hv_ucred c = q.front().second;
      q.pop_front();
      return c;
    }
  }
  if (auto known = child.names->ByInode(client); known != nullptr) {
    std::lock_guard lock(known->mu);
    return known->own;
  }
  return kNoPeerCred;
}

int64_t Accept(const ServiceContext& ctx, uint64_t arg, const hv_socket& req, SocketInfo& info,
               int fd) {
  if (!ctx.files.HasFreeHandle()) return -EMFILE;
  // A socket that is not listening would block a blocking host fd: ask.
  int listening = 0;
  socklen_t optlen = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0) return Errno();
  if (!listening) return -EINVAL;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  UniqueFd conn(accept4(fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC));
  if (!conn.valid()) return errno == EWOULDBLOCK ? -EAGAIN : Errno();
  // Linux's accept4 never passes O_NONBLOCK on: the new fd blocks, as every
  // guest socket's host fd that moves data does (abi.h's HV_IO_NOWAIT).
  auto child = std::make_shared<SocketInfo>(info.domain, info.type, info.names);
  ToGuest(ctx, info, /*peer=*/true, &ss, &len);
  if (int64_t r = WriteAddr(ctx, arg, req, ss, len); r < 0) return r;
  if (info.domain == AF_UNIX) {
    // The connection's SO_PEERCRED: what its client stated at connect, kept
    // now, as Linux does, so that it outlives the client.
    bool ours = false;
    hv_ucred peer = HostPeerCred(conn.get(), &ours);
    {
      std::lock_guard lock(info.mu);
      child->own = info.own;
    }
    const int64_t h = ctx.files.AddSocket(std::move(conn), child);
    if (h < 0) return h;
    if (ours) peer = AcceptedCred(info, *child);
    std::lock_guard lock(child->mu);
    child->peer = peer;
    return h;
  }
  return ctx.files.AddSocket(std::move(conn), std::move(child));
}

// After an AF_UNIX connect: the caller's credentials for the listener's
// side, and SO_PEERCRED from the listener (Linux's copy_peercred), found by
// the name the host reports as the peer's.
void ConnectedCred(const hv_socket& req, SocketInfo& info, int fd) {
  {
    std::lock_guard lock(info.mu);
    info.own = Stated(req.cred);
    info.peer_info.reset();
  }
  if (info.type == SOCK_DGRAM) return;  // Linux keeps none for datagrams
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  hv_ucred peer = kNoPeerCred;
  std::shared_ptr<SocketInfo> listener;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (const std::string name = HostUnixName(ss, len); !name.empty()) {
      listener = info.names->Owner(name);
    }
  }
  if (listener != nullptr) {
    // The listener is told who connected, so that accept knows even if
    // this socket is gone by then.
    std::lock_guard lock(listener->mu);
    peer = listener->own;
    if (listener->connecting.size() >= SocketInfo::kMaxConnecting) {
      listener->connecting.pop_front();
    }
    listener->connecting.emplace_back(info.ino, Stated(req.cred));
  } else {
    peer = HostPeerCred(fd);
  }
  std::lock_guard lock(info.mu);
  info.peer = peer;
}

int64_t Connect(const ServiceContext& ctx, const hv_socket& req, SocketInfo& info, int fd) {
  sockaddr_storage ss;
  socklen_t len;
  if (int64_t r = ReadAddr(ctx, req, &ss, &len); r < 0) return r;
  UniqueFd target;
  if (ss.ss_family == AF_UNIX && info.domain == AF_UNIX) {
    if (int64_t r = UnixDestination(ctx, req, &ss, &len, &target); r < 0) return r;
  } else {
    ctx.options.network.ForDestination(info.type, &ss, len);
  }
  const int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return Errno();
  if ((fl & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return Errno();
  int64_t r = connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 ? 0 : Errno();
  if ((fl & O_NONBLOCK) == 0) fcntl(fd, F_SETFL, fl);
  if (r == -EWOULDBLOCK && info.domain == AF_UNIX) r = -EAGAIN;  // a full backlog
  if (r == 0 && info.domain == AF_UNIX) ConnectedCred(req, info, fd);
  return r;
}

int64_t Name(const ServiceContext& ctx, uint64_t arg, const hv_socket& req, SocketInfo& info,
             int fd, bool peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if ((peer ? getpeername : getsockname)(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return Errno();
  }
  if (!peer) {
    std::lock_guard lock(info.mu);
    if (!info.guest_unix_name.empty()) {
      ss = {};
      std::memcpy(&ss, info.guest_unix_name.data(), info.guest_unix_name.size());
      len = static_cast<socklen_t>(info.guest_unix_name.size());
      return WriteAddr(ctx, arg, req, ss, len);
    }
    if (ss.ss_family == AF_INET && info.report_wildcard) {
      reinterpret_cast<sockaddr_in&>(ss).sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (ss.ss_family == AF_INET6 && info.report_wildcard) {
      reinterpret_cast<sockaddr_in6&>(ss).sin6_addr = in6addr_any;
    }
    if (info.guest_port != 0 && ss.ss_family == AF_INET) {
      reinterpret_cast<sockaddr_in&>(ss).sin_port = htons(info.guest_port);
    } else if (info.guest_port != 0 && ss.ss_family == AF_INET6) {
      reinterpret_cast<sockaddr_in6&>(ss).sin6_port = htons(info.guest_port);
    }
  }
  ToGuest(ctx, info, peer, &ss, &len);
  return WriteAddr(ctx, arg, req, ss, len);
}

// The options a guest may get or set, with the host's value size where it
// is fixed (0: a variable size, up to kMaxOption). hvrun often runs as root:
// options that need a capability (SO_BINDTODEVICE, SO_MARK, IP_TRANSPARENT,
// SO_RCVBUFFORCE, SO_PRIORITY above 6) are not on the list.
constexpr uint64_t kMaxOption = 256;
struct Option {
  int level, name;
  bool settable;
};
constexpr Option kOptions[] = {
    {SOL_SOCKET, SO_REUSEADDR, true},
    {SOL_SOCKET, SO_REUSEPORT, true},
    {SOL_SOCKET, SO_KEEPALIVE, true},
    {SOL_SOCKET, SO_BROADCAST, true},
    {SOL_SOCKET, SO_LINGER, true},
    {SOL_SOCKET, SO_RCVBUF, true},
    {SOL_SOCKET, SO_SNDBUF, true},
    {SOL_SOCKET, SO_RCVLOWAT, true},
    {SOL_SOCKET, SO_SNDLOWAT, false},
    {SOL_SOCKET, SO_RCVTIMEO_OLD, true},
    {SOL_SOCKET, SO_SNDTIMEO_OLD, true},
    {SOL_SOCKET, SO_OOBINLINE, true},
    {SOL_SOCKET, SO_PASSCRED, true},
    {SOL_SOCKET, SO_NO_CHECK, true},
    {SOL_SOCKET, SO_DONTROUTE, true},
    {SOL_SOCKET, SO_PRIORITY, true},
    {SOL_SOCKET, SO_ERROR, false},
    {SOL_SOCKET, SO_TYPE, false},
    {SOL_SOCKET, SO_DOMAIN, false},
    {SOL_SOCKET, SO_PROTOCOL, false},
    {SOL_SOCKET, SO_ACCEPTCONN, false},
    {SOL_SOCKET, SO_PEERCRED, false},
    {SOL_SOCKET, SO_INCOMING_CPU, false},
    {IPPROTO_TCP, TCP_NODELAY, true},
    {IPPROTO_TCP, TCP_MAXSEG, true},
    {IPPROTO_TCP, TCP_CORK, true},
    {IPPROTO_TCP, TCP_KEEPIDLE, true},
    {IPPROTO_TCP, TCP_KEEPINTVL, true},
    {IPPROTO_TCP, TCP_KEEPCNT, true},
    {IPPROTO_TCP, TCP_SYNCNT, true},
    {IPPROTO_TCP, TCP_LINGER2, true},
    {IPPROTO_TCP, TCP_DEFER_ACCEPT, true},
    {IPPROTO_TCP, TCP_WINDOW_CLAMP, true},
    {IPPROTO_TCP, TCP_INFO, false},
    {IPPROTO_TCP, TCP_QUICKACK, true},
    {IPPROTO_TCP, TCP_USER_TIMEOUT, true},
    {IPPROTO_TCP, TCP_NOTSENT_LOWAT, true},
    {IPPROTO_TCP, TCP_FASTOPEN, true},
    {IPPROTO_TCP, TCP_CONGESTION, true},
    {IPPROTO_TCP, TCP_INQ, true},
    {SOL_SOCKET, SO_TIMESTAMP_OLD, true},
    {SOL_SOCKET, SO_TIMESTAMPNS_OLD, true},
    {SOL_SOCKET, SO_ATTACH_FILTER, true},  // a classic BPF program: SocketFilter
    {SOL_SOCKET, SO_DETACH_FILTER, true},
    {SOL_SOCKET, SO_LOCK_FILTER, true},
    {IPPROTO_IP, IP_PKTINFO, true},
    {IPPROTO_IP, IP_RECVTOS, true},
    {IPPROTO_IP, IP_RECVTTL, true},
    {IPPROTO_IPV6, IPV6_RECVPKTINFO, true},
    {IPPROTO_IPV6, IPV6_RECVTCLASS, true},
    {IPPROTO_IPV6, IPV6_RECVHOPLIMIT, true},
    {IPPROTO_IP, IP_TOS, true},
    {IPPROTO_IP, IP_TTL, true},
    {IPPROTO_IP, IP_MULTICAST_TTL, true},
    {IPPROTO_IP, IP_MULTICAST_LOOP, true},
    {IPPROTO_IP, IP_MTU_DISCOVER, true},
    {IPPROTO_IP, IP_RECVERR, true},
    {IPPROTO_IPV6, IPV6_V6ONLY, true},
    {IPPROTO_IPV6, IPV6_UNICAST_HOPS, true},
    {IPPROTO_IPV6, IPV6_TCLASS, true},
    {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, true},
    {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, true},
};

// Whether (name) (up to NUL or (len)) is a congestion control the host
// has loaded already: hvrun often runs as root, and Linux loads the module
// of an unknown name for a caller with CAP_NET_ADMIN.
bool CongestionAvailable(const uint8_t* name, uint64_t len) {
  const std::string want(reinterpret_cast<const char*>(name),
                         strnlen(reinterpret_cast<const char*>(name), len));
  FILE* f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "re");
  if (f == nullptr) return false;
  char line[512] = {};
  const bool read = fgets(line, sizeof line, f) != nullptr;
  fclose(f);
  if (!read) return false;
  for (char *save = nullptr, *tok = strtok_r(line, " \n", &save); tok != nullptr;
       tok = strtok_r(nullptr, " \n", &save)) {
    if (want == tok) return true;
  }
  return false;
}

// SO_ATTACH_FILTER: the guest's struct sock_fprog {u16 len; u64 filter}
// points at its program in guest memory: hvrun copies it (at most Linux's
// BPF_MAXINSNS instructions) and the host kernel checks it as for anyone.
int64_t AttachFilter(const ServiceContext& ctx, int fd, const uint8_t* value, uint64_t n) {
  struct {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;
  } guest;
  static_assert(sizeof guest == sizeof(sock_fprog));
  if (n < sizeof guest) return -EINVAL;
  std::memcpy(&guest, value, sizeof guest);
  constexpr uint16_t kMaxInsns = 4096;  // BPF_MAXINSNS
  if (guest.len == 0 || guest.len > kMaxInsns) return -EINVAL;
  auto program = ctx.memory.Span(guest.filter, uint64_t{guest.len} * sizeof(sock_filter));
  if (!program.ok()) return -EFAULT;
  std::vector<sock_filter> copy(guest.len);
  std::memcpy(copy.data(), program->data(), program->size());
  sock_fprog host = {guest.len, copy.data()};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &host, sizeof host) == 0 ? 0 : Errno();
}

int64_t SocketOption(const ServiceContext& ctx, uint64_t arg, const hv_socket& req,
                     SocketInfo& info, int fd, bool set) {
  const int level = static_cast<int>(req.arg0), name = static_cast<int>(req.arg1);
  if (req.arg0 > INT32_MAX || req.arg1 > INT32_MAX) return -ENOPROTOOPT;
  const struct Option* opt = nullptr;
  for (const struct Option& o : kOptions) {
    if (o.level == level && o.name == name) opt = &o;
  }
  // AF_UNIX has options at SOL_SOCKET only: Linux says EOPNOTSUPP for any
  // other level (no protocol handler), ENOPROTOOPT for an unknown name.
  if (opt == nullptr)
    return info.domain == AF_UNIX && level != SOL_SOCKET ? -EOPNOTSUPP : -ENOPROTOOPT;
  if (set && !opt->settable) return -ENOPROTOOPT;
  if (!set && level == SOL_SOCKET && name == SO_PEERCRED && info.domain == AF_UNIX) {
    const hv_ucred c = PeerCred(info, fd);
    const ucred u = {c.pid, c.uid, c.gid};
    auto out = ctx.memory.Span(req.data, std::min<uint64_t>(req.data_len, sizeof u));
    if (!out.ok()) return -EFAULT;
    std::memcpy(out->data(), &u, out->size());
    return sizeof u;
  }
  const uint64_t n = std::min(req.data_len, kMaxOption);
  uint8_t value[kMaxOption] = {};
  if (set) {
    auto in = ctx.memory.Span(req.data, n);
    if (!in.ok()) return -EFAULT;
    std::memcpy(value, in->data(), n);
    if (level == IPPROTO_TCP && name == TCP_CONGESTION && !CongestionAvailable(value, n)) {
      return -ENOENT;  // as Linux for an unknown algorithm
    }
    if (level == SOL_SOCKET && name == SO_PRIORITY && n >= sizeof(int)) {
      int prio;
      std::memcpy(&prio, value, sizeof prio);
      if (prio < 0 || prio > 6) return -EPERM;  // CAP_NET_ADMIN's range
    }
    if (level == SOL_SOCKET && name == SO_ATTACH_FILTER) return AttachFilter(ctx, fd, value, n);
    if (setsockopt(fd, level, name, value, static_cast<socklen_t>(n)) != 0) return Errno();
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD)) {
      timeval tv{};
      std::memcpy(&tv, value, sizeof tv);
      std::lock_guard lock(info.mu);
      (name == SO_RCVTIMEO_OLD ? info.rcv_timeo_negative : info.snd_timeo_negative) = tv.tv_sec < 0;
    }
    return 0;
  }
  socklen_t len = static_cast<socklen_t>(n);
  if (getsockopt(fd, level, name, value, &len) != 0) return Errno();
  (void)arg;
  auto out = ctx.memory.Span(req.data, std::min<uint64_t>(len, n));
  if (!out.ok()) return -EFAULT;
  std::memcpy(out->data(), value, out->size());
  return len;
}

// MSG_* the guest may pass; hvrun adds MSG_DONTWAIT (never waits) and
// MSG_NOSIGNAL (SIGPIPE is the runtime's to raise, never hvrun's).
constexpr uint32_t kSendFlags =
    MSG_OOB | MSG_DONTROUTE | MSG_DONTWAIT | MSG_EOR | MSG_NOSIGNAL | MSG_MORE | MSG_CONFIRM;
// Linux ignores the flags recvmsg(2) has no use for (MSG_CTRUNC, MSG_EOR,
// MSG_NOSIGNAL ...): hvrun drops them. MSG_ERRQUEUE needs control messages
// hvrun does not carry.
constexpr uint32_t kRecvFlags = MSG_OOB | MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT | MSG_WAITALL;
constexpr uint32_t kRecvIgnored = MSG_CTRUNC | MSG_EOR | MSG_NOSIGNAL | MSG_CONFIRM | MSG_MORE |
                                  MSG_DONTROUTE | MSG_CMSG_CLOEXEC | HV_SOCK_WAIT;

// Takes the fds that came with (msg) into the handle table, at most
// (room), describing each at guest (out); (*taken) says how many. False if
// any was dropped: no room, a full table, or a type the guest may not hold
// (a directory or device: hv_passed's comment in abi.h).
// Calls (take)(UniqueFd) for every fd that came with (msg) (SCM_RIGHTS):
// each is the callee's, closed unless it keeps it.
template <typename Take>
void ForEachPassedFd(const msghdr& msg, Take take) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int raw;
      std::memcpy(&raw, CMSG_DATA(c) + i * sizeof(int), sizeof raw);
      take(UniqueFd(raw));
    }
  }
}

bool TakePassed(const ServiceContext& ctx, const msghdr& msg, uint64_t out, size_t room,
                uint64_t* taken) {
  bool all = true;
  ForEachPassedFd(msg, [&](UniqueFd fd) {
    struct stat st {};
    if (*taken >= room || fstat(fd.get(), &st) != 0 || S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode) ||
        S_ISBLK(st.st_mode)) {
      all = false;
      return;
    }
    int64_t h;
    if (auto known = S_ISSOCK(st.st_mode) ? ctx.files.unix_names()->ByInode(st.st_ino) : nullptr;
        known != nullptr) {
      h = ctx.files.AddSocket(std::move(fd), std::move(known));  // a guest socket, as it is
    } else if (S_ISSOCK(st.st_mode)) {
      int domain = AF_UNIX, type = SOCK_STREAM;
      socklen_t len = sizeof domain;
      getsockopt(fd.get(), SOL_SOCKET, SO_DOMAIN, &domain, &len);
      len = sizeof type;
      getsockopt(fd.get(), SOL_SOCKET, SO_TYPE, &type, &len);
      h = ctx.files.AddSocket(std::move(fd),
                              std::make_shared<SocketInfo>(domain, type, ctx.files.unix_names()));
    } else {
      h = ctx.files.AddHandle(std::move(fd), false, /*stream=*/!S_ISREG(st.st_mode));
    }
    if (h < 0) {
      all = false;
      return;
    }
    const hv_passed p = {static_cast<uint32_t>(h), st.st_mode};
    if (!ctx.memory.Write(out + *taken * sizeof p, p).ok()) {
      ctx.files.Close(static_cast<uint32_t>(h));
      all = false;
      return;
    }
    ++*taken;
  });
  return all;
}

// Closes the fds that came with (msg) where the guest asked for none;
// whether there were any.
bool CloseUntaken(const msghdr& msg) {
  bool any = false;
  ForEachPassedFd(msg, [&any](UniqueFd) { any = true; });
  return any;
}

int64_t Transfer(const ServiceContext& ctx, uint64_t arg, const hv_socket& req, SocketInfo& info,
                 int fd, bool send) {
  const uint32_t asked = (send ? req.flags : req.flags & ~kRecvIgnored) & ~HV_SOCK_WAIT;
  if ((asked & ~(send ? kSendFlags : kRecvFlags)) != 0) return -EOPNOTSUPP;
  if (req.data_len > HV_IOV_MAX) return -EMSGSIZE;
  // Most messages are one or a few buffers: no allocation for them.
  absl::InlinedVector<iovec, 8> iov(req.data_len);
  uint64_t total = 0;
  for (uint64_t i = 0; i < req.data_len; ++i) {
    auto v = ctx.memory.Read<hv_iovec>(req.data + i * sizeof(hv_iovec));
    if (!v.ok()) return -EFAULT;
    // Linux's MAX_RW_COUNT bounds the whole message.
    const uint64_t len = std::min<uint64_t>(v->len, 0x7ffff000 - total);
    auto span = ctx.memory.Span(v->base, len);
    if (!span.ok()) return -EFAULT;
    iov[i] = {span->data(), span->size()};
    total += len;
  }
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  sockaddr_storage ss{};
  UniqueFd target;
  if (send && req.addr != 0) {
    socklen_t len;
    if (int64_t r = ReadAddr(ctx, req, &ss, &len); r < 0) return r;
    if (ss.ss_family == AF_UNIX && info.domain == AF_UNIX) {
      if (int64_t r = UnixDestination(ctx, req, &ss, &len, &target); r < 0) return r;
    } else {
      ctx.options.network.ForDestination(info.type, &ss, len);
    }
    msg.msg_name = &ss;
    msg.msg_namelen = len;
  } else if (!send && (req.addr != 0 || info.domain == AF_UNIX)) {
    // AF_UNIX: the sender's name says whose credentials a message carries.
    msg.msg_name = &ss;
    msg.msg_namelen = sizeof ss;
  }
  // SCM_RIGHTS: the handles' host fds out, or room for those coming in;
  // on AF_UNIX room for SCM_CREDENTIALS too, which come first.
  if (req.arg1 > HV_SCM_MAX) return -EINVAL;
  alignas(
      cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * HV_SCM_MAX)] = {};
  const size_t nfds = req.arg1;
  const bool unix_recv = !send && info.domain == AF_UNIX;
  // A message that states credentials (SCM_CREDENTIALS) carries them even
  // where no end has SO_PASSCRED: hvrun states its own to the host, so the
  // host kernel marks the message as Linux would; the guest's stay here.
  const bool stated = send && info.domain == AF_UNIX && (req.cred.flags & HV_UCRED_EXPLICIT) != 0;
  if (send && info.domain == AF_UNIX) {
    std::lock_guard lock(info.mu);
    info.sent = Stated(req.cred);
  }
  size_t room = nfds > 0 ? CMSG_SPACE(sizeof(int) * nfds) : 0;
  if (unix_recv || stated) room += CMSG_SPACE(sizeof(ucred));
  if (room > 0) {
    msg.msg_control = control;
    msg.msg_controllen = room;
  }
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (stated) {
    const ucred me = {getpid(), getuid(), getgid()};
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof me);
    std::memcpy(CMSG_DATA(c), &me, sizeof me);
    c = CMSG_NXTHDR(&msg, c);
  }
  if (nfds > 0) {
    if (send) {
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
      for (size_t i = 0; i < nfds; ++i) {
        auto h = ctx.memory.Read<uint32_t>(req.arg0 + i * sizeof(uint32_t));
        if (!h.ok()) return -EFAULT;
        const int passed = ctx.files.fd(*h);
        if (passed < 0) return -EBADF;
        std::memcpy(CMSG_DATA(c) + i * sizeof(int), &passed, sizeof(int));
      }
    } else if (!ctx.memory.Contains(req.arg0, nfds * sizeof(hv_passed))) {
      return -EFAULT;  // before anything is taken off the socket
    }
  }
  // An IP socket's control messages come as the host's bytes (abi.h).
  alignas(cmsghdr) char ip_control[4096];
  const bool ip_recv = !send && info.domain != AF_UNIX && req.control != 0 && req.control_len > 0;
  if (ip_recv) {
    const uint64_t room = std::min<uint64_t>(req.control_len, sizeof ip_control);
    if (!ctx.memory.Contains(req.control, room)) return -EFAULT;  // before anything is taken
    msg.msg_control = ip_control;
    msg.msg_controllen = room;
  }
  int flags = static_cast<int>((asked & ~MSG_WAITALL) | MSG_DONTWAIT | MSG_NOSIGNAL);
  if (!send && (nfds > 0 || unix_recv)) flags |= MSG_CMSG_CLOEXEC;
  ssize_t n;
  do {
    n = send ? sendmsg(fd, &msg, flags) : recvmsg(fd, &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EWOULDBLOCK ? -EAGAIN : Errno();
  if (!send && nfds > 0) {
    uint64_t taken = 0;
    if (!TakePassed(ctx, msg, req.arg0, nfds, &taken)) msg.msg_flags |= MSG_CTRUNC;
    if (!ctx.memory.Write(arg + offsetof(hv_socket, arg1), taken).ok()) return -EFAULT;
  } else if (unix_recv && CloseUntaken(msg)) {
    // No room asked for: files that came are dropped, as Linux does.
    msg.msg_flags |= MSG_CTRUNC;
  }
  if (!send) {
    const uint64_t used = ip_recv ? msg.msg_controllen : 0;
    if (used > 0) {
      auto out = ctx.memory.Span(req.control, used);
      if (!out.ok()) return -EFAULT;
      std::memcpy(out->data(), ip_control, out->size());
    }
    if (!ctx.memory.Write(arg + offsetof(hv_socket, control_len), used).ok()) return -EFAULT;
  }
  if (unix_recv) {
    hv_ucred cred = {};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
          c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
        ucred host;
        std::memcpy(&host, CMSG_DATA(c), sizeof host);
        cred = SenderCred(info, host, ss, msg.msg_name != nullptr ? msg.msg_namelen : 0);
      }
    }
    if (!ctx.memory.Write(arg + offsetof(hv_socket, cred), cred).ok()) return -EFAULT;
  }
  if (!send) {
    if (req.addr != 0) {
      socklen_t len = msg.msg_namelen;
      if (len > 0) ToGuest(ctx, info, /*peer=*/true, &ss, &len);
      if (int64_t r = WriteAddr(ctx, arg, req, ss, len); r < 0) return r;
    }
    const uint64_t out = static_cast<uint64_t>(msg.msg_flags) & (MSG_TRUNC | MSG_EOR | MSG_CTRUNC);
    if (!ctx.memory.Write(arg + offsetof(hv_socket, arg2), out).ok()) return -EFAULT;
  }
  return n;
}

int64_t Create(const ServiceContext& ctx, const hv_socket& req) {
  const uint64_t domain = req.arg0, type = req.arg1, protocol = req.arg2;
  if (domain != AF_UNIX && domain != AF_INET && domain != AF_INET6) return -EAFNOSUPPORT;
  // CAP_NET_RAW's, for the IP families; AF_UNIX takes SOCK_RAW as SOCK_DGRAM.
  if (domain != AF_UNIX && (type == SOCK_RAW || type == SOCK_PACKET)) return -EPERM;
  if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET &&
      !(domain == AF_UNIX && type == SOCK_RAW)) {
    return -EINVAL;
  }
  if (protocol > INT32_MAX) return -EPROTONOSUPPORT;
  if (!ctx.options.network.AllowsDomain(static_cast<int>(domain))) return -EACCES;
  if (!ctx.files.HasFreeHandle()) return -EMFILE;
  UniqueFd fd(socket(static_cast<int>(domain), static_cast<int>(type) | SOCK_CLOEXEC,
                     static_cast<int>(protocol)));
  if (!fd.valid()) return Errno();
  return ctx.files.AddSocket(
      std::move(fd), std::make_shared<SocketInfo>(static_cast<int>(domain), static_cast<int>(type),
                                                  ctx.files.unix_names()));
}

}  // namespace

// How long the guest may wait for what (op) found not ready (abi.h): ns,
// -1 for no limit, 0 for no wait.
static int64_t WaitBudget(SocketInfo& info, int fd, uint32_t op) {
  const bool rcv = op == HV_SOCK_ACCEPT || op == HV_SOCK_RECVMSG;
  timeval tv{};
  socklen_t len = sizeof tv;
  if (getsockopt(fd, SOL_SOCKET, rcv ? SO_RCVTIMEO_OLD : SO_SNDTIMEO_OLD, &tv, &len) != 0) {
    return -1;
  }
  if (tv.tv_sec == 0 && tv.tv_usec == 0) {
    std::lock_guard lock(info.mu);
    return (rcv ? info.rcv_timeo_negative : info.snd_timeo_negative) ? 0 : -1;
  }
  return int64_t{tv.tv_sec} * 1000000000 + int64_t{tv.tv_usec} * 1000;
}

// The operations on an existing socket.
static int64_t SocketOp(const ServiceContext& ctx, uint64_t arg, const hv_socket& req,
                        SocketInfo& info, int fd);

HypercallOutcome Socket(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_socket>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  if (req->op == HV_SOCK_CREATE) return Reply(Create(ctx, *req));
  int fd = -1;
  const std::shared_ptr<SocketInfo> info = ctx.files.socket(req->handle, &fd);
  if (info == nullptr) return Reply(ctx.files.fd(req->handle) >= 0 ? -ENOTSOCK : -EBADF);
  const int64_t r = SocketOp(ctx, arg, *req, *info, fd);
  if (r == -EAGAIN || r == -EINPROGRESS) {
    if (!ctx.memory.Write(arg + offsetof(hv_socket, arg2), WaitBudget(*info, fd, req->op)).ok()) {
      return Reply(-EFAULT);
    }
  }
  return Reply(r);
}

static int64_t SocketOp(const ServiceContext& ctx, uint64_t arg, const hv_socket& req,
                        SocketInfo& info, int fd) {
  switch (req.op) {
    case HV_SOCK_BIND:
      return Bind(ctx, req, info, fd);
    case HV_SOCK_LISTEN:
      return Listen(ctx, req, info, fd);
    case HV_SOCK_ACCEPT:
      return Accept(ctx, arg, req, info, fd);
    case HV_SOCK_CONNECT:
      return Connect(ctx, req, info, fd);
    case HV_SOCK_NAME:
      return Name(ctx, arg, req, info, fd, /*peer=*/false);
    case HV_SOCK_PEER:
      return Name(ctx, arg, req, info, fd, /*peer=*/true);
    case HV_SOCK_SETOPT:
      return SocketOption(ctx, arg, req, info, fd, /*set=*/true);
    case HV_SOCK_GETOPT:
      return SocketOption(ctx, arg, req, info, fd, /*set=*/false);
    case HV_SOCK_SENDMSG:
      return Transfer(ctx, arg, req, info, fd, /*send=*/true);
    case HV_SOCK_RECVMSG:
      return Transfer(ctx, arg, req, info, fd, /*send=*/false);
    default:
      return -EINVAL;
  }
}

// HV_CALL_POLL.
int64_t PreparePoll(const ServiceContext& ctx, uint64_t arg, PollWait* wait) {
  auto req = ctx.memory.Read<hv_poll>(arg);
  if (!req.ok()) return -EFAULT;
  if (req->count > HV_POLL_MAX || req->timeout_ns < 0) return -EINVAL;
  std::vector<pollfd> fds(req->count);
  for (uint32_t i = 0; i < req->count; ++i) {
    auto item = ctx.memory.Read<hv_poll_item>(req->items + i * sizeof(hv_poll_item));
    if (!item.ok()) return -EFAULT;
    // Only stream handles: a regular file is always ready, and the guest
    // knows it.
    const int fd = ctx.files.stream(item->handle) ? ctx.files.fd(item->handle) : -1;
    fds[i] = {fd, static_cast<short>(item->events & (POLLIN | POLLOUT | POLLPRI | POLLRDHUP)), 0};
  }
  std::vector<short> ready(req->count);
  bool any = false;
  if (!fds.empty()) {
    if (poll(fds.data(), fds.size(), 0) < 0) return Errno();
  }
  for (uint32_t i = 0; i < req->count; ++i) {
    ready[i] = fds[i].fd < 0 ? POLLNVAL : fds[i].revents;
    any = any || ready[i] != 0;
  }
  if (any || req->timeout_ns == 0 || wait == nullptr)
    return FinishPoll(ctx.memory, req->items, ready);
  wait->items = req->items;
  // The guest waits in slices and asks again, so a longer wait is cut here:
  // no guest value can overflow a deadline on the host.
  wait->timeout_ns = std::min<int64_t>(req->timeout_ns, HV_POLL_MAX_WAIT_NS);
  for (const pollfd& p : fds) {
    UniqueFd d(fcntl(p.fd, F_DUPFD_CLOEXEC, 3));
    if (!d.valid()) return Errno();
    wait->fds.push_back(std::move(d));
    wait->events.push_back(p.events);
  }
  return kPollWaits;
}

int64_t FinishPoll(const GuestMemory& memory, uint64_t items, const std::vector<short>& ready) {
  int64_t n = 0;
  for (size_t i = 0; i < ready.size(); ++i) {
    const uint64_t at = items + i * sizeof(hv_poll_item) + offsetof(hv_poll_item, revents);
    if (!memory.Write(at, static_cast<int16_t>(ready[i])).ok()) return -EFAULT;
    if (ready[i] != 0) ++n;
  }
  return n;
}

HypercallOutcome Poll(const ServiceContext& ctx, uint64_t arg) {
  return Reply(PreparePoll(ctx, arg, nullptr));
}

}  // namespace hvrun
