// File: timerfd.cc
//
// HV_CALL_TIMERFD: the guest's timerfds are host timerfds (abi.h), so their
// expirations are counted by the host kernel whatever the guest does
// meanwhile, and they sit in a host epoll or poll beside sockets. The fd
// blocks on the host: TFD_NONBLOCK is the guest's (HV_IO_NOWAIT), and a
// blocking read waits on io_uring as a pipe's does.
#include <sys/timerfd.h>
#include <time.h>

#include <cerrno>

#include "vmm/services/services.h"

namespace hvrun {
namespace {

HypercallOutcome Reply(int64_t r) { return HypercallOutcome::Reply(r); }

// An itimerspec Linux would take: nanoseconds below a second, nothing
// negative (EINVAL otherwise, as timerfd_settime says).
bool Valid(const itimerspec& t) {
  return t.it_value.tv_sec >= 0 && t.it_interval.tv_sec >= 0 && t.it_value.tv_nsec >= 0 &&
         t.it_interval.tv_nsec >= 0 && t.it_value.tv_nsec < 1000000000 &&
         t.it_interval.tv_nsec < 1000000000;
}

}  // namespace

HypercallOutcome Timerfd(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_timerfd>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  static_assert(sizeof(itimerspec) == 32);
  if (req->op == HV_TIMERFD_CREATE) {
    // The alarm clocks need CAP_WAKE_ALARM, which a guest never has.
    if (req->clockid == CLOCK_REALTIME_ALARM || req->clockid == CLOCK_BOOTTIME_ALARM) {
      return Reply(-EPERM);
    }
    if (req->clockid != CLOCK_REALTIME && req->clockid != CLOCK_MONOTONIC &&
        req->clockid != CLOCK_BOOTTIME) {
      return Reply(-EINVAL);
    }
    if (!ctx.files.HasFreeHandle()) return Reply(-EMFILE);
    UniqueFd fd(timerfd_create(static_cast<int>(req->clockid), TFD_CLOEXEC));
    if (!fd.valid()) return Reply(-errno);
    return Reply(ctx.files.AddHandle(std::move(fd), false, /*stream=*/true));
  }
  const int fd = ctx.files.fd(req->handle);
  if (fd < 0) return Reply(-EBADF);
  itimerspec old{};
  if (req->op == HV_TIMERFD_GETTIME) {
    if (timerfd_gettime(fd, &old) != 0) return Reply(-errno);
    return Reply(ctx.memory.Write(req->value, old).ok() ? 0 : -EFAULT);
  }
  if (req->op != HV_TIMERFD_SETTIME) return Reply(-EINVAL);
  if ((req->flags & ~static_cast<uint32_t>(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) {
    return Reply(-EINVAL);
  }
  auto value = ctx.memory.Read<itimerspec>(req->value);
  if (!value.ok()) return Reply(-EFAULT);
  if (!Valid(*value)) return Reply(-EINVAL);
  if (req->old != 0 && !ctx.memory.Contains(req->old, sizeof old)) return Reply(-EFAULT);
  if (timerfd_settime(fd, static_cast<int>(req->flags), &*value, &old) != 0) return Reply(-errno);
  if (req->old != 0 && !ctx.memory.Write(req->old, old).ok()) return Reply(-EFAULT);
  return Reply(0);
}

}  // namespace hvrun
