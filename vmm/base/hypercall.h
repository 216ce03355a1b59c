// File: vmm/base/hypercall.h
//
// The interface between a backend's transport (the mailbox, kvm's exits,
// xen's event channel) and the service engine that answers hypercalls
// (vmm/engine/service_engine.h): a backend hands each call to a
// HypercallHandler and acts on the HypercallOutcome. Here, below both, so
// that neither folder includes the other.
#ifndef VMM_BASE_HYPERCALL_H_
#define VMM_BASE_HYPERCALL_H_

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "hv/abi.h"

namespace hvrun {

// What the service engine decided about one hypercall.
struct HypercallOutcome {
  // kSleep: reply 0 once CLOCK_MONOTONIC reaches (sleep_until_ns), or once
  // the guest word at (wake_word) (hvrun's view of it; may be null) no
  // longer holds (wake_seen), sleeping in a way the backend's delivery can
  // interrupt (HV_CALL_WAIT).
  enum class Kind { kReply, kExit, kFatal, kSleep };
  Kind kind = Kind::kReply;
  int64_t result = 0;          // kReply: the guest's return value (or -errno)
  hv_exit exit{};              // kExit: what the guest reported
  absl::Status fatal;          // kFatal: why the guest must stop (runtime panic, ...)
  int64_t sleep_until_ns = 0;  // kSleep
  uint32_t* wake_word = nullptr;
  uint32_t wake_seen = 0;

  static HypercallOutcome Reply(int64_t r) { return {Kind::kReply, r, {}, {}}; }
  static HypercallOutcome Exit(const hv_exit& e) { return {Kind::kExit, 0, e, {}}; }
  static HypercallOutcome Fatal(absl::Status s) { return {Kind::kFatal, 0, {}, std::move(s)}; }
  static HypercallOutcome SleepUntil(int64_t ns, uint32_t* word = nullptr, uint32_t seen = 0) {
    return {Kind::kSleep, 0, {}, {}, ns, word, seen};
  }
};

// Serves hypercalls. Implemented once (vmm/engine/service_engine.h).
class HypercallHandler {
 public:
  virtual ~HypercallHandler() = default;
  // Handles hypercall (nr) with argument guest address (arg).
  virtual HypercallOutcome Handle(uint64_t nr, uint64_t arg) = 0;
};

}  // namespace hvrun

#endif  // VMM_BASE_HYPERCALL_H_
