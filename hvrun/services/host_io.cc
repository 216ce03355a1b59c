// File: host_io.cc
//
// The transfers that can block hvrun for long, as one type (HostIo) that
// the engine can start on io_uring instead of serving them in line.
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "hvrun/engine/stop_signals.h"
#include "hvrun/services/services.h"

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
