// Signal state and delivery-as-exit: see signals.h.
#include "runtime/linux/signals.h"

#include "hv/abi.h"
#include "runtime/linux/process.h"

namespace hvrt::signals {
namespace {

constexpr uint64_t kUnblockable = abi::SigBit(abi::kSIGKILL) | abi::SigBit(abi::kSIGSTOP);

struct State {
  abi::KSigaction actions[abi::kNSIG] = {};
  uint64_t blocked = 0;
  uint64_t pending = 0;
  abi::StackT altstack = {0, static_cast<int32_t>(abi::kSS_DISABLE), 0, 0};
};

constinit State g;

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

void Deliver(int sig) {
  uint64_t handler = g.actions[sig - 1].handler;
  if (handler == abi::kSIG_IGN) return;
  if (handler == abi::kSIG_DFL && DefaultIsNothing(sig)) return;
  // Default terminate/core, or an app handler, which this version cannot run.
  process::Exit(sig, HV_EXIT_SIGNALED);
}

}  // namespace

void Reset() { g = State{}; }

void ResetForExec() {
  for (auto& a : g.actions) {
    if (a.handler != abi::kSIG_IGN) a = abi::KSigaction{};
  }
  g.altstack = abi::StackT{0, static_cast<int32_t>(abi::kSS_DISABLE), 0, 0};
}

const abi::KSigaction& Action(int sig) { return g.actions[sig - 1]; }

void SetAction(int sig, const abi::KSigaction& act) {
  g.actions[sig - 1] = act;
  g.actions[sig - 1].mask &= ~kUnblockable;
  if (act.handler == abi::kSIG_IGN) g.pending &= ~abi::SigBit(sig);
}

uint64_t Blocked() { return g.blocked; }

void SetBlocked(uint64_t mask) {
  g.blocked = mask & ~kUnblockable;
  while (uint64_t ready = g.pending & ~g.blocked) {
    int sig = __builtin_ctzll(ready) + 1;
    g.pending &= ~abi::SigBit(sig);
    Deliver(sig);
  }
}

void Send(int sig) {
  if ((g.blocked & abi::SigBit(sig)) != 0) {
    g.pending |= abi::SigBit(sig);
    return;
  }
  Deliver(sig);
}

const abi::StackT& AltStack() { return g.altstack; }

void SetAltStack(const abi::StackT& ss) { g.altstack = ss; }

}  // namespace hvrt::signals
