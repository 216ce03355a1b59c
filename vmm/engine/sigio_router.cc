// File: sigio_router.cc
#include "vmm/engine/sigio_router.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace hvrun {
namespace {

// The host signal O_ASYNC raises for the router; SIGRTMIN + 1 is
// ThreadKick's.
int RouterSignal() { return SIGRTMAX - 1; }

}  // namespace

SigioRouter& SigioRouter::Get() {
  static SigioRouter router;
  return router;
}

SigioRouter::~SigioRouter() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  (void)!write(stop_.get(), &one, sizeof one);
  thread_.join();
}

absl::Status SigioRouter::Start() {
  if (thread_.joinable()) return absl::OkStatus();
  stop_.Reset(eventfd(0, EFD_CLOEXEC));
  if (!stop_.valid()) return absl::ErrnoToStatus(errno, "eventfd for the SIGIO router");
  thread_ = std::thread([this] { Run(); });
  // The thread publishes its tid once its signalfd is ready.
  while (tid_.load() == 0) std::this_thread::yield();
  if (tid_.load() < 0) return absl::InternalError("the SIGIO router could not start");
  return absl::OkStatus();
}

void SigioRouter::Run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, RouterSignal());
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  UniqueFd signals(signalfd(-1, &set, SFD_CLOEXEC));
  if (!signals.valid()) {
    tid_.store(-1);
    return;
  }
  tid_.store(static_cast<pid_t>(syscall(SYS_gettid)));
  for (;;) {
    pollfd p[2] = {{signals.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (poll(p, 2, -1) < 0 && errno != EINTR) return;
    if (p[1].revents != 0) return;
    if (p[0].revents == 0) continue;
    signalfd_siginfo info;
    if (read(signals.get(), &info, sizeof info) != sizeof info) continue;
    std::lock_guard lock(mu_);
    auto it = routes_.find(info.ssi_fd);
    if (it == routes_.end()) continue;
    hv_proc kill = {};
    kill.op = HV_PROC_KILL;
    kill.pid = it->second.target;
    kill.arg = it->second.sig;
    it->second.procs->Proc(it->second.caller, kill);
  }
}

absl::Status SigioRouter::Watch(int fd, ProcessHooks* procs, int32_t caller, int32_t target,
                                int sig) {
  std::lock_guard lock(mu_);
  if (absl::Status s = Start(); !s.ok()) return s;
  f_owner_ex owner{F_OWNER_TID, tid_.load()};
  const int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETOWN_EX, &owner) != 0 || fcntl(fd, F_SETSIG, RouterSignal()) != 0 ||
      fcntl(fd, F_SETFL, fl | O_ASYNC) != 0) {
    return absl::ErrnoToStatus(errno, "O_ASYNC on a guest file");
  }
  routes_[fd] = Route{procs, caller, target, sig};
  return absl::OkStatus();
}

void SigioRouter::Unwatch(int fd) {
  std::lock_guard lock(mu_);
  if (routes_.erase(fd) == 0) return;
  const int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_ASYNC);
}

}  // namespace hvrun
