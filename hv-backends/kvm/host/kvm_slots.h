// File: kvm_slots.h
//
// KvmSlots gives the VM its memory a GiB at a time, as the guest first uses
// it (HV_CALL_MEM_BACK). The guest's address space is large (128 GiB) and a
// memfd costs only what is touched, but a KVM memory slot is not free where
// KVM shadows the guest's page tables (kvm_pvm and other hosts without TDP):
// there KVM allocates 8 bytes of rmap per 4 KiB of slot when the slot is
// made, 256 MiB for 128 GiB. One slot per GiB in use keeps that in
// proportion to what the guest asked for; a GiB nobody asked for has no
// slot, and a touch there is an MMIO exit that hvrun reports as SIGSEGV.
//
// Example:
//   KvmSlots slots(vm, memory);
//   HV_RETURN_IF_ERROR(slots.Back(0, 1 << 30));      // the first GiB, at start
//   server.SetMemoryBacker([&](uint64_t a, uint64_t n) { return slots.BackForGuest(a, n); });
#ifndef HV_BACKENDS_KVM_HOST_KVM_SLOTS_H_
#define HV_BACKENDS_KVM_HOST_KVM_SLOTS_H_

#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "hv-backends/kvm/host/kvm_vm.h"
#include "vmm/base/guest_memory.h"

namespace hvrun::kvm {

class KvmSlots {
 public:
  static constexpr uint64_t kChunk = 1ull << 30;

  KvmSlots(const KvmVm& vm, const GuestMemory& memory);

  // Makes every GiB that [start, start + len) touches a memory slot (slot
  // number = GiB index), unless it is one already. The range must lie inside
  // guest memory (InvalidArgument otherwise).
  absl::Status Back(uint64_t start, uint64_t len);
  // Back() for the guest's HV_CALL_MEM_BACK: 0 or -ENOMEM.
  int64_t BackForGuest(uint64_t start, uint64_t len);
  // GiBs with a slot.
  uint64_t backed() const;

 private:
  const KvmVm& vm_;
  const GuestMemory& memory_;
  mutable std::mutex mu_;
  std::vector<bool> backed_;  // by GiB
};

}  // namespace hvrun::kvm

#endif  // HV_BACKENDS_KVM_HOST_KVM_SLOTS_H_
