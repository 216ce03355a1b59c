// Terminal ioctls on the console fds: enough for isatty() and the window
// size. A stream the host says is no tty answers -ENOTTY, as Linux does.
// FIONREAD on pipes, sockets and regular files; TIOCOUTQ and SIOCGIFINDEX on
// sockets; FIONBIO on any file.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/ioctl.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// A freshly opened Linux tty: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL,
// ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and INIT_C_CC.
constexpr abi::Termios kTermios = {
    0x0500, 0x0005, 0x04bf,
    0x8a3b, 0,      {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0}};

constexpr abi::Winsize kWinsize = {24, 80, 0, 0};

// FIONREAD: the bytes a read could take now. A pipe's contents; a regular
// file's size past the offset (as Linux's vfs answers for one); a host pipe
// or file, the host's answer. Anything else (the console, directories) is
// -ENOTTY, as Linux says for a tty-less fd with no such ioctl.
int64_t Readable(const vfs::File& file, const tmpfs::Inode& n) {
  switch (n.kind) {
    case tmpfs::Kind::kPipe:
      return static_cast<int64_t>(n.size);
    case tmpfs::Kind::kTmpfs:
      if (!abi::IsReg(n.mode)) return -abi::kENOTTY;
      return n.size > file.offset ? static_cast<int64_t>(n.size - file.offset) : 0;
    case tmpfs::Kind::kHost: {
      if (abi::IsStream(n.mode)) return hostfs::FdOp(n, HV_FDOP_NREAD, 0, 0, 0);
      if (!abi::IsReg(n.mode)) return -abi::kENOTTY;
      abi::Stat st;
      if (int64_t r = hostfs::Stat(n, &st); r < 0) return r;
      uint64_t size = static_cast<uint64_t>(st.st_size);
      return size > file.offset ? static_cast<int64_t>(size - file.offset) : 0;
    }
    default:
      return -abi::kENOTTY;
  }
}

// A socket's ioctls: TIOCOUTQ (the host's count of bytes not yet sent) and
// SIOCGIFINDEX, which knows the one interface every network mode gives the
// guest: "lo", index 1 (any other name: ENODEV, as for a missing one).
int64_t SocketIoctl(tmpfs::Inode& n, uint32_t request, uint64_t arg) {
  switch (request) {
    case abi::kTIOCOUTQ: {
      const int64_t r = hostfs::FdOp(n, HV_FDOP_NREAD, 1, 0, 0);
      if (r < 0) return r;
      const int32_t v = static_cast<int32_t>(r);
      return user::CopyOut(arg, &v, sizeof v);
    }
    case abi::kSIOCGIFINDEX: {
      char name[16];  // struct ifreq: the name, then (here) the index
      if (int64_t e = user::CopyIn(name, arg, sizeof name); e < 0) return e;
      if (!(name[0] == 'l' && name[1] == 'o' && name[2] == 0)) return -abi::kENODEV;
      const int32_t index = 1;
      return user::CopyOut(arg + sizeof name, &index, sizeof index);
    }
    default:
      return -abi::kENOTTY;
  }
}

}  // namespace

// Ioctl implements Linux syscall ioctl(2): TCGETS and TIOCGWINSZ on a console
// fd that is a tty (a fixed 24x80 window), FIONREAD (Readable), a socket's
// (SocketIoctl); every other request, and every other file, is -ENOTTY.
int64_t sys_ioctl(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  if (static_cast<uint32_t>(f.args[1]) == abi::kFIONBIO) {
    // Any file, as fcntl(F_SETFL) with O_NONBLOCK alone.
    int32_t on;
    if (int64_t e = user::CopyIn(&on, f.args[2], sizeof on); e < 0) return e;
    file->flags = on != 0 ? file->flags | abi::kO_NONBLOCK : file->flags & ~abi::kO_NONBLOCK;
    return 0;
  }
  tmpfs::Inode* n = vfs::InodeOf(*file);
  if (n != nullptr && static_cast<uint32_t>(f.args[1]) == abi::kFIONREAD) {
    int64_t r = Readable(*file, *n);
    if (r < 0) return r;
    int32_t v = static_cast<int32_t>(r);
    return user::CopyOut(f.args[2], &v, sizeof v);
  }
  if (n != nullptr && n->kind == tmpfs::Kind::kHost && abi::IsSock(n->mode)) {
    return SocketIoctl(*n, static_cast<uint32_t>(f.args[1]), f.args[2]);
  }
  if (n == nullptr || n->kind != tmpfs::Kind::kConsole) return -abi::kENOTTY;
  if (console::Info(n->stream).is_tty == 0) return -abi::kENOTTY;
  switch (static_cast<uint32_t>(f.args[1])) {
    case abi::kTCGETS:
      return user::CopyOut(f.args[2], &kTermios, sizeof kTermios);
    case abi::kTIOCGWINSZ:
      return user::CopyOut(f.args[2], &kWinsize, sizeof kWinsize);
    default:
      return -abi::kENOTTY;
  }
}

}  // namespace hvrt
