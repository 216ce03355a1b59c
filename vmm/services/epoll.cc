// File: epoll.cc
//
// HV_CALL_EPOLL: the guest's epoll instances are host epoll fds (abi.h), so
// the host kernel keeps each interest list with Linux's own semantics (level
// and edge triggering, EPOLLONESHOT, EPOLLEXCLUSIVE) and a wait costs one
// epoll_wait however many fds are idle. Only stream handles (sockets,
// pipes, FIFOs, eventfds, other epolls) can be watched: a regular file is
// EPERM, as Linux says. The guest's epoll_data is kept by the host kernel
// and handed back as it was given.
#include <sys/epoll.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "vmm/services/services.h"

namespace hvrun {
namespace {

HypercallOutcome Reply(int64_t r) { return HypercallOutcome::Reply(r); }

// What the guest may ask for. EPOLLWAKEUP needs CAP_BLOCK_SUSPEND, which
// Linux drops silently without it: so does hvrun, whatever its own.
constexpr uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLERR | EPOLLHUP | EPOLLRDHUP |
                             EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG |
                             EPOLLEXCLUSIVE | EPOLLONESHOT | EPOLLET | EPOLLWAKEUP;

int64_t Create(const ServiceContext& ctx) {
  if (!ctx.files.HasFreeHandle()) return -EMFILE;
  UniqueFd fd(epoll_create1(EPOLL_CLOEXEC));
  if (!fd.valid()) return -errno;
  return ctx.files.AddHandle(std::move(fd), false, /*stream=*/true);
}

int64_t Ctl(const ServiceContext& ctx, const hv_epoll& req, int epfd) {
  if (req.ctl != EPOLL_CTL_ADD && req.ctl != EPOLL_CTL_MOD && req.ctl != EPOLL_CTL_DEL) {
    return -EINVAL;
  }
  if ((req.events & ~kEvents) != 0) return -EINVAL;
  const int fd = ctx.files.fd(req.target);
  if (fd < 0) return -EBADF;
  if (!ctx.files.stream(req.target)) return -EPERM;  // a regular file or directory
  epoll_event ev{};
  ev.events = req.events & ~static_cast<uint32_t>(EPOLLWAKEUP);
  ev.data.u64 = req.data;
  return epoll_ctl(epfd, static_cast<int>(req.ctl), fd, &ev) == 0 ? 0 : -errno;
}

int64_t Wait(const ServiceContext& ctx, const hv_epoll& req, int epfd) {
  if (req.max == 0 || req.max > HV_EPOLL_MAX) return -EINVAL;
  static_assert(sizeof(epoll_event) == 12, "x86-64's packed struct epoll_event");
  auto out = ctx.memory.Span(req.out, uint64_t{req.max} * sizeof(epoll_event));
  if (!out.ok()) return -EFAULT;
  std::vector<epoll_event> got(req.max);
  int n;
  do {
    n = epoll_wait(epfd, got.data(), static_cast<int>(req.max), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  std::memcpy(out->data(), got.data(), static_cast<size_t>(n) * sizeof(epoll_event));
  return n;
}

}  // namespace

HypercallOutcome Epoll(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_epoll>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  if (req->op == HV_EPOLL_CREATE) return Reply(Create(ctx));
  if (req->op != HV_EPOLL_CTL && req->op != HV_EPOLL_WAIT) return Reply(-EINVAL);
  const int epfd = ctx.files.fd(req->handle);
  if (epfd < 0) return Reply(-EBADF);
  // The handle must be an epoll: a probe that changes nothing says so.
  epoll_event probe{};
  if (epoll_ctl(epfd, EPOLL_CTL_DEL, -1, &probe) == 0 || errno != EBADF) return Reply(-EINVAL);
  return Reply(req->op == HV_EPOLL_CTL ? Ctl(ctx, *req, epfd) : Wait(ctx, *req, epfd));
}

}  // namespace hvrun
