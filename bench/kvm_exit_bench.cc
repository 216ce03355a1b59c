// BM_KvmRawExit: the floor under every KVM hypercall. A minimal VM (real
// mode, no page tables, no runtime) runs `1: out %al, $0xE0; jmp 1b`, and
// each iteration is one KVM_RUN that comes back with that port exit. Compare
// with BM_Hypercall_Kvm (a full hvrun hypercall: runtime stub, exit, service,
// return) in the same run.
#include <benchmark/benchmark.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstring>

#include "hv-backends/kvm/host/kvm_vm.h"
#include "vmm/base/guest_memory.h"

namespace {

void BM_KvmRawExit(benchmark::State& state) {
  auto memory = hvrun::GuestMemory::Create(2 << 20);
  auto vm = hvrun::KvmVm::Create();
  if (!memory.ok() || !vm.ok()) {
    state.SkipWithError(vm.ok() ? "no guest memory" : std::string(vm.status().message()).c_str());
    return;
  }
  // out %al, $0xE0 ; jmp back to the out
  const uint8_t code[] = {0xe6, 0xe0, 0xeb, 0xfc};
  std::memcpy(memory->host_base() + 0x1000, code, sizeof(code));
  auto vcpu = vm->MapMemory(memory->host_base(), memory->size()).ok()
                  ? vm->CreateVcpu(0)
                  : absl::StatusOr<hvrun::KvmVcpu>(absl::InternalError("map"));
  if (!vcpu.ok()) {
    state.SkipWithError(std::string(vcpu.status().message()).c_str());
    return;
  }
  kvm_sregs sregs{};
  kvm_regs regs{};
  if (!vcpu->Ioctl(KVM_GET_SREGS, &sregs, "KVM_GET_SREGS").ok()) {
    state.SkipWithError("KVM_GET_SREGS");
    return;
  }
  sregs.cs.base = 0;
  sregs.cs.selector = 0;
  regs.rip = 0x1000;
  regs.rflags = 2;
  if (!vcpu->Ioctl(KVM_SET_SREGS, &sregs, "KVM_SET_SREGS").ok() ||
      !vcpu->Ioctl(KVM_SET_REGS, &regs, "KVM_SET_REGS").ok()) {
    state.SkipWithError("setting up the vCPU failed");
    return;
  }
  for (auto _ : state) {
    if (!vcpu->Run().ok() || vcpu->run()->exit_reason != KVM_EXIT_IO) {
      state.SkipWithError("the minimal VM did not exit with port I/O");
      return;
    }
  }
  state.SetLabel("KVM_RUN round trip, real-mode guest, port exit");
}
BENCHMARK(BM_KvmRawExit)->UseRealTime();

}  // namespace
