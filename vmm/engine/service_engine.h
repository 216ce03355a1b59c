// File: service_engine.h
//
// ServiceEngine answers every hypercall, for every backend: it routes a call
// number to its service (vmm/services/) and counts calls. Backends deliver;
// the engine decides.
//
// HV_CALL_SUBMIT is the engine's own: a transfer that can block (HostIo) is
// first tried without blocking; if it would block, it goes to io_uring
// (AsyncIo, set up on first need) and the guest is told it is queued, so
// its other threads run meanwhile. Everything else is served in line.
//
// Example:
//   ServiceEngine engine(memory, {.verbose = true});
//   HypercallOutcome out = engine.Handle(HV_CALL_CONSOLE_WRITE, arg_gva);
#ifndef VMM_ENGINE_SERVICE_ENGINE_H_
#define VMM_ENGINE_SERVICE_ENGINE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "vmm/base/guest_memory.h"
#include "vmm/base/hypercall.h"
#include "vmm/engine/async_io.h"
#include "vmm/engine/fifo_opener.h"
#include "vmm/engine/futex_waiter.h"
#include "vmm/engine/poll_waiter.h"
#include "vmm/engine/threaded_io.h"
#include "vmm/services/services.h"

namespace hvrun {

// What a process table (hvrun/process_table.h) serves for one process: the
// calls that create, end or replace processes. Without one, they are ENOSYS.
class ProcessHooks {
 public:
  virtual ~ProcessHooks() = default;
  virtual int64_t Fork(int32_t pid, uint64_t flags) = 0;  // HV_CALL_FORK (HV_FORK_*)
  virtual int64_t Proc(int32_t pid, hv_proc& req) = 0;    // HV_CALL_PROC
  virtual HypercallOutcome Exec(int32_t pid, const ServiceContext& ctx, uint64_t arg) = 0;
  // HV_CALL_PROC_INFO: 0, a count, or -errno.
  virtual int64_t ProcInfo(int32_t pid, const GuestMemory& memory, uint64_t arg) = 0;
};

class ServiceEngine final : public HypercallHandler {
 public:
  // (memory) and (procs) must outlive the engine. (pid): the process it serves.
  ServiceEngine(const GuestMemory& memory, ServiceOptions options, HostFiles files = {},
                ProcessHooks* procs = nullptr, int32_t pid = 1)
      : memory_(memory), options_(options), files_(std::move(files)), procs_(procs), pid_(pid) {
    files_.locks().set_pid(pid);
  }
  // Ends the O_ASYNC routes of its handles (sigio_router.h).
  ~ServiceEngine() override;

  const HostFiles& files() const { return files_; }
  const ServiceOptions& options() const { return options_; }

  // Unknown or reserved numbers get -ENOSYS; the guest keeps running.
  HypercallOutcome Handle(uint64_t nr, uint64_t arg) override;

  // How many hypercalls (nr) hvrun served (a submitted call counts as
  // SUBMIT and as itself).
  uint64_t count(uint64_t nr) const { return nr < HV_CALL_MAX ? counts_[nr] : 0; }
  // How many submitted transfers went to io_uring.
  uint64_t queued() const { return queued_; }

 private:
  HypercallOutcome Submit(uint64_t arg);
  // HV_FDOP_ASYNC (O_ASYNC): the handle's host fd routed to the guest's
  // signal by the SigioRouter.
  int64_t SetAsync(const hv_file_fdop& req);
  // Makes async_ at the first use (false where io_uring is unavailable).
  bool AsyncReady();
  // Starts (io) on io_uring, else on a host thread (threaded_io.h). False if
  // neither can take it: it then runs in line.
  bool StartAsync(const HostIo& io, const AsyncIo::Completion& where);
  // A submitted FILE_OPEN: in line, or, for a FIFO open that waits for its
  // peer, on a host thread (fifo_opener.h): -EAGAIN if none can take it.
  // Returns the result, or sets (*queued) when the thread will give it.
  int64_t SubmitOpen(uint64_t open_arg, uint64_t request, uint64_t counter, bool* queued);
  // A submitted HV_CALL_SOCKET: in line, and, for a RECVMSG, ACCEPT or
  // SENDMSG with HV_SOCK_WAIT that would wait, again on io_uring once the
  // socket is ready (abi.h), setting (*queued).
  int64_t SubmitSocket(uint64_t socket_arg, uint64_t request, uint64_t counter, bool* queued);

  const GuestMemory& memory_;
  ServiceOptions options_;
  HostFiles files_;
  ProcessHooks* procs_;
  int32_t pid_;
  std::array<uint64_t, HV_CALL_MAX> counts_{};
  uint64_t queued_ = 0;
  bool async_unavailable_ = false;
  // Last: destroyed first, so in-flight transfers end while files_ and the
  // guest memory still stand.
  std::unique_ptr<AsyncIo> async_;
  std::unique_ptr<ThreadedIo> threaded_;
  std::unique_ptr<FifoOpener> fifo_opener_;
  std::unique_ptr<FutexWaiter> futex_waiter_;
  std::unique_ptr<PollWaiter> poll_waiter_;
  std::set<uint32_t> async_watches_;  // handles with O_ASYNC (sigio_router.h)
};

}  // namespace hvrun

#endif  // VMM_ENGINE_SERVICE_ENGINE_H_
