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
#include <vector>

#include "absl/status/status.h"
#include "hv-backends/kvm/host/kvm_vm.h"
#include "vmm/base/guest_memory.h"

namespace hvrun::kvm {

struct CpuTablesOptions {
  // Keep what only the CPU and the CPL0 stubs use out of the guest's reach:
  // page tables, GDT, TSS, IDT and the CPL0 stacks supervisor-only, the code
  // page read-only. Only where CPL0 runs natively (hardware VMX/SVM: the
  // sysretq probe passed); kvm_pvm, which emulates guest CPL0, was never
  // shown to deliver exceptions through supervisor-only pages.
  bool protect_system_pages = false;
  // Open KVM_PORT_PROBE to CPL3 too (the start-up probe's VM only).
  bool probe_port = false;
  // Map everything above the first GiB with 1 GiB pages (the vCPU's CPUID
  // has PDPE1GB), so up to layout::kMaxAddressSpace needs no page
  // directories; else 2 MiB pages through one page directory per GiB.
  bool gib_pages = false;
  // Without gib_pages: where the page directories of GiB 1 and up live. 0:
  // after the first one in the window at layout::kPageTables, which has
  // room up to layout::kMaxAddressSpace2M; else a guest address with room for
  // one 4 KiB directory per GiB (layout::kTopTablesSize at the top of guest
  // memory holds them for up to layout::kMaxAddressSpace).
  uint64_t high_directories = 0;
  // For the xen backend, which shares this memory picture: IDT vectors
  // 0..31 go to 16-byte stubs from here (0: kvm_guest.S's).
  uint64_t exception_stubs = 0;
  // A DPL3 interrupt gate (vector, CPL0 target), so CPL3 may `int` into it
  // (xen: the wake-up); vector 0: none.
  uint8_t user_gate_vector = 0;
  uint64_t user_gate_target = 0;
  // Pages in the first 2 MiB whose access differs from the rule above,
  // applied last: (user) reachable at CPL3, (writable) at all.
  struct PageAccess {
    uint64_t addr;
    bool user;
    bool writable;
  };
  std::vector<PageAccess> page_access;
};

// Identity-maps [4 KiB, memory.size()) with user-accessible, writable,
// executable pages (4 KiB pages for the first 2 MiB so the null page stays
// unmapped, 2 MiB pages for the rest of the first GiB, 2 MiB or 1 GiB pages
// above (gib_pages); see CpuTablesOptions for the exceptions), and
// writes the GDT, TSS (with an I/O bitmap that opens only the hypercall
// ports to CPL3) and IDT.
absl::Status WriteCpuTables(const GuestMemory& memory, const CpuTablesOptions& options = {});

// Whether this host's KVM offers its guests 1 GiB pages (CPUID PDPE1GB).
bool KvmHasGibPages();

struct VcpuStart {
  uint64_t rip = 0;
  uint64_t rsp = 0;
  uint64_t rdi = 0;
  uint64_t syscall_stub = 0;  // MSR_LSTAR: the iretq or sysretq stub
  uint64_t pvclock = 0;       // guest address for kvmclock, or 0
};

// Sets the vCPU up to start at (start.rip) at CPL3 with IOPL=0: CPL3 port
// I/O is gated by the TSS I/O bitmap alone, and cli/sti fault.
absl::Status SetupVcpu(const KvmVm& vm, const KvmVcpu& vcpu, const VcpuStart& start);

}  // namespace hvrun::kvm

#endif  // HV_BACKENDS_KVM_HOST_CPU_SETUP_H_
