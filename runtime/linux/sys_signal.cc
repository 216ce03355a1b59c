// Signals (runtime/linux/signals.h keeps the state and delivers them).
// Actions, masks and the alternate stack are stored and reported back like
// Linux; a handler runs when the syscall in progress returns.
#include "runtime/hv/clock.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/sigframe.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {
namespace {

constexpr uint64_t kSigsetSize = 8;  // the kernel's sigset_t: 64 signals

// Generates (sig) (0 probes) for this process.
int64_t SendToSelf(int32_t sig) {
  if (sig == 0) return 0;
  signals::Send(sig);
  return 0;
}

}  // namespace

// RtSigaction implements Linux syscall rt_sigaction(2) with the kernel's
// struct k_sigaction.
int64_t sys_rt_sigaction(hv_syscall_frame& f) {
  int32_t sig = Int(f.args[0]);
  uint64_t act_addr = f.args[1];
  uint64_t old_addr = f.args[2];
  if (f.args[3] != kSigsetSize || !signals::Valid(sig)) return -abi::kEINVAL;
  if (act_addr != 0 && (sig == abi::kSIGKILL || sig == abi::kSIGSTOP)) return -abi::kEINVAL;
  abi::KSigaction act;
  if (act_addr != 0) {
    if (int64_t r = user::CopyIn(&act, act_addr, sizeof act); r < 0) return r;
  }
  if (old_addr != 0) {
    if (int64_t r = user::CopyOut(old_addr, &signals::Action(sig), sizeof act); r < 0) return r;
  }
  if (act_addr != 0) signals::SetAction(sig, act);
  return 0;
}

// RtSigprocmask implements Linux syscall rt_sigprocmask(2). Unblocking a
// pending signal delivers it (see signals.h).
int64_t sys_rt_sigprocmask(hv_syscall_frame& f) {
  uint64_t how = static_cast<uint32_t>(f.args[0]);
  uint64_t set_addr = f.args[1];
  uint64_t old_addr = f.args[2];
  if (f.args[3] != kSigsetSize) return -abi::kEINVAL;
  uint64_t old = signals::Blocked();
  uint64_t next = old;
  if (set_addr != 0) {
    uint64_t set;
    if (int64_t r = user::CopyIn(&set, set_addr, sizeof set); r < 0) return r;
    switch (how) {
      case abi::kSIG_BLOCK:
        next = old | set;
        break;
      case abi::kSIG_UNBLOCK:
        next = old & ~set;
        break;
      case abi::kSIG_SETMASK:
        next = set;
        break;
      default:
        return -abi::kEINVAL;
    }
  }
  if (old_addr != 0) {
    if (int64_t r = user::CopyOut(old_addr, &old, sizeof old); r < 0) return r;
  }
  if (set_addr != 0) signals::SetBlocked(next);
  return 0;
}

// RtSigreturn implements Linux syscall rt_sigreturn(2): back from a handler
// to what it interrupted, with that rax.
int64_t sys_rt_sigreturn(hv_syscall_frame& f) { return signals::Return(f); }

// RtSigsuspend implements Linux syscall rt_sigsuspend(2): waits with (mask)
// until a handler is to run; always -EINTR.
int64_t sys_rt_sigsuspend(hv_syscall_frame& f) {
  if (f.args[1] != kSigsetSize) return -abi::kEINVAL;
  uint64_t mask;
  if (int64_t r = user::CopyIn(&mask, f.args[0], sizeof mask); r < 0) return r;
  signals::Suspend(mask);
  return -abi::kEINTR;
}

// RtSigpending implements Linux syscall rt_sigpending(2): the signals
// waiting while blocked.
int64_t sys_rt_sigpending(hv_syscall_frame& f) {
  if (f.args[1] > kSigsetSize) return -abi::kEINVAL;
  uint64_t set = signals::Pending() & signals::Blocked();
  return user::CopyOut(f.args[0], &set, f.args[1]);
}

// RtSigtimedwait implements Linux syscall rt_sigtimedwait(2) (and so
// sigwait, sigwaitinfo): (timeout) relative, none = forever.
int64_t sys_rt_sigtimedwait(hv_syscall_frame& f) {
  if (f.args[3] != kSigsetSize) return -abi::kEINVAL;
  uint64_t set;
  if (int64_t r = user::CopyIn(&set, f.args[0], sizeof set); r < 0) return r;
  int64_t deadline = sched::kForever;
  if (f.args[2] != 0) {
    abi::Timespec ts;
    if (int64_t r = user::CopyIn(&ts, f.args[2], sizeof ts); r < 0) return r;
    if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
    deadline = static_cast<int64_t>(clock::MonotonicNs()) + abi::SpanNs(ts);
  }
  if (f.args[1] != 0 && !user::RangeOk(f.args[1], sizeof(abi::SigInfo))) return -abi::kEFAULT;
  abi::SigInfo info;
  const int64_t sig = signals::Wait(set, deadline, &info);
  if (sig > 0 && f.args[1] != 0) {
    if (int64_t r = user::CopyOut(f.args[1], &info, sizeof info); r < 0) return r;
  }
  return sig;
}

// Pause implements Linux syscall pause(2): sigsuspend with the mask as it is.
int64_t sys_pause(hv_syscall_frame&) {
  signals::Suspend(signals::Blocked());
  return -abi::kEINTR;
}

// Sigaltstack implements Linux syscall sigaltstack(2); handlers with
// SA_ONSTACK run on it (signals.h). Changing it while on it is EPERM.
int64_t sys_sigaltstack(hv_syscall_frame& f) {
  abi::StackT old = signals::AltStack();
  const bool on = signals::OnAltStack(f.rsp);
  if (on) old.ss_flags = static_cast<int32_t>(abi::kSS_ONSTACK);
  if (f.args[0] != 0) {
    if (on) return -abi::kEPERM;
    abi::StackT ss;
    if (int64_t r = user::CopyIn(&ss, f.args[0], sizeof ss); r < 0) return r;
    uint32_t flags = static_cast<uint32_t>(ss.ss_flags);
    uint32_t mode = flags & ~abi::kSS_AUTODISARM;
    if (mode != 0 && mode != abi::kSS_DISABLE && mode != abi::kSS_ONSTACK) return -abi::kEINVAL;
    if (mode == abi::kSS_DISABLE) {
      ss = {0, static_cast<int32_t>(abi::kSS_DISABLE), 0, 0};
    } else {
      if (ss.ss_size < abi::kMINSIGSTKSZ) return -abi::kENOMEM;
      ss.ss_flags = static_cast<int32_t>(flags & abi::kSS_AUTODISARM);  // SS_ONSTACK means 0
    }
    signals::SetAltStack(ss);
  }
  if (f.args[1] != 0) return user::CopyOut(f.args[1], &old, sizeof old);
  return 0;
}

// Kill implements Linux syscall kill(2): this process itself here, any
// other process (and groups, -1) through hvrun's process table.
int64_t sys_kill(hv_syscall_frame& f) {
  int32_t pid = Int(f.args[0]);
  int32_t sig = Int(f.args[1]);
  if (sig != 0 && !signals::Valid(sig)) return -abi::kEINVAL;
  // Any thread's tid names its process, as on Linux.
  if (pid > 0 && (pid == process::Pid() || sched::Alive(pid))) return SendToSelf(sig);
  return KillOther(pid, sig);
}

// Tkill implements Linux syscall tkill(2) for any live thread of this
// process: the signal is that thread's (its mask decides; its handler runs
// on it). A tid that is another process's pid (its first thread) goes to
// that process through hvrun; other processes' further threads are unknown
// here (-ESRCH).
int64_t sys_tkill(hv_syscall_frame& f) {
  int32_t tid = Int(f.args[0]);
  int32_t sig = Int(f.args[1]);
  if (tid <= 0 || (sig != 0 && !signals::Valid(sig))) return -abi::kEINVAL;
  if (!sched::Alive(tid)) return KillOther(tid, sig);
  return sig == 0 ? 0 : signals::SendToThread(tid, sig);
}

namespace {

int64_t ThreadKill(int32_t tgid, int32_t tid, int32_t sig) {
  if (tgid <= 0 || tid <= 0 || (sig != 0 && !signals::Valid(sig))) return -abi::kEINVAL;
  if (tgid != process::Pid()) return tid == tgid ? KillOther(tgid, sig) : -abi::kESRCH;
  if (!sched::Alive(tid)) return -abi::kESRCH;
  return sig == 0 ? 0 : signals::SendToThread(tid, sig);
}

// rt_(tg)sigqueueinfo's rule: a siginfo that claims to come from the
// kernel (si_code >= 0) or from tkill (SI_TKILL) may only be sent to
// oneself. Returns 0 or -errno.
int64_t CheckQueuedInfo(uint64_t addr, bool to_self) {
  constexpr int32_t kSiTkill = -6;
  abi::SigInfo info;
  if (int64_t r = user::CopyIn(&info, addr, sizeof info); r < 0) return r;
  if ((info.si_code >= 0 || info.si_code == kSiTkill) && !to_self) return -abi::kEPERM;
  return 0;
}

}  // namespace

// Tgkill implements Linux syscall tgkill(2) for any live thread of this
// process, or another process's first thread (see Tkill).
int64_t sys_tgkill(hv_syscall_frame& f) {
  return ThreadKill(Int(f.args[0]), Int(f.args[1]), Int(f.args[2]));
}

// RtSigqueueinfo implements Linux syscall rt_sigqueueinfo(2) as kill(2),
// after Linux's check of the siginfo; the signal arrives without its
// si_value (hvrun's signals between processes are a pending set).
int64_t sys_rt_sigqueueinfo(hv_syscall_frame& f) {
  const int32_t pid = Int(f.args[0]);
  if (int64_t r = CheckQueuedInfo(f.args[2], pid == process::Pid()); r < 0) return r;
  return sys_kill(f);
}

// RtTgsigqueueinfo implements Linux syscall rt_tgsigqueueinfo(2) as
// tgkill(2), after the same check.
int64_t sys_rt_tgsigqueueinfo(hv_syscall_frame& f) {
  const int32_t tgid = Int(f.args[0]);
  if (int64_t r = CheckQueuedInfo(f.args[3], tgid == process::Pid()); r < 0) return r;
  return ThreadKill(tgid, Int(f.args[1]), Int(f.args[2]));
}

}  // namespace hvrt
