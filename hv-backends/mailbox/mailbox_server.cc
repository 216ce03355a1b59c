// File: mailbox_server.cc
#include "hv-backends/mailbox/mailbox_server.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>

#include "absl/cleanup/cleanup.h"
#include "hv-backends/mailbox/mailbox_abi.h"

namespace hvrun {
namespace {

// Pause iterations hvrun spins for the next request before it sleeps: long
// enough to catch a guest that makes hypercalls back to back (~tens of us).
constexpr int kHostSpin = 20000;
// How often the spin asks should_stop.
constexpr int kStopCheckEvery = 256;
// Every futex sleep is bounded, so a stop that lands between the last check
// and the sleep (the handler only sets a flag; nothing wakes the futex) is
// seen within this long.
constexpr int64_t kMaxSleepNs = 100 * 1000 * 1000;

int64_t NowNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// FUTEX_WAIT on (word) while it holds (val), for at most (ns) (<= kMaxSleepNs).
void BoundedWait(uint32_t* word, uint32_t val, int64_t ns) {
  const timespec ts{0, static_cast<long>(ns < kMaxSleepNs ? ns : kMaxSleepNs)};
  syscall(SYS_futex, word, FUTEX_WAIT, val, &ts, nullptr, 0);
}

// (word) is in hvrun's shared mapping of the guest memfd: the same futex as
// the guest's (sim) or the one the vCPU thread waits on (kvm). Never private.
long Futex(uint32_t* word, int op, uint32_t val) {
  return syscall(SYS_futex, word, op, val, nullptr, nullptr, 0);
}

}  // namespace

MailboxServer::MailboxServer(std::span<uint8_t> mailbox, const GuestMemory& memory,
                             HypercallHandler& handler,
                             std::function<void(const hv_register&)> on_register)
    : state_word_(reinterpret_cast<uint32_t*>(&mailbox[MB_STATE])),
      mailbox_(mailbox),
      memory_(memory),
      handler_(handler),
      on_register_(std::move(on_register)) {}

std::atomic_ref<uint32_t> MailboxServer::Word(int offset) {
  return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(&mailbox_[offset]));
}

bool MailboxServer::SleepUntil(const HypercallOutcome& sleep,
                               const std::function<bool()>& should_stop) {
  // On the guest's wake word if it named one (a completion bumps it and
  // wakes its futex: compared by the kernel, so never lost), else on the
  // state word (still REQUEST while the guest waits). Kick() and Shutdown()
  // wake both, so they end the sleep at once; the steps are bounded, so
  // stop signals do too. The guest may change either word itself: that only
  // ends this sleep early, never the server (only should_stop and DEAD do).
  std::atomic_ref<uint32_t> state(*state_word_);
  uint32_t* word = sleep.wake_word != nullptr ? sleep.wake_word : state_word_;
  const uint32_t expect = sleep.wake_word != nullptr ? sleep.wake_seen : MB_STATE_REQUEST;
  sleep_word_.store(word);
  absl::Cleanup clear = [this] { sleep_word_.store(nullptr); };
  for (;;) {
    if (should_stop() || state.load() == MB_STATE_DEAD) return false;
    if (state.load() != MB_STATE_REQUEST) return true;
    if (std::atomic_ref<uint32_t>(*word).load() != expect) return true;
    const int64_t now = NowNs();
    if (sleep.sleep_until_ns <= now) return true;  // compared, not subtracted: no overflow
    BoundedWait(word, expect, sleep.sleep_until_ns - now);
  }
}

void MailboxServer::Kick() {
  Futex(state_word_, FUTEX_WAKE, INT32_MAX);
  if (uint32_t* w = sleep_word_.load(); w != nullptr) Futex(w, FUTEX_WAKE, INT32_MAX);
}

void MailboxServer::Shutdown() {
  std::atomic_ref<uint32_t>(*state_word_).store(MB_STATE_DEAD);
  Kick();
}

void MailboxServer::WaitForReply(const std::function<bool()>& stop) {
  std::atomic_ref<uint32_t> state(*state_word_);
  Word(MB_GUEST_SLEEPING).store(1);  // seq_cst: Dekker with the server's CAS
  while (state.load() == MB_STATE_REQUEST && !stop()) {
    BoundedWait(state_word_, MB_STATE_REQUEST, kMaxSleepNs);
  }
  Word(MB_GUEST_SLEEPING).store(0);
}

std::optional<HypercallOutcome> MailboxServer::Serve(const std::function<bool()>& should_stop) {
  std::atomic_ref<uint32_t> state(*state_word_);
  for (;;) {
    // Wait for a request: spin a little, then sleep on the futex.
    bool request = false;
    for (int i = 0; i < kHostSpin; ++i) {
      if (state.load(std::memory_order_acquire) == MB_STATE_REQUEST) {
        request = true;
        break;
      }
      if (i % kStopCheckEvery == 0 && should_stop()) return std::nullopt;
      __builtin_ia32_pause();
    }
    while (!request) {
      if (should_stop()) return std::nullopt;
      Word(MB_HOST_SLEEPING).store(1);  // seq_cst: Dekker with the guest's xchg
      const uint32_t seen = state.load();
      if (seen == MB_STATE_REQUEST) {
        request = true;
      } else {
        BoundedWait(state_word_, seen, kMaxSleepNs);
      }
      Word(MB_HOST_SLEEPING).store(0);
    }

    const uint64_t nr = std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(&mailbox_[MB_NR]))
                            .load(std::memory_order_relaxed);
    const uint64_t arg = std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(&mailbox_[MB_ARG]))
                             .load(std::memory_order_relaxed);
    HypercallOutcome out;
    if (nr == HV_CALL_REGISTER) {
      auto reg = memory_.Read<hv_register>(arg);
      if (reg.ok()) on_register_(*reg);
      out = HypercallOutcome::Reply(reg.ok() ? 0 : -EFAULT);
    } else if (nr == HV_CALL_MEM_BACK) {
      auto b = memory_.Read<hv_buffer>(arg);
      int64_t r = -EFAULT;
      if (b.ok() && memory_.Span(b->data, b->len).ok()) {
        r = back_memory_ ? back_memory_(b->data, b->len) : 0;
      }
      out = HypercallOutcome::Reply(r);
    } else {
      out = handler_.Handle(nr, arg);
    }
    if (out.kind == HypercallOutcome::Kind::kSleep) {
      if (!SleepUntil(out, should_stop)) return std::nullopt;
      out = HypercallOutcome::Reply(0);
    }
    if (out.kind != HypercallOutcome::Kind::kReply) return out;
    std::atomic_ref<int64_t>(*reinterpret_cast<int64_t*>(&mailbox_[MB_RESULT])).store(out.result);
    uint32_t expected = MB_STATE_REQUEST;
    if (!state.compare_exchange_strong(expected, MB_STATE_REPLY)) continue;  // dead, or scribbled
    if (Word(MB_GUEST_SLEEPING).load() != 0) {
      if (wake_guest_) {
        wake_guest_();
      } else {
        Futex(state_word_, FUTEX_WAKE, INT32_MAX);
      }
    }
  }
}

}  // namespace hvrun
