// File: runtime/linux/host_ready.h
//
// Waiting for host streams (sockets, pipes, eventfds, FIFOs) to become
// ready: HV_CALL_POLL, submitted so that only the calling thread waits, in
// slices of at most kSlice, between which the thread looks for signals (a
// thread waiting on hvrun cannot be interrupted in the scheduler). The
// blocking socket calls, poll, select and epoll wait here.
#ifndef HVRT_LINUX_HOST_READY_H_
#define HVRT_LINUX_HOST_READY_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::host_ready {

inline constexpr int64_t kSlice = 20 * 1000 * 1000;  // ns

// One wait of at most (slice_ns) (0: none) on (items): how many are ready
// (their revents set), 0 when none became ready, or -errno.
int64_t PollSlice(hv_poll_item* items, uint32_t count, int64_t slice_ns);

// Waits until host handle (handle) is ready for (events), or the
// CLOCK_MONOTONIC (deadline_ns) (sched::kForever: none): 0 when ready,
// -EAGAIN at the deadline, or, for a signal with a handler, -EINTR where
// there was a deadline and signals::kERESTARTSYS where there was none.
int64_t WaitOne(uint32_t handle, int16_t events, int64_t deadline_ns);

}  // namespace hvrt::host_ready

#endif  // HVRT_LINUX_HOST_READY_H_
