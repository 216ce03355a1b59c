// Terminal ioctls on the console fds: enough for isatty() and the window
// size. A stream the host says is no tty answers -ENOTTY, as Linux does.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/ioctl.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

// A freshly opened Linux tty: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL,
// ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and INIT_C_CC.
constexpr abi::Termios kTermios = {
    0x0500, 0x0005, 0x04bf,
    0x8a3b, 0,      {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0}};

constexpr abi::Winsize kWinsize = {24, 80, 0, 0};

}  // namespace

// Ioctl implements Linux syscall ioctl(2): TCGETS and TIOCGWINSZ on a console
// fd that is a tty (a fixed 24x80 window); every other request, and every
// other file, is -ENOTTY.
int64_t sys_ioctl(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  tmpfs::Inode* n = vfs::InodeOf(*file);
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
