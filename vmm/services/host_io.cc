// File: host_io.cc
//
// The transfers that can block hvrun for long, as one type (HostIo) that
// the engine can start on io_uring instead of serving them in line.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "vmm/base/stop_signals.h"
#include "vmm/services/services.h"

namespace hvrun {

bool IsHostIo(uint64_t nr) {
  return nr == HV_CALL_CONSOLE_READ || nr == HV_CALL_CONSOLE_WRITE || nr == HV_CALL_FILE_READ ||
         nr == HV_CALL_FILE_WRITE;
}

int64_t PrepareHostIo(const ServiceContext& ctx, uint64_t nr, uint64_t arg, HostIo* io) {
  switch (nr) {
    case HV_CALL_CONSOLE_READ:
      return PrepareConsoleIo(ctx, arg, /*write=*/false, io);
    case HV_CALL_CONSOLE_WRITE:
      return PrepareConsoleIo(ctx, arg, /*write=*/true, io);
    case HV_CALL_FILE_READ:
      return PrepareFileIo(ctx, arg, /*write=*/false, io);
    case HV_CALL_FILE_WRITE:
      return PrepareFileIo(ctx, arg, /*write=*/true, io);
    default:
      return -EINVAL;
  }
}

int64_t RunFileIo(const HostIo& io) {
  // On an O_APPEND handle Linux's pwrite appends, whatever the offset.
  // Offset -1 (a pipe): the fd's own position.
  ssize_t n;
  if (io.offset < 0) {
    do {
      n = io.write ? write(io.fd, io.data.data(), io.data.size())
                   : read(io.fd, io.data.data(), io.data.size());
    } while (n < 0 && errno == EINTR && !StopSignals::Stopping());
    return n < 0 ? -errno : n;
  }
  n = io.write ? pwrite(io.fd, io.data.data(), io.data.size(), io.offset)
               : pread(io.fd, io.data.data(), io.data.size(), io.offset);
  return n < 0 ? -errno : n;
}

namespace {

// A transfer on a named FIFO, whose fd (unlike a pipe2 pipe's, on kernels
// before FIFOs got FMODE_NOWAIT) refuses RWF_NOWAIT, without waiting. The
// guest's FIFOs are O_NONBLOCK in hvrun (files.cc's OpenFifo): a plain read
// or write. Otherwise (a FIFO as hvrun's own stdio): a read takes what
// FIONREAD says is there; a write goes in PIPE_BUF pieces, each after poll
// says POLLOUT, which for a pipe promises room for PIPE_BUF bytes (another
// process on the same FIFO could take the data or the room in between, and
// the transfer would then wait: the one window left).
int64_t TryFifoIo(const HostIo& io) {
  if ((fcntl(io.fd, F_GETFL) & O_NONBLOCK) != 0) {
    ssize_t n;
    do {
      n = io.write ? write(io.fd, io.data.data(), io.data.size())
                   : read(io.fd, io.data.data(), io.data.size());
    } while (n < 0 && errno == EINTR);
    return n < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : n;
  }
  if (!io.write) {
    int avail = 0;
    pollfd p{io.fd, POLLIN, 0};
    if (poll(&p, 1, 0) != 1 || (p.revents & POLLNVAL) != 0) return -EAGAIN;
    if (ioctl(io.fd, FIONREAD, &avail) != 0) return -errno;
    // POLLIN with nothing to read: every writer is gone (EOF).
    const size_t want = avail > 0 ? std::min<size_t>(io.data.size(), avail) : 0;
    const ssize_t n = read(io.fd, io.data.data(), want);
    return n < 0 ? -errno : n;
  }
  size_t done = 0;
  while (done < io.data.size()) {
    pollfd p{io.fd, POLLOUT, 0};
    if (poll(&p, 1, 0) != 1 || (p.revents & POLLNVAL) != 0) break;
    if ((p.revents & POLLERR) != 0) {  // no reader: EPIPE, as write(2) says
      const ssize_t n = write(io.fd, io.data.data() + done, 1);
      return done > 0 ? static_cast<int64_t>(done) : (n < 0 ? -errno : n);
    }
    const size_t piece = std::min<size_t>(io.data.size() - done, PIPE_BUF);
    const ssize_t n = write(io.fd, io.data.data() + done, piece);
    if (n < 0) return done > 0 ? static_cast<int64_t>(done) : -errno;
    done += static_cast<size_t>(n);
  }
  return done > 0 ? static_cast<int64_t>(done) : -EAGAIN;
}

}  // namespace

int64_t TryHostIo(const HostIo& io) {
  // RWF_NOWAIT: a pipe without data or room, or file data not in the page
  // cache, gives EAGAIN instead of a wait; a file type that cannot tell
  // (a terminal; some file systems' writes) gives EOPNOTSUPP. With offset -1
  // preadv2/pwritev2 use and move the fd's own position, like read/write.
  iovec iov{io.data.data(), io.data.size()};
  ssize_t n;
  do {
    n = io.write ? pwritev2(io.fd, &iov, 1, io.offset, RWF_NOWAIT)
                 : preadv2(io.fd, &iov, 1, io.offset, RWF_NOWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EWOULDBLOCK) return -EAGAIN;
  if (n < 0 && errno == EOPNOTSUPP && io.stream) {
    struct stat st {};
    if (fstat(io.fd, &st) == 0 && S_ISFIFO(st.st_mode)) return TryFifoIo(io);
    // The fd cannot say (a terminal, /dev/null): ask poll. Ready now means
    // the transfer starts without waiting (a terminal that is ready for
    // output takes it at its own speed); not ready is EAGAIN.
    pollfd p{io.fd, static_cast<short>(io.write ? POLLOUT : POLLIN), 0};
    if (poll(&p, 1, 0) != 1 || (p.revents & POLLNVAL) != 0) return -EAGAIN;
    do {
      n = io.write ? write(io.fd, io.data.data(), io.data.size())
                   : read(io.fd, io.data.data(), io.data.size());
    } while (n < 0 && errno == EINTR && !StopSignals::Stopping());
  }
  return n < 0 ? -errno : n;
}

}  // namespace hvrun
