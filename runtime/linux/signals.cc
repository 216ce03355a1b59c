// Signal state and delivery: see signals.h.
#include "runtime/linux/signals.h"

#include "hv/abi.h"
#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/sigframe.h"
#include "runtime/linux/process.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"

namespace hvrt::signals {
namespace {

using abi::kUnblockable;
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
  // sigtimedwait: the signals this thread waits for (0: none). They are
  // taken for it even while it blocks them, and never acted on.
  uint64_t waiting_for;
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

// Whether (sig)'s default action is to do nothing: ignore, or continue
// (hvrun resumes a stopped process when it sends SIGCONT).
bool DefaultIsNothing(int sig) {
  switch (sig) {
    case abi::kSIGCHLD:
    case abi::kSIGURG:
    case abi::kSIGWINCH:
    case abi::kSIGCONT:
      return true;
    default:
      return false;
  }
}

bool DefaultIsStop(int sig) {
  return sig == abi::kSIGSTOP || sig == abi::kSIGTSTP || sig == abi::kSIGTTIN ||
         sig == abi::kSIGTTOU;
}

enum class Action { kNothing, kTerminate, kStop, kHandler };

Action ActionOf(int sig) {
  const uint64_t handler = g.actions[sig - 1].handler;
  if (sig == abi::kSIGSTOP) return Action::kStop;  // never caught nor ignored
  if (handler == abi::kSIG_IGN) return Action::kNothing;
  if (handler == abi::kSIG_DFL) {
    return DefaultIsNothing(sig) ? Action::kNothing
           : DefaultIsStop(sig)  ? Action::kStop
                                 : Action::kTerminate;
  }
  return Action::kHandler;
}

// Counts the process's events word up: whatever waits on it (sigsuspend,
// wait4, sigtimedwait, a signalfd read) looks at the signals again.
void CountEvent() { __atomic_fetch_add(process::EventsWord(), 1u, __ATOMIC_SEQ_CST); }

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
    case Action::kStop:
      process::Stop(sig);
      return;
    case Action::kHandler:
      if (to_thread) {
        g.threads[to].pending |= abi::SigBit(sig);
      } else {
        g.pending |= abi::SigBit(sig);
      }
      sched::Interrupt(to);
      CountEvent();
      return;
  }
}

// A live thread that does not block (sig), the calling one first; -1 if
// every thread blocks it.
int Taker(int sig) {
  for (int i = 0; i < sched::SlotsUsed(); i++) {
    if (sched::SlotLive(i) && (g.threads[i].waiting_for & abi::SigBit(sig)) != 0) return i;
  }
  const int self = sched::CurrentSlot();
  if ((g.threads[self].blocked & abi::SigBit(sig)) == 0) return self;
  for (int i = 0; i < sched::SlotsUsed(); i++) {
    if (sched::SlotLive(i) && (g.threads[i].blocked & abi::SigBit(sig)) == 0) return i;
  }
  return -1;
}

// A thread in sigtimedwait for (sig) takes it as it comes: pending for it,
// and its wait wakes (the events word). True if (slot) is one.
bool ToWaiter(int slot, int sig) {
  if ((g.threads[slot].waiting_for & abi::SigBit(sig)) == 0) return false;
  g.threads[slot].pending |= abi::SigBit(sig);
  CountEvent();
  return true;
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

// Builds handler (sig)'s frame for the context in (f), which (rax) and (rip)
// complete (a syscall's result and where it returns; a fault's registers),
// with (info) and, for a fault, the CPU's (err, trapno, cr2); then points
// (f) at the handler, with the calling thread's mask and alternate stack
// updated as Linux does. (runtime_on_app_stack): the runtime runs on the
// app's own stack below the frame's registers (a syscall on kvm), so the
// frame goes below the runtime's stack too. False if there is no room for
// the frame (the caller ends the process with SIGSEGV).
bool EnterHandler(hv_syscall_frame& f, int sig, int64_t rax, uint64_t rip, const abi::SigInfo& info,
                  bool runtime_on_app_stack, uint64_t err = 0, uint64_t trapno = 0,
                  uint64_t cr2 = 0) {
  ThreadState& t = T();
  const abi::KSigaction act = g.actions[sig - 1];
  // Where the frame goes: the alternate stack if the action asks and the
  // app is not on it already, else below the red zone; and always below
  // the runtime's own stack when that is the same stack.
  const bool on_alt = OnAltStack(f.rsp);
  const bool alt_enabled = (static_cast<uint32_t>(t.altstack.ss_flags) & abi::kSS_DISABLE) == 0;
  const bool to_alt = (act.flags & abi::kSA_ONSTACK) != 0 && alt_enabled && !on_alt;
  uint64_t sp;
  if (to_alt) {
    sp = t.altstack.ss_sp + t.altstack.ss_size;
  } else {
    sp = f.rsp - kRedZone;
    const uint64_t runtime_sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
    if (runtime_on_app_stack && runtime_sp < sp && sp - runtime_sp < (1ull << 30)) {
      sp = runtime_sp - kRuntimeStackRoom;
    }
  }
  const uint64_t fp_size = f.fpstate != 0 ? HostFpStateSize(f.fpstate) : sched::kXstateBytes;
  const uint64_t fp = (sp - fp_size) & ~63ull;
  const uint64_t frame = ((fp - sizeof(abi::RtSigframe)) & ~15ull) - 8;
  if (sp < fp_size + sizeof(abi::RtSigframe) + 64 || !user::WriteOk(frame, sp - frame) ||
      (act.flags & abi::kSA_RESTORER) == 0) {
    return false;
  }
  // Linux: a frame on the alternate stack must fit in it; walking off its
  // bottom (nested faults in a handler) is a SIGSEGV that kills. Likewise
  // the main stack cannot grow past its size (RLIMIT_STACK), which Linux's
  // guard gap enforces and hvrun, with no guard page, enforces here.
  if ((to_alt || on_alt) && frame < t.altstack.ss_sp) return false;
  const mm::Range main_stack = mm::MainStack();
  if (!to_alt && f.rsp > main_stack.lo && f.rsp <= main_stack.hi && frame < main_stack.lo) {
    return false;
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
  const bool full = (f.flags & HV_FRAME_FULL) != 0;
  mc.rcx = full ? f.rcx : f.rip;  // else as the syscall left them
  mc.r11 = full ? f.r11 : f.rflags;
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
  mc.err = err;
  mc.trapno = trapno;
  mc.cr2 = cr2;
  mc.oldmask = t.restore_mask ? t.saved_mask : t.blocked;
  mc.fpstate = fp;
  sf.uc.uc_sigmask = mc.oldmask;
  sf.info = info;
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
  if (user::CopyOut(frame, &sf, sizeof sf) < 0) return false;

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
  return true;
}

// The signal and si_code Linux gives a CPU fault of vector (fault.vector)
// (arch/x86/kernel/traps.c), into (info); (*cr2) the faulting address of a
// page fault. False for a vector no signal stands for here.
constexpr int32_t kSEGV_MAPERR = 1, kSEGV_ACCERR = 2, kBUS_ADRERR = 2;

bool FromVector(const hv_fault& fault, abi::SigInfo* info, uint64_t* cr2) {
  constexpr int32_t kSI_KERNEL = 0x80;
  switch (fault.vector) {
    case 0:                                              // #DE
      *info = {.si_signo = abi::kSIGFPE, .si_code = 1};  // FPE_INTDIV
      return true;
    case 5:   // #BR
    case 13:  // #GP
      *info = {.si_signo = abi::kSIGSEGV, .si_code = kSI_KERNEL};
      return true;
    case 6:                                              // #UD
      *info = {.si_signo = abi::kSIGILL, .si_code = 2};  // ILL_ILLOPN
      return true;
    case 12:  // #SS
      *info = {.si_signo = abi::kSIGBUS, .si_code = kSI_KERNEL};
      return true;
    case 14:  // #PF: not present, or a protection fault
      *info = {.si_signo = abi::kSIGSEGV, .si_code = (fault.error & 1) != 0 ? 2 : 1};
      *cr2 = fault.address;
      return true;
    case 16:                                             // #MF
    case 19:                                             // #XM
      *info = {.si_signo = abi::kSIGFPE, .si_code = 7};  // FPE_FLTINV
      return true;
    case 17:                                             // #AC
      *info = {.si_signo = abi::kSIGBUS, .si_code = 1};  // BUS_ADRALN
      return true;
    default:
      return false;
  }
}

// A page fault as Linux tells it, from the runtime's own bookkeeping (the
// backend sees only a page it may not touch): a file page past EOF is
// SIGBUS; an unmapped page SEGV_MAPERR; a mapped one whose protection
// forbids the access SEGV_ACCERR.
void ClassifyPageFault(uint64_t addr, abi::SigInfo* info) {
  if ((mm::protect::At(addr) & mm::protect::kBus) != 0) {
    *info = {.si_signo = abi::kSIGBUS, .si_code = kBUS_ADRERR};
  } else {
    const bool mapped = mm::IsMapped(addr & ~uint64_t{4095}, 4096);
    *info = {.si_signo = abi::kSIGSEGV, .si_code = mapped ? kSEGV_ACCERR : kSEGV_MAPERR};
  }
}

// What SIGCHLD's action says about children, as hvrun was last told
// (HV_PROC_SET_NOCLDWAIT's bits; a process starts with none, a fork
// inherits them, there and in hvrun): bit 0, they reap themselves (SIG_IGN
// or SA_NOCLDWAIT); bit 1, no SIGCHLD when one stops or continues
// (SA_NOCLDSTOP).
constinit int32_t g_told_child_wait = 0;

void TellChildWait() {
  constexpr uint64_t kSA_NOCLDSTOP = 1, kSA_NOCLDWAIT = 2;
  const abi::KSigaction& a = g.actions[abi::kSIGCHLD - 1];
  const int32_t bits =
      (a.handler == abi::kSIG_IGN || (a.flags & kSA_NOCLDWAIT) != 0 ? 1 : 0) |
      (a.handler != abi::kSIG_DFL && a.handler != abi::kSIG_IGN && (a.flags & kSA_NOCLDSTOP) != 0
           ? 2
           : 0);
  if (bits == g_told_child_wait) return;
  hv_proc p = {HV_PROC_SET_NOCLDWAIT, 0, bits, 0, 0, 0};
  if (hv::Call(HV_CALL_PROC, &p) >= 0) g_told_child_wait = bits;
}

}  // namespace

void Reset() {
  Fill(&g, 0, sizeof g);  // not g = State{}: that builds a large temporary on the stack
  for (ThreadState& t : g.threads) t.altstack = kNoAltStack;
}

void ClearHandlers() {
  for (auto& a : g.actions) {
    if (a.handler != abi::kSIG_IGN) a = abi::KSigaction{};
  }
}

void ResetForExec() {
  ClearHandlers();
  T().altstack = kNoAltStack;
  TellChildWait();
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
  if (sig == abi::kSIGCHLD) TellChildWait();
  if (ActionOf(sig) == Action::kNothing) {
    g.pending &= ~abi::SigBit(sig);
    for (ThreadState& t : g.threads) t.pending &= ~abi::SigBit(sig);
  }
}

bool AnyHandler() {
  for (int sig = 1; sig <= abi::kNSIG; ++sig) {
    if (ActionOf(sig) == Action::kHandler) return true;
  }
  return false;
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
    CountEvent();  // a signalfd reader waits for blocked signals too
    return;
  }
  if (ToWaiter(to, sig)) return;
  Act(sig, to, false);
}

int64_t SendToThread(int32_t tid, int sig) {
  const int slot = sched::SlotOf(tid);
  if (slot < 0) return -abi::kESRCH;
  if (ToWaiter(slot, sig)) return 0;
  if ((g.threads[slot].blocked & abi::SigBit(sig)) != 0) {
    g.threads[slot].pending |= abi::SigBit(sig);
    CountEvent();  // a signalfd reader
    return 0;
  }
  Act(sig, slot, true);
  return 0;
}

int Take(uint64_t set) {
  ThreadState& t = T();
  const uint64_t mine = t.pending & set;
  const uint64_t ready = mine != 0 ? mine : g.pending & set;
  if (ready == 0) return 0;
  const int sig = __builtin_ctzll(ready) + 1;
  if (mine != 0) {
    t.pending &= ~abi::SigBit(sig);
  } else {
    g.pending &= ~abi::SigBit(sig);
  }
  return sig;
}

int64_t Wait(uint64_t set, int64_t deadline, abi::SigInfo* info) {
  ThreadState& t = T();
  set &= ~kUnblockable;
  for (;;) {
    const uint32_t seen = __atomic_load_n(process::EventsWord(), __ATOMIC_ACQUIRE);
    process::TakeSignals();
    if (const int sig = Take(set); sig != 0) {
      *info = abi::SigInfo{};
      info->si_signo = sig;
      info->si_code = abi::kSI_USER;
      return sig;
    }
    if (HandlerPending()) return -abi::kEINTR;  // another signal's handler runs first
    t.waiting_for = set;
    const int64_t r = sched::BlockOnWordUntil(process::EventsWord(), seen, deadline);
    t.waiting_for = 0;
    if (r == -abi::kETIMEDOUT) {
      if (((t.pending | g.pending) & set) != 0) continue;  // came at the last moment
      return -abi::kEAGAIN;
    }
  }
}

bool HandlerPending() {
  const ThreadState& t = T();
  return ((g.pending | t.pending) & ~t.blocked) != 0;
}

void MaskUntilExit(uint64_t mask) {
  ThreadState& t = T();
  t.saved_mask = t.blocked;
  t.restore_mask = true;
  SetBlocked(mask);
}

int64_t MaskForCall(uint64_t addr, uint64_t size) {
  if (addr == 0) return 0;
  if (size != sizeof(uint64_t)) return -abi::kEINVAL;
  uint64_t mask;
  if (int64_t r = user::CopyIn(&mask, addr, sizeof mask); r < 0) return r;
  MaskUntilExit(mask);
  return 0;
}

void Suspend(uint64_t mask) {
  MaskUntilExit(mask);
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
  int sig = 0;
  while (sig == 0) {
    int s = Take(~t.blocked);
    if (s == 0 && t.restore_mask) {
      // The call's own mask (sigsuspend, ppoll, pselect6, epoll_pwait)
      // goes now; what it held back and the old mask lets through is
      // delivered on this return, as on Linux.
      t.restore_mask = false;
      SetBlocked(t.saved_mask);
      s = Take(~t.blocked);
    }
    if (s == 0) break;
    switch (ActionOf(s)) {  // it may have changed since it was sent
      case Action::kNothing:
        break;
      case Action::kTerminate:
        process::Exit(s, HV_EXIT_SIGNALED);
      case Action::kStop:
        process::Stop(s);
        break;
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
  abi::SigInfo info = {};
  info.si_signo = sig;
  info.si_code = abi::kSI_USER;
  if (!EnterHandler(f, sig, rax, rip, info, /*runtime_on_app_stack=*/true)) FrameFault();
  *result = 0;
}

int64_t DeliverFault(hv_syscall_frame& f, const hv_fault& fault) {
  // The runtime's own code faulting is a runtime bug, never the app's to
  // handle: it ends the run with the report.
  const hv_mem_region& rt = boot::Info().runtime;
  if (f.rip >= rt.start && f.rip - rt.start < rt.size) return -abi::kEFAULT;
  abi::SigInfo info = {};
  uint64_t trapno = fault.vector, cr2 = 0;
  if (fault.signo != 0) {  // sim: the host kernel's classification
    info.si_signo = fault.signo;
    info.si_code = fault.code;
    if (fault.signo == abi::kSIGSEGV) cr2 = fault.address;
  } else if (!FromVector(fault, &info, &cr2)) {
    return -abi::kEFAULT;
  }
  const uint64_t addr = fault.signo != 0 ? fault.address : (trapno == 14 ? fault.address : f.rip);
  const bool page_fault = fault.signo != 0
                              ? fault.signo == abi::kSIGSEGV &&
                                    (fault.code == kSEGV_MAPERR || fault.code == kSEGV_ACCERR)
                              : trapno == 14;
  if (page_fault) ClassifyPageFault(addr, &info);
  const int sig = info.si_signo;
  if (!Valid(sig)) return -abi::kEFAULT;
  // si_addr shares its place with si_pid/si_uid (offset 16).
  Copy(reinterpret_cast<uint8_t*>(&info) + 16, &addr, sizeof addr);
  // Linux (force_sig_fault): a blocked or ignored fault signal, or one left
  // at its default, ends the process; only a handler takes it.
  ThreadState& t = T();
  if ((t.blocked & abi::SigBit(sig)) != 0 || ActionOf(sig) != Action::kHandler) {
    // The backend reports the fault as the CPU or host saw it (a SIGSEGV);
    // a file page past EOF is a SIGBUS, which only the runtime knows.
    if (sig == abi::kSIGBUS && page_fault) process::Exit(sig, HV_EXIT_SIGNALED | HV_EXIT_CORE);
    return -abi::kEFAULT;
  }
  if (!EnterHandler(f, sig, static_cast<int64_t>(f.nr), f.rip, info,
                    /*runtime_on_app_stack=*/false, fault.error, trapno, cr2)) {
    FrameFault();  // Linux: a frame that cannot be built is a SIGSEGV that kills
  }
  f.nr = 0;  // rax at the handler's entry, as Linux leaves it
  return 0;
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
  // Every register as the context holds it: rcx and r11 too (a handler for
  // a fault, or one that edited its context, may return anywhere).
  f.rcx = mc.rcx;
  f.r11 = mc.r11;
  f.flags |= HV_FRAME_FULL;
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
