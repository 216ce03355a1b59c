// File: kvm_vm.h
//
// Thin RAII wrappers over /dev/kvm: KvmVm owns the VM fd, KvmVcpu the vCPU fd
// and its kvm_run mapping. Each ioctl returns a Status naming the ioctl.
//
// Example:
//   HV_ASSIGN_OR_RETURN(KvmVm vm, KvmVm::Create());
//   HV_RETURN_IF_ERROR(vm.MapMemory(0, memory.host_base(), memory.size()));
//   HV_ASSIGN_OR_RETURN(KvmVcpu cpu, vm.CreateVcpu(0));
#ifndef HV_BACKENDS_KVM_HOST_KVM_VM_H_
#define HV_BACKENDS_KVM_HOST_KVM_VM_H_

#include <linux/kvm.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {

// <linux/kvm.h> declares kvm_cpuid2's and kvm_msrs's trailing arrays with
// __DECLARE_FLEX_ARRAY, which in C++ moves the array (entries at offset 12 in
// kvm_cpuid2 and 16 in kvm_msrs, against 8 in C) and changes the sizes the
// ioctl numbers encode. So C++ cannot use those structs: these are the C
// layouts with fixed capacity, and the ioctl numbers with the C sizes.
inline constexpr unsigned long kKvmGetSupportedCpuid = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, 8);
inline constexpr unsigned long kKvmSetCpuid2 = _IOC(_IOC_WRITE, KVMIO, 0x90, 8);
inline constexpr unsigned long kKvmSetMsrs = _IOC(_IOC_WRITE, KVMIO, 0x89, 8);

struct KvmCpuidList {  // struct kvm_cpuid2
  uint32_t nent;
  uint32_t padding;
  kvm_cpuid_entry2 entries[256];
};
static_assert(offsetof(KvmCpuidList, entries) == 8);

struct KvmMsrList {  // struct kvm_msrs
  uint32_t nmsrs;
  uint32_t pad;
  kvm_msr_entry entries[8];
};
static_assert(offsetof(KvmMsrList, entries) == 8);

class KvmVcpu {
 public:
  KvmVcpu(KvmVcpu&&) = default;
  KvmVcpu& operator=(KvmVcpu&&) = default;

  int fd() const { return fd_.get(); }
  kvm_run* run() const { return static_cast<kvm_run*>(run_.addr()); }

  // One KVM_RUN. Returns OK when the vCPU exited (see run()->exit_reason),
  // Cancelled when a signal interrupted it (EINTR), else the error.
  absl::Status Run();

  // ioctl (request) with (arg); the Status names (what) on failure.
  absl::Status Ioctl(unsigned long request, void* arg, const char* what) const;

 private:
  friend class KvmVm;
  KvmVcpu(UniqueFd fd, HostMapping run) : fd_(std::move(fd)), run_(std::move(run)) {}
  UniqueFd fd_;
  HostMapping run_;
};

class KvmVm {
 public:
  // Opens /dev/kvm and creates a VM. FailedPrecondition when KVM is absent,
  // not accessible, or lacks what hvrun needs (sync regs, immediate exit).
  static absl::StatusOr<KvmVm> Create();

  KvmVm(KvmVm&&) = default;
  KvmVm& operator=(KvmVm&&) = default;

  // Makes guest physical [0, size) the host memory at (host).
  absl::Status MapMemory(void* host, uint64_t size) const;
  // Memory slot (slot): guest-physical [gpa, gpa + size) is hvrun's (host).
  absl::Status MapSlot(uint32_t slot, uint64_t gpa, void* host, uint64_t size) const;
  absl::StatusOr<KvmVcpu> CreateVcpu(int id);
  // KVM_GET_SUPPORTED_CPUID, for the vCPU to present.
  absl::StatusOr<std::vector<kvm_cpuid_entry2>> SupportedCpuid() const;
  // KVM_GET_CLOCK: the VM's kvmclock now, in ns.
  absl::StatusOr<uint64_t> KvmClockNs() const;
  // KVM_X86_SET_MSR_FILTER denying every guest rdmsr/wrmsr (they #GP); the
  // MSRs hvrun sets with KVM_SET_MSRS are host accesses and not filtered.
  // Unimplemented where KVM lacks KVM_CAP_X86_MSR_FILTER.
  absl::Status DenyGuestMsrs() const;

 private:
  KvmVm(UniqueFd kvm, UniqueFd vm, int run_size)
      : kvm_(std::move(kvm)), vm_(std::move(vm)), run_size_(run_size) {}
  UniqueFd kvm_;
  UniqueFd vm_;
  int run_size_ = 0;
};

}  // namespace hvrun

#endif  // HV_BACKENDS_KVM_HOST_KVM_VM_H_
