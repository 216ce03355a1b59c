// File: host_signals.h
//
// The host signals a guest can make the kernel raise in hvrun, and what hvrun
// does with each, set once at start (ShieldFromGuestSignals). A guest action
// must never kill hvrun through a signal's default action:
//
//   SIGPIPE  a write to a pipe or socket whose reader is gone: ignored, the
//            guest gets EPIPE.
//   SIGXFSZ  a write past RLIMIT_FSIZE (`ulimit -f`): ignored, the guest gets
//            EFBIG (native Linux would kill the writer; hvrun does not
//            deliver host signals to the guest).
//   SIGXCPU  RLIMIT_CPU (`ulimit -t`) ran out: on kvm the vCPU's time is
//            hvrun's own. A stop signal (stop_signals.h): the guest ends as
//            if killed by SIGXCPU (exit 152). On sim the guest's child
//            process gets it itself and dies of it, with the same status.
//   SIGALRM, SIGINT, SIGTERM  stop signals: --timeout, Ctrl-C, kill.
//   ThreadKick::Signal()  hvrun's own, to interrupt its threads: a no-op.
//
// Left at their defaults, because no guest action raises them: SIGCHLD (only
// the sim child, reaped with waitid), SIGURG and SIGIO (the guest has no
// host sockets and cannot F_SETOWN; while a backend runs, SIGURG is
// StopSignals' own wake-up for a stop hvrun decides, never a reason), SIGSYS (hvrun has no seccomp
// filter of its own), SIGBUS (guest memory is a memfd that only hvrun sizes; it can only fail if
// the host runs out of memory), and SIGTTIN/SIGTTOU (terminal job control: a backgrounded hvrun
// stops on terminal I/O like any process).
//
// Example (first thing in main):
//   hvrun::ShieldFromGuestSignals();
#ifndef VMM_BASE_HOST_SIGNALS_H_
#define VMM_BASE_HOST_SIGNALS_H_

namespace hvrun {

// Sets the dispositions above (SIG_IGN for SIGPIPE and SIGXFSZ; the thread
// kick handler). Stop signals are installed by StopSignals while a guest runs.
void ShieldFromGuestSignals();

}  // namespace hvrun

#endif  // VMM_BASE_HOST_SIGNALS_H_
