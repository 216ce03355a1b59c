// Signal state and delivery: see signals.h.
#include "runtime/linux/signals.h"

#include "hv/abi.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/sigframe.h"
#include "runtime/linux/process.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt::signals {
namespace {

constexpr uint64_t kUnblockable = abi::SigBit(abi::kSIGKILL) | abi::SigBit(abi::kSIGSTOP);
// Below the app's rsp, the System V red zone, which a leaf function may use.
constexpr uint64_t kRedZone = 128;
// Room left below the runtime's own stack (it runs on the app's stack,
// below the stub's frame) for what DeliverAtExit calls while it writes the
// signal frame further down.
constexpr uint64_t kRuntimeStackRoom = 8192;
// The most extended state a frame carries (the host's XSAVE area on sim).
constexpr uint64_t kMaxFpState = 8192;
constexpr uint64_t kRflagsTfDfRf = 0x100 | 0x400 | 0x10000;

// What Linux keeps per thread: the mask, signals sent to this thread
// (tgkill), the alternate stack, and sigsuspend's mask to put back.
struct ThreadState {
  uint64_t blocked;
  uint64_t pending;
  abi::StackT altstack;
  // sigsuspend: the mask to record in the handler's frame (and to restore
  // if no handler runs after all).
  uint64_t saved_mask;
  bool restore_mask;
};

struct State {
  abi::KSigaction actions[abi::kNSIG] = {};
  uint64_t pending = 0;  // sent to the process: any thread that does not block one takes it
  ThreadState threads[sched::kMaxThreads] = {};
};

constexpr abi::StackT kNoAltStack = {0, static_cast<int32_t>(abi::kSS_DISABLE), 0, 0};

constinit State g;

// The calling thread's state.
ThreadState& T() { return g.threads[sched::CurrentSlot()]; }

// Whether (sig)'s default action is to do nothing: ignore, or stop/continue
// (there is no job control to stop for).
bool DefaultIsNothing(int sig) {
  switch (sig) {
    case abi::kSIGCHLD:
    case abi::kSIGURG:
    case abi::kSIGWINCH:
    case abi::kSIGCONT:
    case abi::kSIGSTOP:
    case abi::kSIGTSTP:
    case abi::kSIGTTIN:
    case abi::kSIGTTOU:
      return true;
    default:
      return false;
  }
}

enum class Action { kNothing, kTerminate, kHandler };

Action ActionOf(int sig) {
  const uint64_t handler = g.actions[sig - 1].handler;
  if (handler == abi::kSIG_IGN) return Action::kNothing;
  if (handler == abi::kSIG_DFL) {
    return DefaultIsNothing(sig) ? Action::kNothing : Action::kTerminate;
  }
  return Action::kHandler;
}

// Takes the action of (sig), sent to the process (thread -1) or to thread
// slot (thread), now that a thread that does not block it is chosen
// (slot (to)): nothing, the end of the process, or pending for its handler
// to run at (to)'s next syscall exit; (to) is woken from a futex wait or
// sleep for it, and a thread blocked in sigsuspend or wait4 wakes to see it.
void Act(int sig, int to, bool to_thread) {
  switch (ActionOf(sig)) {
    case Action::kNothing:
      return;
    case Action::kTerminate:
      process::Exit(sig, HV_EXIT_SIGNALED);
    case Action::kHandler:
      if (to_thread) {
        g.threads[to].pending |= abi::SigBit(sig);
      } else {
        g.pending |= abi::SigBit(sig);
      }
      sched::Interrupt(to);
      __atomic_fetch_add(process::EventsWord(), 1u, __ATOMIC_SEQ_CST);
      return;
  }
}

// A live thread that does not block (sig), the calling one first; -1 if
// every thread blocks it.
int Taker(int sig) {
  const int self = sched::CurrentSlot();
  if ((g.threads[self].blocked & abi::SigBit(sig)) == 0) return self;
  for (int i = 0; i < sched::SlotsUsed(); i++) {
    if (sched::SlotLive(i) && (g.threads[i].blocked & abi::SigBit(sig)) == 0) return i;
  }
  return -1;
}

// The size of the extended state the sim stub's host frame holds at
// (fpstate): its XSAVE size if its FXSAVE header says, else the FXSAVE area.
uint64_t HostFpStateSize(uint64_t fpstate) {
  const auto* sw = reinterpret_cast<const uint32_t*>(fpstate + abi::kFxswOffset);
  if (sw[0] != abi::kFP_XSTATE_MAGIC1) return abi::kFxsaveSize;
  const uint64_t extended = sw[1];  // XSAVE area + the trailing magic2
  return extended >= abi::kFxsaveSize && extended <= kMaxFpState ? extended : abi::kFxsaveSize;
}

[[noreturn]] void FrameFault() { process::Exit(abi::kSIGSEGV, HV_EXIT_SIGNALED | HV_EXIT_CORE); }

// A syscall that a signal interrupted with kERESTARTSYS and no handler took
// over: it runs again, from the syscall instruction, with the same args.
void Restart(hv_syscall_frame& f, int64_t* result) {
  *result = static_cast<int64_t>(f.nr);
  f.rip -= 2;  // `syscall` is 2 bytes
}

}  // namespace

void Reset() {
  Fill(&g, 0, sizeof g);  // not g = State{}: that builds a large temporary on the stack
  for (ThreadState& t : g.threads) t.altstack = kNoAltStack;
}

void ResetForExec() {
  for (auto& a : g.actions) {
    if (a.handler != abi::kSIG_IGN) a = abi::KSigaction{};
  }
  T().altstack = kNoAltStack;
}

void AfterFork() {
  // Linux: the child starts with no pending signals; its one thread keeps
  // the mask and alternate stack of the thread that forked.
  g.pending = 0;
  T().pending = 0;
}

void OnClone(int32_t tid, bool shares_vm) {
  const int slot = sched::SlotOf(tid);
  if (slot < 0) return;
  ThreadState& c = g.threads[slot];
  c = ThreadState{};
  c.blocked = T().blocked;
  // Linux clears the alternate stack of a thread that shares the memory
  // (the creator's is in use by the creator); a process keeps it.
  c.altstack = shares_vm ? kNoAltStack : T().altstack;
}

const abi::KSigaction& Action(int sig) { return g.actions[sig - 1]; }

void SetAction(int sig, const abi::KSigaction& act) {
  g.actions[sig - 1] = act;
  g.actions[sig - 1].mask &= ~kUnblockable;
  if (ActionOf(sig) == Action::kNothing) {
    g.pending &= ~abi::SigBit(sig);
    for (ThreadState& t : g.threads) t.pending &= ~abi::SigBit(sig);
  }
}

uint64_t Blocked() { return T().blocked; }

uint64_t Pending() { return g.pending | T().pending; }

void SetBlocked(uint64_t mask) {
  ThreadState& t = T();
  t.blocked = mask & ~kUnblockable;
  // What this unblocked: a fatal one ends the process now, an ignored one
  // goes; a handled one waits for this syscall's end.
  uint64_t ready = (g.pending | t.pending) & ~t.blocked;
  while (ready != 0) {
    int sig = __builtin_ctzll(ready) + 1;
    ready &= ~abi::SigBit(sig);
    if (ActionOf(sig) == Action::kHandler) continue;
    g.pending &= ~abi::SigBit(sig);
    t.pending &= ~abi::SigBit(sig);
    Act(sig, sched::CurrentSlot(), false);
  }
}

void Send(int sig) {
  // Linux discards an ignored signal when it is generated, unless blocked.
  const int to = Taker(sig);
  if (to < 0) {
    g.pending |= abi::SigBit(sig);
    return;
  }
  Act(sig, to, false);
}

int64_t SendToThread(int32_t tid, int sig) {
  const int slot = sched::SlotOf(tid);
  if (slot < 0) return -abi::kESRCH;
  if ((g.threads[slot].blocked & abi::SigBit(sig)) != 0) {
    g.threads[slot].pending |= abi::SigBit(sig);
    return 0;
  }
  Act(sig, slot, true);
  return 0;
}

bool HandlerPending() {
  const ThreadState& t = T();
  return ((g.pending | t.pending) & ~t.blocked) != 0;
}

void Suspend(uint64_t mask) {
  ThreadState& t = T();
  t.saved_mask = t.blocked;
  t.restore_mask = true;
  SetBlocked(mask);
  for (;;) {
    const uint32_t seen = __atomic_load_n(process::EventsWord(), __ATOMIC_ACQUIRE);
    process::TakeSignals();  // what other processes sent
    if (HandlerPending()) return;
    sched::BlockOnWord(process::EventsWord(), seen);
  }
}

void DeliverAtExit(hv_syscall_frame& f, int64_t* result) {
  ThreadState& t = T();
  // Signals sent to this thread first, then the process's, lowest first.
  uint64_t mine = t.pending & ~t.blocked;
  uint64_t ready = (g.pending | t.pending) & ~t.blocked;
  int sig = 0;
  while (ready != 0 && sig == 0) {
    const int s = __builtin_ctzll(mine != 0 ? mine : ready) + 1;
    ready &= ~abi::SigBit(s);
    mine &= ~abi::SigBit(s);
    if ((t.pending & abi::SigBit(s)) != 0) {
      t.pending &= ~abi::SigBit(s);
    } else {
      g.pending &= ~abi::SigBit(s);
    }
    switch (ActionOf(s)) {  // it may have changed since it was sent
      case Action::kNothing:
        break;
      case Action::kTerminate:
        process::Exit(s, HV_EXIT_SIGNALED);
      case Action::kHandler:
        sig = s;
        break;
    }
  }
  if (sig == 0) {
    if (t.restore_mask) {
      t.restore_mask = false;
      SetBlocked(t.saved_mask);
    }
    if (*result == -kERESTARTSYS) Restart(f, result);
    return;
  }
  const abi::KSigaction act = g.actions[sig - 1];

  // What the handler interrupts: this syscall's end, restarted or not.
  int64_t rax = *result;
  uint64_t rip = f.rip;
  if (rax == -kERESTARTSYS) {
    if ((act.flags & abi::kSA_RESTART) != 0) {
      rax = static_cast<int64_t>(f.nr);
      rip -= 2;
    } else {
      rax = -abi::kEINTR;
    }
  }

  // Where the frame goes: the alternate stack if the action asks and the
  // app is not on it already, else below the red zone; and always below
  // the runtime's own stack when that is the same stack.
  const bool on_alt = OnAltStack(f.rsp);
  const bool alt_enabled = (static_cast<uint32_t>(t.altstack.ss_flags) & abi::kSS_DISABLE) == 0;
  uint64_t sp;
  if ((act.flags & abi::kSA_ONSTACK) != 0 && alt_enabled && !on_alt) {
    sp = t.altstack.ss_sp + t.altstack.ss_size;
  } else {
    sp = f.rsp - kRedZone;
    const uint64_t runtime_sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
    if (runtime_sp < sp && sp - runtime_sp < (1ull << 30)) sp = runtime_sp - kRuntimeStackRoom;
  }
  const uint64_t fp_size = f.fpstate != 0 ? HostFpStateSize(f.fpstate) : sched::kXstateBytes;
  const uint64_t fp = (sp - fp_size) & ~63ull;
  const uint64_t frame = ((fp - sizeof(abi::RtSigframe)) & ~15ull) - 8;
  if (sp < fp_size + sizeof(abi::RtSigframe) + 64 || !user::RangeOk(frame, sp - frame) ||
      (act.flags & abi::kSA_RESTORER) == 0) {
    FrameFault();
  }

  abi::RtSigframe sf = {};
  sf.pretcode = act.restorer;
  sf.uc.uc_stack = t.altstack;
  if (on_alt) sf.uc.uc_stack.ss_flags = static_cast<int32_t>(abi::kSS_ONSTACK);
  abi::SigContext& mc = sf.uc.uc_mcontext;
  mc.rdi = f.args[0];
  mc.rsi = f.args[1];
  mc.rdx = f.args[2];
  mc.r10 = f.args[3];
  mc.r8 = f.args[4];
  mc.r9 = f.args[5];
  mc.rax = static_cast<uint64_t>(rax);
  mc.rcx = f.rip;  // as the syscall left them
  mc.r11 = f.rflags;
  mc.rbx = f.rbx;
  mc.rbp = f.rbp;
  mc.r12 = f.r12;
  mc.r13 = f.r13;
  mc.r14 = f.r14;
  mc.r15 = f.r15;
  mc.rsp = f.rsp;
  mc.rip = rip;
  mc.eflags = f.rflags;
  mc.cs = 0x33;  // Linux's user selectors, for readers of the frame
  mc.ss = 0x2b;
  mc.oldmask = t.restore_mask ? t.saved_mask : t.blocked;
  mc.fpstate = fp;
  sf.uc.uc_sigmask = mc.oldmask;
  sf.info.si_signo = sig;
  sf.info.si_code = abi::kSI_USER;
  // The extended state: the stub's copy (sim), or the CPU's, as it is.
  if (f.fpstate != 0) {
    Copy(reinterpret_cast<void*>(fp), reinterpret_cast<const void*>(f.fpstate), fp_size);
    const auto* sw = reinterpret_cast<const uint32_t*>(fp + abi::kFxswOffset);
    if (sw[0] == abi::kFP_XSTATE_MAGIC1) sf.uc.uc_flags = abi::kUC_FP_XSTATE;
  } else {
    // XRSTOR wants the XSAVE header's reserved bytes zero; XSAVE leaves them.
    Fill(reinterpret_cast<void*>(fp + abi::kFxsaveSize), 0, 64);
    sched::SaveXstate(reinterpret_cast<void*>(fp));
  }
  if (user::CopyOut(frame, &sf, sizeof sf) < 0) FrameFault();

  t.restore_mask = false;
  t.blocked = mc.oldmask | (act.mask & ~kUnblockable);
  if ((act.flags & abi::kSA_NODEFER) == 0) t.blocked |= abi::SigBit(sig);
  if ((act.flags & abi::kSA_RESETHAND) != 0) g.actions[sig - 1] = abi::KSigaction{};
  if (sp == t.altstack.ss_sp + t.altstack.ss_size &&
      (static_cast<uint32_t>(t.altstack.ss_flags) & abi::kSS_AUTODISARM) != 0) {
    t.altstack = kNoAltStack;
  }

  // Into the handler: handler(sig, &info, &uc), returning to pretcode.
  f.rip = act.handler;
  f.rsp = frame;
  f.args[0] = static_cast<uint64_t>(sig);
  f.args[1] = frame + offsetof(abi::RtSigframe, info);
  f.args[2] = frame + offsetof(abi::RtSigframe, uc);
  f.rflags &= ~kRflagsTfDfRf;
  *result = 0;
}

int64_t Return(hv_syscall_frame& f) {
  // The handler's `ret` popped pretcode: the frame starts 8 below rsp.
  const uint64_t frame = f.rsp - 8;
  abi::UContext uc;
  if (user::CopyIn(&uc, frame + offsetof(abi::RtSigframe, uc), sizeof uc) < 0) FrameFault();
  const abi::SigContext& mc = uc.uc_mcontext;
  if (mc.fpstate != 0) {
    if (f.fpstate != 0) {
      const uint64_t size = HostFpStateSize(f.fpstate);
      if (!user::RangeOk(mc.fpstate, size)) FrameFault();
      Copy(reinterpret_cast<void*>(f.fpstate), reinterpret_cast<const void*>(mc.fpstate), size);
    } else {
      if ((mc.fpstate & 63) != 0 || !user::RangeOk(mc.fpstate, sched::kXstateBytes)) FrameFault();
      sched::RestoreXstate(reinterpret_cast<const void*>(mc.fpstate));
    }
  }
  f.args[0] = mc.rdi;
  f.args[1] = mc.rsi;
  f.args[2] = mc.rdx;
  f.args[3] = mc.r10;
  f.args[4] = mc.r8;
  f.args[5] = mc.r9;
  f.rbx = mc.rbx;
  f.rbp = mc.rbp;
  f.r12 = mc.r12;
  f.r13 = mc.r13;
  f.r14 = mc.r14;
  f.r15 = mc.r15;
  f.rsp = mc.rsp;
  f.rip = mc.rip;
  f.rflags = (f.rflags & ~abi::kFixEflags) | (mc.eflags & abi::kFixEflags);
  // The alternate stack as it was (SS_AUTODISARM turned it off meanwhile).
  if ((static_cast<uint32_t>(uc.uc_stack.ss_flags) & abi::kSS_DISABLE) == 0 &&
      uc.uc_stack.ss_size >= abi::kMINSIGSTKSZ) {
    abi::StackT ss = uc.uc_stack;
    ss.ss_flags &= static_cast<int32_t>(abi::kSS_AUTODISARM);
    T().altstack = ss;
  }
  SetBlocked(uc.uc_sigmask);
  return static_cast<int64_t>(mc.rax);
}

bool OnAltStack(uint64_t sp) {
  const abi::StackT& ss = T().altstack;
  if ((static_cast<uint32_t>(ss.ss_flags) & abi::kSS_DISABLE) != 0) return false;
  return sp > ss.ss_sp && sp - ss.ss_sp <= ss.ss_size;
}

const abi::StackT& AltStack() { return T().altstack; }

void SetAltStack(const abi::StackT& ss) { T().altstack = ss; }

}  // namespace hvrt::signals
