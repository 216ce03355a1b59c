// File: kvm_slots.cc
#include "hv-backends/kvm/host/kvm_slots.h"

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_format.h"

namespace hvrun::kvm {

KvmSlots::KvmSlots(const KvmVm& vm, const GuestMemory& memory)
    : vm_(vm), memory_(memory), backed_((memory.size() + kChunk - 1) / kChunk, false) {}

absl::Status KvmSlots::Back(uint64_t start, uint64_t len) {
  if (len == 0) return absl::OkStatus();
  if (start > memory_.size() || len > memory_.size() - start) {
    return absl::InvalidArgumentError(
        absl::StrFormat("kvm: [0x%x, +0x%x) is outside guest memory", start, len));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (uint64_t gib = start / kChunk; gib <= (start + len - 1) / kChunk; ++gib) {
    if (backed_[gib]) continue;
    const uint64_t gpa = gib * kChunk;
    const uint64_t size = std::min(kChunk, memory_.size() - gpa);
    absl::Status s = vm_.MapSlot(static_cast<uint32_t>(gib), gpa, memory_.host_base() + gpa, size);
    if (!s.ok()) return s;
    backed_[gib] = true;
  }
  return absl::OkStatus();
}

int64_t KvmSlots::BackForGuest(uint64_t start, uint64_t len) {
  absl::Status s = Back(start, len);
  if (s.ok()) return 0;
  return absl::IsInvalidArgument(s) ? -EFAULT : -ENOMEM;
}

uint64_t KvmSlots::backed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<uint64_t>(std::count(backed_.begin(), backed_.end(), true));
}

}  // namespace hvrun::kvm
