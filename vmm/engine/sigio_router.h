// File: sigio_router.h
//
// SigioRouter gives the guest's O_ASYNC (HV_FDOP_ASYNC) the host kernel's
// own semantics: the host fd gets O_ASYNC, F_SETSIG kSignal and an owner
// that is this router's thread (F_OWNER_TID), so the host raises a signal
// exactly when Linux would (input arrives, the peer hangs up; never at the
// moment O_ASYNC is set). The thread takes them from a signalfd, looks up
// which guest process asked for the fd (si_fd) and sends the guest's
// signal through the process table, as kill(2) from that process would.
//
// One router per hvrun process, started at the first Watch and stopped at
// exit. kSignal is a real-time signal hvrun uses for nothing else; it is
// directed at the router's thread only, which blocks it.
//
// Example:
//   SigioRouter::Get().Watch(fd, procs, caller_pid, target, SIGIO);
//   SigioRouter::Get().Unwatch(fd);  // before fd is closed
#ifndef VMM_ENGINE_SIGIO_ROUTER_H_
#define VMM_ENGINE_SIGIO_ROUTER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "vmm/base/unique_fd.h"
#include "vmm/engine/service_engine.h"

namespace hvrun {

class SigioRouter {
 public:
  static SigioRouter& Get();
  ~SigioRouter();
  SigioRouter(const SigioRouter&) = delete;
  SigioRouter& operator=(const SigioRouter&) = delete;

  // From now on each O_ASYNC event of host fd (fd) sends signal (sig) to
  // (target) (kill's meaning) as process (caller) of (procs). Sets O_ASYNC
  // on the fd (its open file description, as the guest's is).
  absl::Status Watch(int fd, ProcessHooks* procs, int32_t caller, int32_t target, int sig);
  // Clears O_ASYNC on (fd) and forgets it (before the fd is closed).
  void Unwatch(int fd);

 private:
  SigioRouter() = default;
  absl::Status Start();  // mu_ held
  void Run();

  struct Route {
    ProcessHooks* procs;
    int32_t caller;
    int32_t target;
    int sig;
  };
  std::mutex mu_;
  std::map<int, Route> routes_;  // by host fd; guarded by mu_
  std::thread thread_;
  std::atomic<pid_t> tid_{0};
  UniqueFd stop_;  // an eventfd the destructor writes
};

}  // namespace hvrun

#endif  // VMM_ENGINE_SIGIO_ROUTER_H_
