// File: cpu_setup.h
//
// Everything the guest CPU needs, set from outside the guest: page tables,
// GDT, TSS and IDT written into guest memory (WriteCpuTables), and the vCPU's
// registers, control registers, MSRs, CPUID, XCR0 and FPU state (SetupVcpu).
// The guest starts directly at CPL3 in 64-bit mode; CPL0 code exists only
// for the syscall and exception stubs in kvm_guest.S.
#ifndef HV_BACKENDS_KVM_HOST_CPU_SETUP_H_
#define HV_BACKENDS_KVM_HOST_CPU_SETUP_H_

#include <cstdint>

#include "absl/status/status.h"
#include "hv-backends/kvm/host/kvm_vm.h"
#include "hvrun/engine/guest_memory.h"

namespace hvrun::kvm {

// Identity-maps [4 KiB, memory.size()) with user-accessible, writable,
// executable pages (4 KiB pages for the first 2 MiB so the null page stays
// unmapped, 2 MiB pages above), and writes the GDT, TSS and IDT.
absl::Status WriteCpuTables(const GuestMemory& memory);

struct VcpuStart {
  uint64_t rip = 0;
  uint64_t rsp = 0;
  uint64_t rdi = 0;
  uint64_t syscall_stub = 0;  // MSR_LSTAR: the iretq or sysretq stub
  uint64_t pvclock = 0;       // guest address for kvmclock, or 0
};

// Sets the vCPU up to start at (start.rip) at CPL3 with IOPL=3.
absl::Status SetupVcpu(const KvmVm& vm, const KvmVcpu& vcpu, const VcpuStart& start);

}  // namespace hvrun::kvm

#endif  // HV_BACKENDS_KVM_HOST_CPU_SETUP_H_
