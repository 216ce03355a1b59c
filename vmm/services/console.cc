// File: console.cc
//
// The guest's fds 0, 1 and 2 are hvrun's stdin, stdout and stderr.
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "vmm/base/stop_signals.h"
#include "vmm/services/services.h"

namespace hvrun {
namespace {

// Largest single console transfer; longer writes come back short and the
// runtime loops, like a pipe.
constexpr uint64_t kMaxTransfer = 1 << 20;

int HostFd(const ServiceContext& ctx, uint32_t fd) {
  switch (fd) {
    case 0:
      return ctx.options.stdin_fd;
    case 1:
      return ctx.options.stdout_fd;
    case 2:
      return ctx.options.stderr_fd;
    default:
      return -1;
  }
}

// Waits until (fd) is ready for (events). Returns 0, or -EINTR once hvrun is
// stopping (a stop signal, or the run being torn down): a guest blocked on
// an idle terminal or a full pipe must not keep hvrun from ending.
int64_t WaitReady(int fd, short events) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, 100);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return -errno;
    if (StopSignals::Stopping()) return -EINTR;
  }
}

}  // namespace

int64_t PrepareConsoleIo(const ServiceContext& ctx, uint64_t arg, bool write, HostIo* out) {
  auto io = ctx.memory.Read<hv_console_io>(arg);
  if (!io.ok()) return -EFAULT;
  if (write ? io->fd != 1 && io->fd != 2 : io->fd != 0) return -EBADF;
  auto data = ctx.memory.Span(io->data, std::min<uint64_t>(io->len, kMaxTransfer));
  if (!data.ok()) return -EFAULT;
  *out = HostIo{.write = write, .fd = HostFd(ctx, io->fd), .data = *data, .stream = true};
  return 0;
}

HypercallOutcome ConsoleWrite(const ServiceContext& ctx, uint64_t arg) {
  HostIo io;
  if (int64_t r = PrepareConsoleIo(ctx, arg, /*write=*/true, &io); r < 0) {
    return HypercallOutcome::Reply(r);
  }
  size_t done = 0;
  while (done < io.data.size()) {
    if (int64_t r = WaitReady(io.fd, POLLOUT); r < 0) {
      return HypercallOutcome::Reply(done > 0 ? static_cast<int64_t>(done) : r);
    }
    ssize_t n = write(io.fd, io.data.data() + done, io.data.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return HypercallOutcome::Reply(done > 0 ? static_cast<int64_t>(done) : -errno);
    done += static_cast<size_t>(n);
  }
  return HypercallOutcome::Reply(static_cast<int64_t>(done));
}

HypercallOutcome ConsoleRead(const ServiceContext& ctx, uint64_t arg) {
  HostIo io;
  if (int64_t r = PrepareConsoleIo(ctx, arg, /*write=*/false, &io); r < 0) {
    return HypercallOutcome::Reply(r);
  }
  if (int64_t r = WaitReady(io.fd, POLLIN); r < 0) return HypercallOutcome::Reply(r);
  ssize_t n;
  do {
    n = read(io.fd, io.data.data(), io.data.size());
  } while (n < 0 && errno == EINTR && !StopSignals::Stopping());
  return HypercallOutcome::Reply(n < 0 ? -errno : n);
}

HypercallOutcome ConsoleInfo(const ServiceContext& ctx, uint64_t arg) {
  auto info = ctx.memory.Read<hv_console_info>(arg);
  if (!info.ok()) return HypercallOutcome::Reply(-EFAULT);
  const int fd = HostFd(ctx, info->fd);
  if (fd < 0) return HypercallOutcome::Reply(-EBADF);
  struct stat st {};
  if (fstat(fd, &st) != 0) return HypercallOutcome::Reply(-errno);
  hv_console_info out = *info;
  out.is_tty = isatty(fd) ? 1 : 0;
  out.mode = st.st_mode;
  out.rdev = st.st_rdev;
  out.ino = st.st_ino;
  if (!ctx.memory.Write(arg, out).ok()) return HypercallOutcome::Reply(-EFAULT);
  return HypercallOutcome::Reply(0);
}

}  // namespace hvrun
