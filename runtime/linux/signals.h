// File: runtime/linux/signals.h
//
// Signal state: the process's actions and the signals sent to it, and per
// thread (by sched slot) the blocked mask, the signals sent to that thread
// (tgkill) and the alternate stack; and delivery.
//
// A signal sent to the process goes to a thread that does not block it (the
// sender first), or stays pending until one unblocks it. One that is not
// blocked takes its action at once when its action is
// to end the process (the default terminate/core: HV_CALL_EXIT{status =
// signo, HV_EXIT_SIGNALED}) or to do nothing (ignored, or a default of
// ignore/stop: there is no job control). A signal with an app handler stays
// pending until the syscall in progress returns (a futex wait or sleep of
// the chosen thread ends early for it: sched::Interrupt): then DeliverAtExit
// builds a
// Linux rt_sigframe on the app's stack (or the alternate stack) and the
// syscall "returns" into the handler, whose SA_RESTORER trampoline makes
// rt_sigreturn, which puts every register, the mask and the extended state
// back. So handlers run at syscall boundaries only: a thread that computes
// without syscalls sees its signals at its next one (Linux would interrupt
// it). A CPU fault goes to the app's handler for its signal (DeliverFault),
// or ends the process with a report.
//
// Example:
//   hvrt::signals::Send(abi::kSIGABRT);   // ends the guest unless blocked, ignored or handled
#ifndef HVRT_LINUX_SIGNALS_H_
#define HVRT_LINUX_SIGNALS_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/linux/abi/sigframe.h"
#include "runtime/linux/abi/signal.h"

namespace hvrt::signals {

// All actions SIG_DFL, nothing blocked or pending, no alternate stack.
void Reset();
// execve: handlers go back to SIG_DFL (ignored signals stay ignored), no
// alternate stack; the mask and pending signals stay, as on Linux.
void ResetForExec();
// Every handled signal back to SIG_DFL; ignored ones stay ignored
// (clone3's CLONE_CLEAR_SIGHAND, and part of execve).
void ClearHandlers();
// fork, in the child: nothing pending; the mask and alternate stack stay.
void AfterFork();
// A new thread (tid) made by the calling one: its mask; its alternate stack
// too unless it (shares_vm), as Linux does.
void OnClone(int32_t tid, bool shares_vm);

// Whether (sig) is a signal number (1..64).
inline bool Valid(int64_t sig) { return sig >= 1 && sig <= abi::kNSIG; }

// The action of valid signal (sig).
const abi::KSigaction& Action(int sig);
// Sets it; SIGKILL and SIGSTOP are removed from its mask, as Linux does.
// Setting SIG_IGN discards a pending (sig).
void SetAction(int sig, const abi::KSigaction& act);

// The calling thread's mask.
uint64_t Blocked();
// The signals generated for the calling thread or the process and not yet
// delivered or discarded.
uint64_t Pending();
// Sets the calling thread's mask (SIGKILL and SIGSTOP cannot be blocked),
// then acts on the pending signals it unblocked (glibc's raise() blocks all
// signals around tgkill, so abort()'s SIGABRT arrives here).
void SetBlocked(uint64_t mask);

// Generates valid signal (sig) for the process: pending while blocked or
// while it waits for the syscall's end to run its handler (see the header).
void Send(int sig);
// Generates (sig) for live thread (tid) of this process: 0, or -ESRCH.
int64_t SendToThread(int32_t tid, int sig);

// Whether a signal with a handler is pending for the calling thread and not
// blocked by it: a blocking call ends early (-EINTR, or kERESTARTSYS) for it.
bool HandlerPending();
// Whether any signal has a handler: where none has, a blocking call that
// hvrun could wait for no handler could interrupt (hostfs::StreamIo).
bool AnyHandler();

// A blocking call interrupted by a handler: restarted after the handler if
// it has SA_RESTART (or if no handler ran), else -EINTR. Never reaches the app.
inline constexpr int64_t kERESTARTSYS = 512;

// Dequeues the lowest signal of (set) pending for the calling thread (its
// own first, then the process's): its number, or 0 if none.
int Take(uint64_t set);

// sigtimedwait(2): takes the lowest signal of (set) pending for the calling
// thread or the process (siginfo into (*info)) and returns its number;
// waits until one comes or CLOCK_MONOTONIC (deadline) (-EAGAIN then), or a
// handler for another signal is to run (-EINTR). Signals of (set) that
// come meanwhile go to this thread and are never acted on, blocked or not.
int64_t Wait(uint64_t set, int64_t deadline, abi::SigInfo* info);

// sigsuspend(2): blocks (mask) until a handler is pending, then returns;
// the handler's frame records the mask from before, which rt_sigreturn
// puts back.
void Suspend(uint64_t mask);

// ppoll/pselect6/epoll_pwait's sigmask: (mask) is the calling thread's until
// its syscall ends; then the mask from before comes back (after the handler
// a signal meanwhile enters, as sigsuspend's).
void MaskUntilExit(uint64_t mask);
// The same for a mask the app passes: the sigset at (addr) of (size) bytes
// (8, else -EINVAL); nothing for addr 0. 0 or -errno.
int64_t MaskForCall(uint64_t addr, uint64_t size);

// At the end of every syscall (hvrt_syscall): if a handler is pending, enters
// it. (*result) is the syscall's result; (f) is the frame the backend stub
// loads the app's registers from. Ends the process with SIGSEGV, as Linux
// does, if the frame cannot be written.
void DeliverAtExit(hv_syscall_frame& f, int64_t* result);

// A CPU fault of the app's (the backend's fault entry, with every register
// in (f)): if the calling thread has a handler for its signal and does not
// block it, enters the handler as Linux would (siginfo with si_addr, the
// context with trapno, err and cr2) and returns 0; else -EFAULT, and the
// fault ends the run with hvrun's crash report (Linux: the default action).
int64_t DeliverFault(hv_syscall_frame& f, const hv_fault& fault);

// rt_sigreturn(2): loads the registers, mask and extended state the frame at
// the app's stack holds into (f), rcx and r11 included (HV_FRAME_FULL);
// returns the interrupted rax.
int64_t Return(hv_syscall_frame& f);

const abi::StackT& AltStack();
// Whether (sp) is on the alternate stack (an enabled one).
bool OnAltStack(uint64_t sp);
void SetAltStack(const abi::StackT& ss);

}  // namespace hvrt::signals

#endif  // HVRT_LINUX_SIGNALS_H_
