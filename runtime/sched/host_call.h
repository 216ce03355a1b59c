// File: runtime/sched/host_call.h
//
// A hypercall that may block in hvrun (a console read with no input yet, a
// write to a full pipe, a file transfer from a cold disk), made so that it
// blocks only the calling green thread: it goes through HV_CALL_SUBMIT; if
// hvrun queues it, the thread blocks in the scheduler (sched::BlockOnHost)
// and the others run until hvrun marks it done.
//
// Example:
//   hv_console_io io = {.fd = 0, .data = ToGuest(buf), .len = n};
//   int64_t got = hvrt::sched::HostCall(HV_CALL_CONSOLE_READ, &io);
#ifndef HVRT_SCHED_HOST_CALL_H_
#define HVRT_SCHED_HOST_CALL_H_

#include <stdint.h>

namespace hvrt::sched {

// Makes hypercall (nr) with argument (arg) and returns its result, blocking
// only the calling thread while hvrun completes it. (arg) must stay valid
// until then: it lives on the caller's stack, which stays put while the
// caller is blocked.
int64_t HostCall(uint64_t nr, void* arg);

}  // namespace hvrt::sched

#endif  // HVRT_SCHED_HOST_CALL_H_
