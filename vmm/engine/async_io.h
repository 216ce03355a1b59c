// File: async_io.h
//
// AsyncIo finishes the host transfers that would block (HostIo, from
// HV_CALL_SUBMIT) on io_uring, so that hvrun keeps serving the guest's other
// threads meanwhile. The kernel moves the bytes straight between the host
// fd and guest memory (hvrun's shared mapping of it); a completion thread
// then writes the result into the guest's struct hv_async, sets its (done),
// bumps the guest's completion counter and wakes the futex on it, which
// ends the guest's HV_CALL_WAIT (mailbox_server.cc).
//
// Lifetime: an AsyncIo must die before the GuestMemory it writes: its
// destructor cancels every transfer in flight and waits for each to end, so
// no transfer touches guest memory afterwards.
//
// Example:
//   HV_ASSIGN_OR_RETURN(std::unique_ptr<AsyncIo> aio, AsyncIo::Create(memory));
//   if (!aio->Start(io, {.request = arg, .counter = req.counter})) { /* do it in line */ }
#ifndef VMM_ENGINE_ASYNC_IO_H_
#define VMM_ENGINE_ASYNC_IO_H_

#include <liburing.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vmm/base/guest_memory.h"
#include "vmm/services/services.h"

namespace hvrun {

class AsyncIo {
 public:
  // Where a completion goes: the guest's hv_async and completion counter
  // (guest addresses, checked when written), and bytes already moved in
  // line for this request (added to a successful result; a failure after
  // some bytes reports those bytes, as read(2) does).
  struct Completion {
    uint64_t request = 0;
    uint64_t counter = 0;
    int64_t done_before = 0;
    // A poll (StartPoll): the guest's hv_poll_item to write revents into;
    // the result is then 1 (ready) or 0 (the timeout).
    uint64_t poll_item = 0;
    // A poll that stands for a call (HV_SOCK_WAIT): once the fd is ready,
    // the call made again, on the completion thread; its result is the
    // request's (-EAGAIN at the timeout).
    std::function<int64_t()> again;
  };

  // Sets up a ring for up to (depth) transfers in flight and its completion
  // thread. Fails where io_uring is unavailable (kernel.io_uring_disabled,
  // a seccomp profile that refuses it).
  static absl::StatusOr<std::unique_ptr<AsyncIo>> Create(const GuestMemory& memory,
                                                         unsigned depth = 256);
  ~AsyncIo();
  AsyncIo(const AsyncIo&) = delete;
  AsyncIo& operator=(const AsyncIo&) = delete;

  // Starts (io); (where) receives the result. Returns false if it could not
  // start (every slot busy): the caller then does the transfer in line.
  bool Start(const HostIo& io, const Completion& where);
  // Starts a one-shot poll of (fd) for (events), ended by (timeout_ns) at the
  // latest (IORING_OP_POLL_ADD with a linked timeout): the one-fd wait of
  // HV_CALL_POLL, without a thread of its own. (where.poll_item) set.
  bool StartPoll(int fd, short events, int64_t timeout_ns, const Completion& where);

  // Writes (res) (with done_before) into (c)'s request, sets its done word,
  // counts its counter up and wakes the futex on it: the end of every
  // transfer hvrun finishes off the mailbox (here, or on threaded_io.h's
  // threads).
  static void Complete(const GuestMemory& memory, const Completion& c, int64_t res);

 private:
  explicit AsyncIo(const GuestMemory& memory, unsigned depth);
  void Reap();

  const GuestMemory& memory_;
  io_uring ring_{};
  mutable absl::Mutex mu_;
  std::vector<Completion> slots_ ABSL_GUARDED_BY(mu_);
  // StartPoll's timeouts, by slot: the kernel reads them when it arms the
  // linked timeout, at submit.
  std::vector<__kernel_timespec> poll_timeouts_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> free_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;  // the reaper lost the ring
  std::thread reaper_;
};

}  // namespace hvrun

#endif  // VMM_ENGINE_ASYNC_IO_H_
