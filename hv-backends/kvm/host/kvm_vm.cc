// File: kvm_vm.cc
#include "hv-backends/kvm/host/kvm_vm.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <iterator>
#include <memory>

#include "absl/strings/str_cat.h"

namespace hvrun {

absl::Status KvmVcpu::Run() {
  if (ioctl(fd_.get(), KVM_RUN, 0) == 0) return absl::OkStatus();
  if (errno == EINTR || errno == EAGAIN) return absl::CancelledError("KVM_RUN interrupted");
  return absl::ErrnoToStatus(errno, "KVM_RUN");
}

absl::Status KvmVcpu::Ioctl(unsigned long request, void* arg, const char* what) const {
  if (ioctl(fd_.get(), request, arg) < 0) return absl::ErrnoToStatus(errno, what);
  return absl::OkStatus();
}

absl::Status KvmVm::DenyGuestMsrs() const {
  if (ioctl(kvm_.get(), KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER) <= 0) {
    return absl::UnimplementedError("kvm: no KVM_CAP_X86_MSR_FILTER");
  }
  kvm_msr_filter filter{};
  filter.flags = KVM_MSR_FILTER_DEFAULT_DENY;  // and no ranges: nothing is allowed
  if (ioctl(vm_.get(), KVM_X86_SET_MSR_FILTER, &filter) < 0) {
    return absl::ErrnoToStatus(errno, "KVM_X86_SET_MSR_FILTER");
  }
  return absl::OkStatus();
}

absl::StatusOr<KvmVm> KvmVm::Create() {
  UniqueFd kvm(open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (!kvm.valid()) {
    return absl::FailedPreconditionError(absl::StrCat("/dev/kvm is not usable: ", strerror(errno)));
  }
  if (ioctl(kvm.get(), KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
    return absl::FailedPreconditionError("/dev/kvm speaks an unexpected KVM API version");
  }
  const int sync = ioctl(kvm.get(), KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
  if (sync < 0 || (sync & KVM_SYNC_X86_REGS) == 0) {
    return absl::FailedPreconditionError("KVM lacks KVM_CAP_SYNC_REGS");
  }
  if (ioctl(kvm.get(), KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
    return absl::FailedPreconditionError("KVM lacks KVM_CAP_IMMEDIATE_EXIT");
  }
  const int run_size = ioctl(kvm.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size <= 0) return absl::ErrnoToStatus(errno, "KVM_GET_VCPU_MMAP_SIZE");
  UniqueFd vm(ioctl(kvm.get(), KVM_CREATE_VM, 0));
  if (!vm.valid()) return absl::ErrnoToStatus(errno, "KVM_CREATE_VM");
  return KvmVm(std::move(kvm), std::move(vm), run_size);
}

absl::Status KvmVm::MapMemory(void* host, uint64_t size) const { return MapSlot(0, 0, host, size); }

absl::Status KvmVm::MapSlot(uint32_t slot, uint64_t gpa, void* host, uint64_t size) const {
  kvm_userspace_memory_region region{};
  region.slot = slot;
  region.guest_phys_addr = gpa;
  region.memory_size = size;
  region.userspace_addr = reinterpret_cast<uint64_t>(host);
  if (ioctl(vm_.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0) {
    return absl::ErrnoToStatus(errno, "KVM_SET_USER_MEMORY_REGION");
  }
  return absl::OkStatus();
}

absl::StatusOr<KvmVcpu> KvmVm::CreateVcpu(int id) {
  UniqueFd fd(ioctl(vm_.get(), KVM_CREATE_VCPU, id));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "KVM_CREATE_VCPU");
  void* run = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (run == MAP_FAILED) return absl::ErrnoToStatus(errno, "mmap of kvm_run");
  return KvmVcpu(std::move(fd), HostMapping(run, run_size_));
}

absl::StatusOr<std::vector<kvm_cpuid_entry2>> KvmVm::SupportedCpuid() const {
  auto list = std::make_unique<KvmCpuidList>();
  list->nent = std::size(list->entries);
  if (ioctl(kvm_.get(), kKvmGetSupportedCpuid, list.get()) < 0) {
    return absl::ErrnoToStatus(errno, "KVM_GET_SUPPORTED_CPUID");
  }
  return std::vector<kvm_cpuid_entry2>(list->entries, list->entries + list->nent);
}

absl::StatusOr<uint64_t> KvmVm::KvmClockNs() const {
  kvm_clock_data data{};
  if (ioctl(vm_.get(), KVM_GET_CLOCK, &data) < 0)
    return absl::ErrnoToStatus(errno, "KVM_GET_CLOCK");
  return data.clock;
}

}  // namespace hvrun
