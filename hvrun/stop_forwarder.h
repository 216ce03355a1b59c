// File: stop_forwarder.h
//
// StopForwarder gives the guest's first process the SIGINT, SIGTERM and
// SIGHUP sent to hvrun, as `docker stop` gives them to a container's first
// process: a guest with a handler shuts down its own way, one without dies
// of the signal's default action. Only if the guest is still running
// (stop_timeout) after the first of them does hvrun end it itself
// (StopSignals::RequestStop: exit 128+signal, as before). While a
// StopForwarder lives, StopSignals passes those three signals to it through a
// self-pipe instead of stopping the guest at once; --timeout, SIGXCPU and the
// memory limit still stop it at once.
//
// Example:
//   StopForwarder forward([&](int sig) { table.SignalInit(sig); }, absl::Seconds(10));
#ifndef HVRUN_STOP_FORWARDER_H_
#define HVRUN_STOP_FORWARDER_H_

#include <atomic>
#include <functional>
#include <thread>

#include "absl/time/time.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {

class StopForwarder {
 public:
  StopForwarder(std::function<void(int)> deliver, absl::Duration stop_timeout);
  ~StopForwarder();
  StopForwarder(const StopForwarder&) = delete;
  StopForwarder& operator=(const StopForwarder&) = delete;

 private:
  void Loop();

  std::function<void(int)> deliver_;
  absl::Duration stop_timeout_;
  UniqueFd read_;
  UniqueFd write_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace hvrun

#endif  // HVRUN_STOP_FORWARDER_H_
