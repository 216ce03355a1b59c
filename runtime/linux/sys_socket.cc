// Sockets: every guest socket is a host socket that hvrun made and serves
// under its network policy (HV_CALL_SOCKET, abi.h); the fd is an unnamed
// kHost inode of type S_IFSOCK whose read/write go through the host stream
// path like a pipe's. hvrun never waits: where Linux blocks (accept, connect,
// send into a full buffer, recv with nothing there) hvrun says -EAGAIN (or
// -EINPROGRESS) and the calling thread waits here for readiness
// (host_ready.h) unless the socket or the call is non-blocking, within
// SO_RCVTIMEO/SO_SNDTIMEO. socketpair(2) and eventfd(2) make host objects
// too (HV_CALL_PIPE, HV_CALL_EVENTFD).
//
// AF_UNIX path names are resolved here like any path (vfs::Resolve) and
// travel as a path beneath a mount; a name in the guest's own tmpfs (not a
// host directory) cannot be a host socket: -EACCES. SCM_RIGHTS passes the
// host files behind fds (hvrun sends their handles' fds and gives back new
// handles). SCM_CREDENTIALS and SO_PEERCRED carry the guest's own pids and
// ids: hvrun keeps what each call says of its caller with the socket
// (hv_ucred in abi.h), since the host kernel sees only hvrun.
#include "runtime/hv/clock.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/poll.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/host_ready.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/socket_io.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/host_call.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

constexpr uint32_t kAF_UNIX = 1, kAF_INET = 2, kAF_INET6 = 10;
constexpr uint32_t kSOCK_STREAM = 1, kSOCK_DGRAM = 2, kSOCK_RAW = 3, kSOCK_SEQPACKET = 5;
constexpr uint32_t kSOCK_TYPE_MASK = 0xf;
constexpr uint32_t kSOCK_NONBLOCK = 04000, kSOCK_CLOEXEC = 02000000;
static_assert(kSOCK_NONBLOCK == abi::kO_NONBLOCK && kSOCK_CLOEXEC == abi::kO_CLOEXEC);
constexpr uint32_t kMSG_PEEK = 0x2, kMSG_DONTWAIT = 0x40, kMSG_WAITALL = 0x100,
                   kMSG_NOSIGNAL = 0x4000;
constexpr int kSOL_SOCKET = 1, kSO_TYPE = 3, kSO_ERROR = 4, kSO_RCVTIMEO = 20, kSO_SNDTIMEO = 21;
using abi::kPOLLIN, abi::kPOLLOUT;
constexpr uint64_t kMaxRw = 0x7ffff000;  // Linux's MAX_RW_COUNT

// A socket fd: its description, inode and host handle.
struct Sock {
  vfs::File* f;
  tmpfs::Inode* n;
  uint32_t handle;
  bool nonblock() const { return (f->flags & abi::kO_NONBLOCK) != 0; }
};

// A socket by fd, for the calls that take one.
int64_t SocketOf(int32_t fd, Sock* s);

// The socket behind (fd): -EBADF, -ENOTSOCK, or 0 with (*s) set.
int64_t SocketOf(int32_t fd, Sock* s) {
  s->f = vfs::FileOf(fd);
  if (s->f == nullptr) return -abi::kEBADF;
  s->n = vfs::InodeOf(*s->f);
  if (s->n == nullptr || s->n->kind != tmpfs::Kind::kHost || !abi::IsSock(s->n->mode) ||
      s->n->pipe_head == 0) {
    return -abi::kENOTSOCK;
  }
  s->handle = static_cast<uint32_t>(s->n->pipe_head - 1);
  return 0;
}

// The caller as SO_PEERCRED will name it: pid and effective ids (Linux's
// init_peercred). A message's own (SCM_CREDENTIALS) take the real ids.
hv_ucred PeerCred() {
  return {process::Pid(), cred::Uid().effective, cred::Gid().effective, HV_UCRED_SET};
}
hv_ucred MessageCred() {
  return {process::Pid(), cred::Uid().real, cred::Gid().real, HV_UCRED_SET};
}

hv_socket Request(uint32_t op, const Sock& s) {
  hv_socket r = {};
  r.op = op;
  r.handle = s.handle;
  r.path.mount = HV_SOCK_NO_PATH;
  r.cred = PeerCred();
  return r;
}

int64_t Call(hv_socket& r) { return hv::Call(HV_CALL_SOCKET, &r); }

// A guest sockaddr, copied in, with its AF_UNIX path resolved; a name in
// the guest's tmpfs as an absolute path (HV_SOCK_GUEST_PATH), and where it
// is made (bind).
struct Addr {
  uint8_t bytes[HV_SOCKADDR_MAX];
  char path[192];
  uint32_t tmpfs_parent;  // bind of a tmpfs name: its directory, else 0
  const char* tmpfs_name;
  uint64_t tmpfs_len;
};

// Copies the guest's (addr, len) into (a) and points (r) at it; an AF_UNIX
// path name is resolved (following a final symlink unless (bind)) to a
// path beneath a mount.
int64_t TakeAddr(uint64_t addr, uint64_t len, bool bind, Addr* a, hv_socket* r) {
  a->tmpfs_parent = 0;
  if (static_cast<int32_t>(len) < 0 || len > HV_SOCKADDR_MAX) return -abi::kEINVAL;
  if (int64_t e = user::CopyIn(a->bytes, addr, len); e < 0) return e;
  r->addr = reinterpret_cast<uint64_t>(a->bytes);
  r->addr_len = static_cast<uint32_t>(len);
  r->path.mount = HV_SOCK_NO_PATH;
  const uint32_t family = len >= 2 ? a->bytes[0] | (a->bytes[1] << 8) : 0;
  if (family != kAF_UNIX || len <= 2 || a->bytes[2] == 0) return 0;  // abstract or unnamed
  uint64_t n = 0;
  while (2 + n < len && a->bytes[2 + n] != 0) {
    a->path[n] = static_cast<char>(a->bytes[2 + n]);
    n++;
  }
  a->path[n] = 0;
  vfs::Lookup l;
  if (int64_t e = vfs::Resolve(abi::kAT_FDCWD, a->path, !bind, &l); e < 0) return e;
  if (l.host) {
    r->path = hv_mount_path{l.mount, l.hlen, reinterpret_cast<uint64_t>(l.hpath)};
    return 0;
  }
  // The guest's tmpfs: the name's absolute path, for hvrun's abstract name.
  if (bind && l.ino != 0) return -abi::kEADDRINUSE;
  if (!bind && l.ino == 0) return -abi::kENOENT;
  if (!bind && !abi::IsSock(tmpfs::Get(l.ino)->mode)) return -abi::kECONNREFUSED;
  int64_t at = vfs::PathOf(l.parent, a->path, sizeof a->path);
  if (at < 0) return at == -abi::kERANGE ? -abi::kENAMETOOLONG : at;
  if (at > 1) a->path[at++] = '/';
  if (static_cast<uint64_t>(at) + l.len >= sizeof a->path) return -abi::kENAMETOOLONG;
  for (uint64_t i = 0; i < l.len; i++) a->path[at + i] = l.name[i];
  r->path = hv_mount_path{HV_SOCK_GUEST_PATH, static_cast<uint32_t>(at + l.len),
                          reinterpret_cast<uint64_t>(a->path)};
  if (bind) {
    if (int64_t e = vfs::CanCreateIn(*tmpfs::Get(l.parent)); e < 0) return e;
    a->tmpfs_parent = l.parent;
    a->tmpfs_name = a->path + at;
    a->tmpfs_len = l.len;
  }
  return 0;
}

// Where the guest wants an address back (accept, getsockname, recvfrom):
// reads the room it gives at (len_ptr) (-EINVAL if negative).
int64_t AddrRoom(uint64_t addr, uint64_t len_ptr, uint32_t* room) {
  *room = 0;
  if (addr == 0 || len_ptr == 0) return 0;
  int32_t n;
  if (int64_t e = user::CopyIn(&n, len_ptr, sizeof n); e < 0) return e;
  if (n < 0) return -abi::kEINVAL;
  *room = static_cast<uint32_t>(n);
  return 0;
}

// Copies the address hvrun wrote into (a) back to the guest: at most (room)
// bytes, and its full length into (len_ptr).
int64_t GiveAddr(const Addr& a, uint32_t len, uint64_t addr, uint64_t len_ptr, uint32_t room) {
  if (addr == 0 || len_ptr == 0) return 0;
  const uint32_t n = len < room ? len : room;
  if (int64_t e = user::CopyOut(addr, a.bytes, n); e < 0) return e;
  const int32_t full = static_cast<int32_t>(len);
  return user::CopyOut(len_ptr, &full, sizeof full);
}

// The deadline of a wait that starts now, from the budget hvrun gives with
// -EAGAIN (abi.h: ns, -1 none, 0 no wait at all).
int64_t Deadline(int64_t budget_ns) {
  if (budget_ns < 0) return sched::kForever;
  return static_cast<int64_t>(clock::MonotonicNs()) + budget_ns;
}

// Runs (r) until it does not say -EAGAIN, waiting for (events) in between
// unless (nonblock). A timeout is -EAGAIN, as Linux's SO_RCVTIMEO.
int64_t UntilReady(const Sock& s, hv_socket& r, int16_t events, bool nonblock) {
  vfs::FileRef pin(*s.f);  // a close by another thread waits for this call
  const hv_socket asked = r;
  int64_t deadline = 0;  // looked up at the first wait
  for (;;) {
    r = asked;
    const int64_t got = Call(r);
    if (got != -abi::kEAGAIN || nonblock) return got;
    if (deadline == 0) deadline = Deadline(static_cast<int64_t>(r.arg2));
    if (int64_t w = host_ready::WaitOne(s.handle, events, deadline); w < 0) return w;
  }
}

// A blocking receive, accept or send: submitted with HV_SOCK_WAIT, so hvrun
// tries it and, where it would wait, waits for (events) and tries again
// (abi.h): one crossing where asking, polling and asking again took three.
// The thread looks for signals between hvrun's slices, as
// host_ready::WaitOne does; where hvrun did not wait (no io_uring), it
// waits there instead.
int64_t UntilHostReady(const Sock& s, hv_socket& r, int16_t events) {
  vfs::FileRef pin(*s.f);  // a close by another thread waits for this call
  const hv_socket asked = r;
  const int64_t start = static_cast<int64_t>(clock::MonotonicNs());
  int64_t deadline = 0;  // from the budget of the first -EAGAIN
  for (;;) {
    r = asked;
    r.flags |= HV_SOCK_WAIT;
    const int64_t called = static_cast<int64_t>(clock::MonotonicNs());
    const int64_t got = sched::HostCall(HV_CALL_SOCKET, &r);
    if (got != -abi::kEAGAIN) return got;
    if (deadline == 0) {
      const int64_t budget = static_cast<int64_t>(r.arg2);
      deadline = budget < 0 ? sched::kForever : start + budget;
    }
    const int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    if (now >= deadline) return -abi::kEAGAIN;
    if (now - called < HV_SOCK_WAIT_NS / 2) {
      if (int64_t w = host_ready::WaitOne(s.handle, events, deadline); w < 0) return w;
      continue;
    }
    process::TakeSignals();
    if (signals::HandlerPending()) {
      return deadline == sched::kForever ? -signals::kERESTARTSYS : -abi::kEINTR;
    }
  }
}

// sendmsg over (iov, count) to (addr, addr_len) (0: none). (single): (iov)
// is one buffer of the runtime's own (send, sendto), which a stream's
// blocking send moves whole; else it is the guest's array, which only hvrun
// reads.
int64_t Send(const Sock& s, hv_iovec* iov, uint64_t count, bool single, uint32_t flags,
             uint64_t addr, uint64_t addr_len, const uint32_t* passed = nullptr,
             uint64_t npassed = 0, const hv_ucred* cred = nullptr) {
  hv_socket r = Request(HV_SOCK_SENDMSG, s);
  r.cred = cred != nullptr ? *cred : MessageCred();
  r.arg0 = reinterpret_cast<uint64_t>(passed);
  r.arg1 = npassed;
  Addr a;
  if (addr != 0) {
    if (int64_t e = TakeAddr(addr, addr_len, false, &a, &r); e < 0) return e;
  }
  r.flags = flags & ~kMSG_DONTWAIT;
  r.data = reinterpret_cast<uint64_t>(iov);
  r.data_len = count;
  const bool nonblock = s.nonblock() || (flags & kMSG_DONTWAIT) != 0;
  const uint64_t total = single ? iov[0].len : 0;
  uint64_t done = 0;
  int64_t got;
  for (;;) {
    got = nonblock ? Call(r) : UntilHostReady(s, r, kPOLLOUT);
    if (got <= 0 || !single || nonblock) break;
    done += static_cast<uint64_t>(got);
    if (done >= total) break;
    iov[0].base += static_cast<uint64_t>(got);
    iov[0].len -= static_cast<uint64_t>(got);
  }
  if (got == -abi::kEPIPE && (flags & kMSG_NOSIGNAL) == 0) signals::Send(abi::kSIGPIPE);
  return done > 0 ? static_cast<int64_t>(done) : got;
}

// recvmsg into (iov, count) ((single): as Send's); the sender's address
// into (from, *from_len), its MSG_TRUNC/MSG_EOR into (*msg_flags), its
// credentials, where the message carries them, into (*cred); an IP
// socket's control messages into the guest's (control, *control_len), which
// gets the length used.
int64_t Recv(const Sock& s, hv_iovec* iov, uint64_t count, bool single, uint32_t flags, Addr* from,
             uint32_t* from_len, uint32_t* msg_flags, hv_passed* passed = nullptr,
             uint64_t* npassed = nullptr, hv_ucred* cred = nullptr, uint64_t control = 0,
             uint64_t* control_len = nullptr) {
  hv_socket r = Request(HV_SOCK_RECVMSG, s);
  r.cred = {};  // OUT only: hvrun fills it on AF_UNIX
  if (control_len != nullptr) {
    r.control = control;
    r.control_len = *control_len;
  }
  if (passed != nullptr) {
    r.arg0 = reinterpret_cast<uint64_t>(passed);
    r.arg1 = *npassed;
  }
  r.flags = flags & ~kMSG_DONTWAIT;
  r.data = reinterpret_cast<uint64_t>(iov);
  r.data_len = count;
  if (from != nullptr) {
    r.addr = reinterpret_cast<uint64_t>(from->bytes);
    r.addr_len = HV_SOCKADDR_MAX;
  }
  const bool nonblock = s.nonblock() || (flags & kMSG_DONTWAIT) != 0;
  int64_t got = nonblock ? Call(r) : UntilHostReady(s, r, kPOLLIN);
  // MSG_WAITALL on a stream: on until the buffer is full, the end, or an
  // error (what came before it is the answer then).
  uint64_t done = 0;
  if ((flags & kMSG_WAITALL) != 0 && (flags & kMSG_PEEK) == 0 && single && !nonblock) {
    while (got > 0) {
      done += static_cast<uint64_t>(got);
      if (done >= iov[0].len) break;
      hv_iovec rest = {iov[0].base + done, iov[0].len - done};
      r.data = reinterpret_cast<uint64_t>(&rest);
      got = UntilHostReady(s, r, kPOLLIN);
    }
    if (done > 0) got = static_cast<int64_t>(done);
  }
  if (npassed != nullptr) *npassed = got >= 0 && passed != nullptr ? r.arg1 : 0;
  if (got >= 0) {
    if (from_len != nullptr) *from_len = r.addr_len;
    if (msg_flags != nullptr) *msg_flags = static_cast<uint32_t>(r.arg2);
    if (cred != nullptr) *cred = r.cred;
    if (control_len != nullptr) *control_len = r.control_len;
  }
  return got;
}

// The guest's struct msghdr.
struct MsgHdr {
  uint64_t name;
  uint32_t namelen;
  uint32_t pad0;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  uint32_t pad1;
};
static_assert(sizeof(MsgHdr) == 56);

}  // namespace

int64_t socket_io::Transfer(tmpfs::Inode& n, vfs::File& f, bool write, uint64_t buf, uint64_t len) {
  Sock s = {&f, &n, static_cast<uint32_t>(n.pipe_head - 1)};
  hv_iovec iov = {buf, len};
  // write(2) is send(2) without flags: SIGPIPE on a broken connection.
  return write ? Send(s, &iov, 1, true, 0, 0, 0)
               : Recv(s, &iov, 1, true, 0, nullptr, nullptr, nullptr);
}

// Socket implements Linux syscall socket(2): AF_UNIX, AF_INET, AF_INET6.
int64_t sys_socket(hv_syscall_frame& f) {
  const uint32_t domain = static_cast<uint32_t>(f.args[0]);
  const uint32_t type = static_cast<uint32_t>(f.args[1]);
  if ((type & ~(kSOCK_TYPE_MASK | kSOCK_NONBLOCK | kSOCK_CLOEXEC)) != 0) return -abi::kEINVAL;
  hv_socket r = {};
  r.op = HV_SOCK_CREATE;
  r.arg0 = domain;
  r.arg1 = type & kSOCK_TYPE_MASK;
  r.arg2 = static_cast<uint32_t>(f.args[2]);
  r.path.mount = HV_SOCK_NO_PATH;
  const int64_t h = Call(r);
  if (h < 0) return h;
  return vfs::InstallHostHandle(static_cast<uint32_t>(h), abi::kS_IFSOCK | 0777,
                                abi::kO_RDWR | abi::FdFlagsOf(type));
}

// Socketpair implements Linux syscall socketpair(2) for AF_UNIX.
int64_t sys_socketpair(hv_syscall_frame& f) {
  const uint32_t domain = static_cast<uint32_t>(f.args[0]);
  const uint32_t type = static_cast<uint32_t>(f.args[1]);
  const uint32_t protocol = static_cast<uint32_t>(f.args[2]);
  uint32_t kind = type & kSOCK_TYPE_MASK;
  if ((type & ~(kSOCK_TYPE_MASK | kSOCK_NONBLOCK | kSOCK_CLOEXEC)) != 0) return -abi::kEINVAL;
  if (kind == kSOCK_RAW) kind = kSOCK_DGRAM;  // AF_UNIX's reading of SOCK_RAW
  // Linux: the IP families have no socketpair; others are unknown here.
  if (domain == kAF_INET || domain == kAF_INET6) return -abi::kEOPNOTSUPP;
  if (domain != kAF_UNIX) return -abi::kEAFNOSUPPORT;
  if (kind != kSOCK_STREAM && kind != kSOCK_DGRAM && kind != kSOCK_SEQPACKET) {
    return -abi::kEPROTONOSUPPORT;
  }
  if (protocol != 0) return -abi::kEPROTONOSUPPORT;
  if (!user::WriteOk(f.args[3], 8)) return -abi::kEFAULT;
  int32_t fds[2];
  const uint64_t flags = abi::FdFlagsOf(type);
  if (int64_t r = vfs::SocketPair(kind, flags, PeerCred(), fds); r < 0) return r;
  return user::CopyOut(f.args[3], fds, sizeof fds);
}

// Bind implements Linux syscall bind(2).
int64_t sys_bind(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  hv_socket r = Request(HV_SOCK_BIND, s);
  Addr a;
  if (int64_t e = TakeAddr(f.args[1], f.args[2], true, &a, &r); e < 0) return e;
  if (int64_t e = Call(r); e < 0) return e;
  if (a.tmpfs_parent == 0) return 0;
  // The name in the guest's tmpfs, so stat and ls see the socket there.
  tmpfs::Inode* dir = tmpfs::Get(a.tmpfs_parent);
  const uint32_t ino =
      tmpfs::NewInode(tmpfs::Kind::kTmpfs, abi::kS_IFSOCK | (0777 & ~vfs::Umask()), dir->dev);
  if (ino == 0) return -abi::kENOSPC;
  if (int64_t e = tmpfs::DirAdd(*dir, a.tmpfs_name, a.tmpfs_len, ino); e < 0) {
    tmpfs::Get(ino)->nlink = 0;
    tmpfs::MaybeRelease(ino);
    return e;
  }
  return 0;
}

// Listen implements Linux syscall listen(2).
int64_t sys_listen(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  hv_socket r = Request(HV_SOCK_LISTEN, s);
  const int32_t backlog = Int(f.args[1]);
  r.arg0 = backlog < 0 ? 0 : static_cast<uint64_t>(backlog);
  return Call(r);
}

// Accept4 implements Linux syscall accept4(2): waits for a connection
// unless the socket is non-blocking.
int64_t sys_accept4(hv_syscall_frame& f) {
  const uint32_t flags = static_cast<uint32_t>(f.args[3]);
  if ((flags & ~(kSOCK_NONBLOCK | kSOCK_CLOEXEC)) != 0) return -abi::kEINVAL;
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  uint32_t room;
  if (int64_t e = AddrRoom(f.args[1], f.args[2], &room); e < 0) return e;
  Addr a;
  hv_socket r = Request(HV_SOCK_ACCEPT, s);
  r.addr = reinterpret_cast<uint64_t>(a.bytes);
  r.addr_len = HV_SOCKADDR_MAX;
  const int64_t h = s.nonblock() ? Call(r) : UntilHostReady(s, r, kPOLLIN);
  if (h < 0) return h;
  const int64_t fd = vfs::InstallHostHandle(static_cast<uint32_t>(h), abi::kS_IFSOCK | 0777,
                                            abi::kO_RDWR | abi::FdFlagsOf(flags));
  if (fd < 0) return fd;
  if (int64_t e = GiveAddr(a, r.addr_len, f.args[1], f.args[2], room); e < 0) return e;
  return fd;
}

// Accept implements Linux syscall accept(2).
int64_t sys_accept(hv_syscall_frame& f) {
  f.args[3] = 0;
  return sys_accept4(f);
}

// Connect implements Linux syscall connect(2): a blocking socket waits
// until the connection is made or refused.
int64_t sys_connect(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  hv_socket r = Request(HV_SOCK_CONNECT, s);
  Addr a;
  if (int64_t e = TakeAddr(f.args[1], f.args[2], false, &a, &r); e < 0) return e;
  int64_t got = UntilReady(s, r, kPOLLOUT, s.nonblock());
  if (got != -abi::kEINPROGRESS || s.nonblock()) return got;
  // Linux: a signal ends the wait with EINTR while the connection goes on;
  // SO_SNDTIMEO ends it with EINPROGRESS.
  vfs::FileRef pin(*s.f);
  const hv_socket asked = r;
  const int64_t deadline = Deadline(static_cast<int64_t>(r.arg2));
  for (;;) {
    if (int64_t w = host_ready::WaitOne(s.handle, kPOLLOUT, deadline); w < 0) {
      if (w == -abi::kEAGAIN) return -abi::kEINPROGRESS;
      return w == -signals::kERESTARTSYS ? -abi::kEINTR : w;
    }
    // connect(2) again, as Linux's blocking connect ends: 0 once connected
    // (the socket is then connected for the next connect's EISCONN too),
    // or the error that ended the attempt.
    r = asked;
    got = Call(r);
    if (got != -abi::kEALREADY && got != -abi::kEINPROGRESS) return got;
  }
}

// Getsockname implements Linux syscall getsockname(2): the guest's view of
// its name (the network policy may have bound another).
int64_t NameOf(hv_syscall_frame& f, uint32_t op) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  if (f.args[2] == 0) return -abi::kEFAULT;
  uint32_t room;
  if (int64_t e = AddrRoom(f.args[1], f.args[2], &room); e < 0) return e;
  Addr a;
  hv_socket r = Request(op, s);
  r.addr = reinterpret_cast<uint64_t>(a.bytes);
  r.addr_len = HV_SOCKADDR_MAX;
  if (int64_t e = Call(r); e < 0) return e;
  return GiveAddr(a, r.addr_len, f.args[1], f.args[2], room);
}

int64_t sys_getsockname(hv_syscall_frame& f) { return NameOf(f, HV_SOCK_NAME); }

// Getpeername implements Linux syscall getpeername(2).
int64_t sys_getpeername(hv_syscall_frame& f) { return NameOf(f, HV_SOCK_PEER); }

// Setsockopt implements Linux syscall setsockopt(2): the options hvrun
// allows (sockets.cc's list), set on the host socket.
int64_t sys_setsockopt(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  const int32_t len = Int(f.args[4]);
  if (len < 0) return -abi::kEINVAL;
  hv_socket r = Request(HV_SOCK_SETOPT, s);
  r.arg0 = static_cast<uint32_t>(f.args[1]);
  r.arg1 = static_cast<uint32_t>(f.args[2]);
  r.data = f.args[3];
  r.data_len = static_cast<uint64_t>(len);
  return Call(r);
}

// Getsockopt implements Linux syscall getsockopt(2).
int64_t sys_getsockopt(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  int32_t len;
  if (int64_t e = user::CopyIn(&len, f.args[4], sizeof len); e < 0) return e;
  if (len < 0) return -abi::kEINVAL;
  hv_socket r = Request(HV_SOCK_GETOPT, s);
  r.arg0 = static_cast<uint32_t>(f.args[1]);
  r.arg1 = static_cast<uint32_t>(f.args[2]);
  r.data = f.args[3];
  r.data_len = static_cast<uint64_t>(len);
  const int64_t got = Call(r);
  if (got < 0) return got;
  const int32_t out = static_cast<int32_t>(got < len ? got : len);
  return user::CopyOut(f.args[4], &out, sizeof out);
}

// Sendto implements Linux syscall sendto(2).
int64_t sys_sendto(hv_syscall_frame& f) {
  uint64_t len = f.args[2] > kMaxRw ? kMaxRw : f.args[2];
  hv_iovec iov = {f.args[1], len};
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  return Send(s, &iov, 1, true, static_cast<uint32_t>(f.args[3]), f.args[4], f.args[5]);
}

// Recvfrom implements Linux syscall recvfrom(2).
int64_t sys_recvfrom(hv_syscall_frame& f) {
  uint64_t len = f.args[2] > kMaxRw ? kMaxRw : f.args[2];
  hv_iovec iov = {f.args[1], len};
  uint32_t room;
  if (int64_t e = AddrRoom(f.args[4], f.args[5], &room); e < 0) return e;
  Addr from;
  uint32_t from_len = 0;
  const bool want = f.args[4] != 0 && f.args[5] != 0;
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  const int64_t got = Recv(s, &iov, 1, true, static_cast<uint32_t>(f.args[3]),
                           want ? &from : nullptr, &from_len, nullptr);
  if (got < 0 || !want) return got;
  if (int64_t e = GiveAddr(from, from_len, f.args[4], f.args[5], room); e < 0) return e;
  return got;
}

namespace {

// The guest's struct cmsghdr, and what it carries.
struct CmsgHdr {
  uint64_t len;
  int32_t level;
  int32_t type;
};
static_assert(sizeof(CmsgHdr) == 16);
constexpr int32_t kSCM_RIGHTS = 1, kSCM_CREDENTIALS = 2;
constexpr uint32_t kMSG_CTRUNC = 0x8, kMSG_CMSG_CLOEXEC = 0x40000000;
uint64_t CmsgAlign(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// The handles of the fds an SCM_RIGHTS message at (control, len) passes,
// into (handles) (room HV_SCM_MAX), and the credentials an SCM_CREDENTIALS
// message names into (*cred) (checked as Linux's scm_check_creds: another
// pid needs CAP_SYS_ADMIN, other ids CAP_SETUID/CAP_SETGID: -EPERM; a pid
// that names no process: -ESRCH). -EINVAL for a malformed message, -EBADF
// for a bad fd, -EOPNOTSUPP for one that has no host file behind it (the
// guest's own tmpfs files, pipes, signalfds, the console).
int64_t PassedHandles(uint64_t control, uint64_t len, uint32_t* handles, uint64_t* n,
                      hv_ucred* cred) {
  *n = 0;
  uint64_t at = 0;
  while (at + sizeof(CmsgHdr) <= len) {
    CmsgHdr h;
    if (int64_t e = user::CopyIn(&h, control + at, sizeof h); e < 0) return e;
    if (h.len < sizeof h || h.len > len - at) return -abi::kEINVAL;
    if (h.level == kSOL_SOCKET && h.type == kSCM_RIGHTS) {
      const uint64_t count = (h.len - sizeof h) / sizeof(int32_t);
      if (*n + count > HV_SCM_MAX) return -abi::kEINVAL;
      for (uint64_t i = 0; i < count; i++) {
        int32_t fd;
        if (int64_t e = user::CopyIn(&fd, control + at + sizeof h + i * 4, sizeof fd); e < 0) {
          return e;
        }
        vfs::File* f = vfs::FileOf(fd);
        if (f == nullptr) return -abi::kEBADF;
        tmpfs::Inode* node = vfs::InodeOf(*f);
        if (node == nullptr || node->kind != tmpfs::Kind::kHost || node->pipe_head == 0) {
          return -abi::kEOPNOTSUPP;
        }
        handles[(*n)++] = static_cast<uint32_t>(node->pipe_head - 1);
      }
    } else if (h.level == kSOL_SOCKET && h.type == kSCM_CREDENTIALS) {
      // struct ucred {pid, uid, gid}.
      struct {
        int32_t pid;
        uint32_t uid, gid;
      } u;
      if (h.len < sizeof h + sizeof u) return -abi::kEINVAL;
      if (int64_t e = user::CopyIn(&u, control + at + sizeof h, sizeof u); e < 0) return e;
      const cred::Ids& uid = cred::Uid();
      const cred::Ids& gid = cred::Gid();
      constexpr int kCAP_SETGID = 6, kCAP_SETUID = 7, kCAP_SYS_ADMIN = 21;
      if ((u.pid != process::Pid() && !HasCapability(kCAP_SYS_ADMIN)) ||
          (u.uid != uid.real && u.uid != uid.effective && u.uid != uid.saved &&
           !HasCapability(kCAP_SETUID)) ||
          (u.gid != gid.real && u.gid != gid.effective && u.gid != gid.saved &&
           !HasCapability(kCAP_SETGID))) {
        return -abi::kEPERM;
      }
      if (u.pid != process::Pid()) {
        // Linux checks the pid names a process (ESRCH once it is reaped).
        if (u.pid <= 0) return -abi::kESRCH;
        hv_proc p = {HV_PROC_KILL, u.pid, 0, 0, 0, 0};
        if (int64_t e = hv::Call(HV_CALL_PROC, &p); e == -abi::kESRCH) return e;
      }
      *cred = {u.pid, u.uid, u.gid, HV_UCRED_SET | HV_UCRED_EXPLICIT};
    } else {
      return -abi::kEINVAL;
    }
    at += CmsgAlign(h.len);
  }
  return 0;
}

// sendmsg of the guest's struct msghdr at (addr).
int64_t SendMsgAt(int32_t fd, uint64_t addr, uint32_t flags) {
  MsgHdr m;
  if (int64_t e = user::CopyIn(&m, addr, sizeof m); e < 0) return e;
  if (m.iovlen > HV_IOV_MAX) return -abi::kEMSGSIZE;
  Sock s;
  if (int64_t e = SocketOf(fd, &s); e < 0) return e;
  uint32_t handles[HV_SCM_MAX];
  uint64_t npassed = 0;
  hv_ucred cred = MessageCred();
  if (m.control != 0 && m.controllen != 0) {
    if (m.controllen > 0x7fffffff) return -abi::kENOBUFS;
    if (int64_t e = PassedHandles(m.control, m.controllen, handles, &npassed, &cred); e < 0) {
      return e;
    }
  }
  // The guest's struct iovec is hv_iovec: hvrun reads and checks it.
  return Send(s, reinterpret_cast<hv_iovec*>(m.iov), m.iovlen, false, flags, m.name,
              m.name == 0 ? 0 : m.namelen, handles, npassed, &cred);
}

// Writes a message's credentials to the guest's control buffer (control,
// room) as an SCM_CREDENTIALS message, first, as Linux's put_cmsg: cut to
// the room there is (MSG_CTRUNC), nothing where not even a header fits;
// (*used) is the room it takes.
int64_t PutCreds(const hv_ucred& c, uint64_t control, uint64_t room, uint64_t* used,
                 uint32_t* msg_flags) {
  *used = 0;
  if (control == 0 || room < sizeof(CmsgHdr)) {
    *msg_flags |= kMSG_CTRUNC;
    return 0;
  }
  const int32_t u[3] = {c.pid, static_cast<int32_t>(c.uid), static_cast<int32_t>(c.gid)};
  uint64_t len = sizeof(CmsgHdr) + sizeof u;
  if (room < len) {
    *msg_flags |= kMSG_CTRUNC;
    len = room;
  }
  const CmsgHdr h = {len, kSOL_SOCKET, kSCM_CREDENTIALS};
  if (int64_t e = user::CopyOut(control, &h, sizeof h); e < 0) return e;
  if (int64_t e = user::CopyOut(control + sizeof h, u, len - sizeof h); e < 0) return e;
  *used = CmsgAlign(len) < room ? CmsgAlign(len) : room;
  return 0;
}

// Closes the handle of a passed file that no fd will hold.
void DropPassed(const hv_passed& p) {
  hv_file_io c = {};
  c.handle = p.handle;
  hv::Call(HV_CALL_FILE_CLOSE, &c);
}

// Gives the files that came with a message fds and writes them to the
// guest's control buffer (control, room) as one SCM_RIGHTS message; (*used)
// is its length. A file that gets no fd (or no room) is closed and sets
// MSG_CTRUNC.
int64_t GiveFds(const hv_passed* passed, uint64_t n, uint32_t flags, uint64_t control,
                uint64_t room, uint64_t* used, uint32_t* msg_flags) {
  *used = 0;
  const uint64_t fit = control != 0 && room > sizeof(CmsgHdr) ? (room - sizeof(CmsgHdr)) / 4 : 0;
  if (n > fit) {
    for (uint64_t i = fit; i < n; i++) DropPassed(passed[i]);
    *msg_flags |= kMSG_CTRUNC;
    n = fit;
  }
  uint64_t given = 0;
  for (uint64_t i = 0; i < n; i++) {
    const int64_t fd = vfs::InstallHostHandle(
        passed[i].handle, passed[i].mode & (abi::kS_IFMT | 0777),
        abi::kO_RDWR | ((flags & kMSG_CMSG_CLOEXEC) != 0 ? abi::kO_CLOEXEC : 0));
    if (fd < 0) {
      *msg_flags |= kMSG_CTRUNC;
      continue;
    }
    const int32_t v = static_cast<int32_t>(fd);
    if (int64_t e = user::CopyOut(control + sizeof(CmsgHdr) + given * 4, &v, sizeof v); e < 0) {
      return e;
    }
    given++;
  }
  if (given == 0) return 0;
  const CmsgHdr h = {sizeof(CmsgHdr) + given * 4, kSOL_SOCKET, kSCM_RIGHTS};
  if (int64_t e = user::CopyOut(control, &h, sizeof h); e < 0) return e;
  *used = CmsgAlign(h.len) < room ? CmsgAlign(h.len) : room;
  return 0;
}

// recvmsg into the guest's struct msghdr at (addr), which gets the
// sender's name, its length, the files passed with it and the flags.
int64_t RecvMsgAt(int32_t fd, uint64_t addr, uint32_t flags) {
  MsgHdr m;
  if (int64_t e = user::CopyIn(&m, addr, sizeof m); e < 0) return e;
  if (m.iovlen > HV_IOV_MAX) return -abi::kEMSGSIZE;
  if (static_cast<int32_t>(m.namelen) < 0) return -abi::kEINVAL;
  Sock s;
  if (int64_t e = SocketOf(fd, &s); e < 0) return e;
  // Room for passed files: what the control buffer holds, at most 32 here.
  hv_passed passed[32];
  uint64_t room = 0;
  if (m.control != 0 && m.controllen >= sizeof(CmsgHdr) + 4) {
    room = (m.controllen - sizeof(CmsgHdr)) / 4;
    if (room > sizeof passed / sizeof passed[0]) room = sizeof passed / sizeof passed[0];
  }
  Addr from;
  uint32_t from_len = 0, msg_flags = 0;
  uint64_t npassed = room;
  hv_ucred cred = {};
  uint64_t ip_control = m.control != 0 ? m.controllen : 0;
  const int64_t got =
      Recv(s, reinterpret_cast<hv_iovec*>(m.iov), m.iovlen, false, flags & ~kMSG_CMSG_CLOEXEC,
           m.name != 0 ? &from : nullptr, &from_len, &msg_flags, room > 0 ? passed : nullptr,
           &npassed, &cred, m.control, &ip_control);
  if (got < 0) {
    for (uint64_t i = 0; i < npassed; i++) DropPassed(passed[i]);
    return got;
  }
  if (m.name != 0) {
    const uint32_t n = from_len < m.namelen ? from_len : m.namelen;
    if (int64_t e = user::CopyOut(m.name, from.bytes, n); e < 0) return e;
    m.namelen = from_len;
  } else {
    m.namelen = 0;
  }
  // An IP socket's control messages are in place already; AF_UNIX's come
  // in Linux's order: the credentials, then the files, in what room is left.
  uint64_t used = ip_control;
  if ((cred.flags & HV_UCRED_SET) != 0) {
    if (int64_t e = PutCreds(cred, m.control, m.controllen, &used, &msg_flags); e < 0) {
      for (uint64_t i = 0; i < npassed; i++) DropPassed(passed[i]);
      return e;
    }
  }
  if (npassed > 0) {
    uint64_t fds_used = 0;
    if (int64_t e = GiveFds(passed, npassed, flags, m.control + used, m.controllen - used,
                            &fds_used, &msg_flags);
        e < 0) {
      return e;
    }
    used += fds_used;
  }
  m.controllen = used;
  // Linux's msg_flags carry MSG_CMSG_CLOEXEC back where it was asked.
  m.flags = static_cast<int32_t>(msg_flags | (flags & kMSG_CMSG_CLOEXEC));
  if (int64_t e = user::CopyOut(addr, &m, sizeof m); e < 0) return e;
  return got;
}

// The guest's struct mmsghdr: a msghdr and the length moved.
constexpr uint64_t kMmsgSize = 64;
constexpr uint64_t kMmsgLen = 56;
constexpr uint32_t kMSG_WAITFORONE = 0x10000;

}  // namespace

// Sendmsg implements Linux syscall sendmsg(2): SCM_RIGHTS and SCM_CREDENTIALS.
int64_t sys_sendmsg(hv_syscall_frame& f) {
  return SendMsgAt(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[2]));
}

// Recvmsg implements Linux syscall recvmsg(2): SCM_RIGHTS, SCM_CREDENTIALS and
// an IP socket's control messages from the host.
int64_t sys_recvmsg(hv_syscall_frame& f) {
  return RecvMsgAt(Int(f.args[0]), f.args[1], static_cast<uint32_t>(f.args[2]));
}

// Sendmmsg implements Linux syscall sendmmsg(2): sendmsg for each of
// (vlen) (at most UIO_MAXIOV) messages until one fails; how many went, or
// the first one's error.
int64_t sys_sendmmsg(hv_syscall_frame& f) {
  const int32_t fd = Int(f.args[0]);
  uint64_t vlen = static_cast<uint32_t>(f.args[2]);
  if (vlen > HV_IOV_MAX) vlen = HV_IOV_MAX;
  uint64_t i = 0;
  for (; i < vlen; i++) {
    const uint64_t at = f.args[1] + i * kMmsgSize;
    const int64_t r = SendMsgAt(fd, at, static_cast<uint32_t>(f.args[3]));
    if (r < 0) return i > 0 ? static_cast<int64_t>(i) : r;
    const uint32_t len = static_cast<uint32_t>(r);
    if (int64_t e = user::CopyOut(at + kMmsgLen, &len, sizeof len); e < 0) {
      return i > 0 ? static_cast<int64_t>(i) : e;
    }
  }
  return static_cast<int64_t>(i);
}

// Recvmmsg implements Linux syscall recvmmsg(2): MSG_WAITFORONE makes every
// message after the first non-blocking; the timeout is looked at after each
// message, as Linux does.
int64_t sys_recvmmsg(hv_syscall_frame& f) {
  const int32_t fd = Int(f.args[0]);
  uint64_t vlen = static_cast<uint32_t>(f.args[2]);
  if (vlen > HV_IOV_MAX) vlen = HV_IOV_MAX;
  uint32_t flags = static_cast<uint32_t>(f.args[3]);
  int64_t deadline = sched::kForever;
  if (f.args[4] != 0) {
    abi::Timespec ts;
    if (int64_t r = user::CopyIn(&ts, f.args[4], sizeof ts); r < 0) return r;
    if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
    deadline = static_cast<int64_t>(clock::MonotonicNs()) + ts.tv_sec * 1000000000 + ts.tv_nsec;
  }
  const bool one = (flags & kMSG_WAITFORONE) != 0;
  flags &= ~kMSG_WAITFORONE;
  uint64_t i = 0;
  for (; i < vlen; i++) {
    const uint64_t at = f.args[1] + i * kMmsgSize;
    const int64_t r = RecvMsgAt(fd, at, flags);
    if (r < 0) return i > 0 ? static_cast<int64_t>(i) : r;
    const uint32_t len = static_cast<uint32_t>(r);
    if (int64_t e = user::CopyOut(at + kMmsgLen, &len, sizeof len); e < 0) {
      return i > 0 ? static_cast<int64_t>(i) : e;
    }
    if (one) flags |= kMSG_DONTWAIT;
    if (static_cast<int64_t>(clock::MonotonicNs()) >= deadline) {
      i++;
      break;
    }
  }
  return static_cast<int64_t>(i);
}

// Eventfd2 implements Linux syscall eventfd2(2): a host eventfd, shared
// across fork; EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
int64_t sys_eventfd2(hv_syscall_frame& f) {
  constexpr uint32_t kEFD_SEMAPHORE = 1, kEFD_NONBLOCK = 04000, kEFD_CLOEXEC = 02000000;
  static_assert(kEFD_NONBLOCK == abi::kO_NONBLOCK && kEFD_CLOEXEC == abi::kO_CLOEXEC);
  const uint32_t flags = static_cast<uint32_t>(f.args[1]);
  if ((flags & ~(kEFD_SEMAPHORE | kEFD_NONBLOCK | kEFD_CLOEXEC)) != 0) return -abi::kEINVAL;
  return vfs::Eventfd(static_cast<uint32_t>(f.args[0]), (flags & kEFD_SEMAPHORE) != 0,
                      abi::FdFlagsOf(flags));
}

// Eventfd implements Linux syscall eventfd(2): eventfd2 without flags.
int64_t sys_eventfd(hv_syscall_frame& f) {
  f.args[1] = 0;
  return sys_eventfd2(f);
}

// Shutdown implements Linux syscall shutdown(2).
int64_t sys_shutdown(hv_syscall_frame& f) {
  Sock s;
  if (int64_t e = SocketOf(Int(f.args[0]), &s); e < 0) return e;
  const uint64_t how = static_cast<uint32_t>(f.args[1]);
  if (how > 2) return -abi::kEINVAL;
  return hostfs::FdOp(*s.n, HV_FDOP_SHUTDOWN, 0, how, 0);
}

}  // namespace hvrt
