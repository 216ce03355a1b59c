// File: runtime/linux/signals.h
//
// Signal state of the one process: the action of each signal, the blocked
// mask, pending signals and the alternate stack. This version never runs an
// app handler: a signal that would be delivered (its action is the default
// terminate/core, or an app handler) ends the guest with
// HV_CALL_EXIT{status = signo, HV_EXIT_SIGNALED}, so abort() ends the run
// like a SIGABRT death. Ignored signals, and those whose default is to be
// ignored or to stop (there is no job control), are discarded.
//
// Example:
//   hvrt::signals::Send(abi::kSIGABRT);   // ends the guest unless blocked or ignored
#ifndef HVRT_LINUX_SIGNALS_H_
#define HVRT_LINUX_SIGNALS_H_

#include <stdint.h>

#include "runtime/linux/abi/signal.h"

namespace hvrt::signals {

// All actions SIG_DFL, nothing blocked or pending, no alternate stack.
void Reset();
// execve: handlers go back to SIG_DFL (ignored signals stay ignored), no
// alternate stack; the mask and pending signals stay, as on Linux.
void ResetForExec();

// Whether (sig) is a signal number (1..64).
inline bool Valid(int64_t sig) { return sig >= 1 && sig <= abi::kNSIG; }

// The action of valid signal (sig).
const abi::KSigaction& Action(int sig);
// Sets it; SIGKILL and SIGSTOP are removed from its mask, as Linux does.
// Setting SIG_IGN discards a pending (sig).
void SetAction(int sig, const abi::KSigaction& act);

uint64_t Blocked();
// Sets the blocked mask (SIGKILL and SIGSTOP cannot be blocked), then
// delivers the pending signals it unblocked (glibc's raise() blocks all
// signals around tgkill, so abort()'s SIGABRT arrives here).
void SetBlocked(uint64_t mask);

// Generates valid signal (sig) for the process: pending while blocked,
// else delivered now (see the header comment).
void Send(int sig);

const abi::StackT& AltStack();
void SetAltStack(const abi::StackT& ss);

}  // namespace hvrt::signals

#endif  // HVRT_LINUX_SIGNALS_H_
