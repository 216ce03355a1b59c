// File: kvm_backend.cc
#include "hv-backends/kvm/host/kvm_backend.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hv-backends/kvm/host/cpu_setup.h"
#include "hv-backends/kvm/host/kvm_guest_blob.h"
#include "hv-backends/kvm/host/kvm_slots.h"
#include "hv-backends/kvm/host/kvm_vm.h"
#include "hv-backends/kvm/host/sysret_probe.h"
#include "hv-backends/kvm/kvm_layout.h"
#include "hv-backends/mailbox/mailbox_abi.h"
#include "hv-backends/mailbox/mailbox_server.h"
#include "vmm/base/crash_report.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"
#include "vmm/base/stop_signals.h"
#include "vmm/base/thread_kick.h"

namespace hvrun {
namespace {

using kvm::GuestBlobAddress;

X86Registers FromKvm(const kvm_regs& g) {
  return {.rax = g.rax,
          .rbx = g.rbx,
          .rcx = g.rcx,
          .rdx = g.rdx,
          .rsi = g.rsi,
          .rdi = g.rdi,
          .rbp = g.rbp,
          .rsp = g.rsp,
          .r8 = g.r8,
          .r9 = g.r9,
          .r10 = g.r10,
          .r11 = g.r11,
          .r12 = g.r12,
          .r13 = g.r13,
          .r14 = g.r14,
          .r15 = g.r15,
          .rip = g.rip,
          .rflags = g.rflags};
}

// An exception stub's report: [vector, error, rip, cs, rflags, rsp, ss] on the CPL0 stack.
struct ExceptionFrame {
  uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

// Whether the vCPU's port write to KVM_PORT_EXCEPTION came from the CPL0
// exception stubs' report (kvm_guest.S) with its frame on a CPL0 stack. The
// TSS I/O bitmap closes the port to CPL3 (IOPL is 0), so the guest cannot
// make it itself; this check is the second wall, against a guest that jumps
// into a stub.
bool FromExceptionStub(const kvm_regs& regs) {
  const uint64_t report = GuestBlobAddress(hv_kvm_exception_report);
  const bool rip_ok = regs.rip >= report && regs.rip <= report + 2;  // at or after the outb
  const bool rsp_ok =
      regs.rsp >= KVM_CPL0_STACKS && regs.rsp <= KVM_RSP0_TOP - sizeof(ExceptionFrame);
  return rip_ok && rsp_ok;
}

absl::StatusOr<CrashReport> ExceptionReport(const GuestMemory& memory, const KvmVcpu& vcpu) {
  kvm_regs regs = vcpu.run()->s.regs.regs;
  using Frame = ExceptionFrame;
  HV_ASSIGN_OR_RETURN(Frame f, memory.Read<Frame>(regs.rsp));
  kvm_sregs sregs{};
  HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_GET_SREGS, &sregs, "KVM_GET_SREGS"));
  X86Registers app = FromKvm(regs);
  app.rip = f.rip;
  app.rsp = f.rsp;
  app.rflags = f.rflags;
  return X86ExceptionReport(
      {.vector = f.vector, .error = f.error, .cr2 = sregs.cr2, .cs = f.cs, .regs = app});
}

// Tells the runtime where kvmclock is and how it relates to the host's
// CLOCK_MONOTONIC (kvmclock counts from about when the VM was created).
absl::Status PublishKvmClock(const KvmVm& vm, const GuestMemory& memory, uint64_t boot_info) {
  timespec t0{}, t1{};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  HV_ASSIGN_OR_RETURN(uint64_t kvmclock, vm.KvmClockNs());
  clock_gettime(CLOCK_MONOTONIC, &t1);
  const int64_t mono = (static_cast<int64_t>(t0.tv_sec) * 1000000000 + t0.tv_nsec +
                        static_cast<int64_t>(t1.tv_sec) * 1000000000 + t1.tv_nsec) /
                       2;
  HV_RETURN_IF_ERROR(
      memory.Write<uint64_t>(boot_info + offsetof(hv_boot_info, pvclock), KVM_DATA_PVCLOCK));
  return memory.Write<int64_t>(boot_info + offsetof(hv_boot_info, pvclock_offset_ns),
                               mono - static_cast<int64_t>(kvmclock));
}

class KvmBackend final : public Backend {
 public:
  explicit KvmBackend(bool sysret) : sysret_(sysret) {}
  std::string_view name() const override { return "kvm"; }
  hv_backend_kind kind() const override { return HV_BACKEND_KVM; }
  std::string Describe() const override {
    return sysret_ ? "kvm: guest at CPL3 in a VM; syscalls via the CPL0 sysretq stub (this host "
                     "runs CPL0 natively; page tables, GDT, TSS, IDT and CPL0 stubs kept out of "
                     "the guest's reach, guest MSRs filtered where KVM can); hypercalls via a "
                     "shared-memory mailbox served by a host thread (port exits only to wake it "
                     "or to wait)"
                   : "kvm: guest at CPL3 in a VM; syscalls via the CPL0 iretq stub (the sysretq "
                     "probe failed: this host emulates CPL0, e.g. kvm_pvm; the CPU tables stay "
                     "guest-writable there); hypercalls via a shared-memory mailbox served by a "
                     "host thread (port exits only to wake it or to wait)";
  }

  // Without 1 GiB pages (kvm_pvm, for one), the page directories above the
  // first GiB's live in the top 2 MiB of guest memory: the low window only
  // has room for 61 GiB, less than a 64 GiB reservation needs.
  uint64_t ReservedTop() const override {
    return kvm::KvmHasGibPages() ? 0 : layout::kTopTablesSize;
  }

  absl::StatusOr<GuestEntries> InstallGuestPages(const GuestMemory& memory) override {
    HV_RETURN_IF_ERROR(kvm::CopyGuestBlob(memory));
    const uint64_t top = ReservedTop();
    HV_RETURN_IF_ERROR(
        kvm::WriteCpuTables(memory, {.protect_system_pages = sysret_,
                                     .gib_pages = top == 0,
                                     .high_directories = top == 0 ? 0 : memory.size() - top}));
    // CR4.FSGSBASE is hvrun's to set in the VM: wr{fs,gs}base always work.
    // Page protection: the runtime edits the page tables where they are
    // CPL3-writable (CPL0 emulated, kvm_pvm); where they are the CPU's alone
    // (hardware VMX/SVM) it would need a CPL0 editor, which is not there
    // yet: mprotect stays bookkeeping on that host.
    return GuestEntries{.hypercall = GuestBlobAddress(hv_kvm_hypercall),
                        .page_table_root = sysret_ ? 0 : layout::kPageTables,
                        .tlb_flush = sysret_ ? 0 : GuestBlobAddress(hv_kvm_tlb_flush)};
  }

  absl::StatusOr<GuestExit> Run(const GuestMemory& memory, const GuestStart& start,
                                HypercallHandler& handler) override;

  // From any thread: out of KVM_RUN (immediate_exit and a kick), and the
  // vCPU loop ends the run as killed.
  void Stop() override {
    std::lock_guard lock(mu_);
    stop_.store(true);
    if (run_ != nullptr) {
      run_->immediate_exit = 1;
      ThreadKick::Kick(vcpu_thread_);
    }
  }
  bool ForkSupported() const override { return true; }

 private:
  // Runs the vCPU until it stops: a fault, a stop signal, or (server_done) the
  // mailbox server ended the guest (its outcome is the server's to report).
  absl::StatusOr<GuestExit> RunVcpu(const GuestMemory& memory, KvmVcpu& vcpu,
                                    const GuestStart& start, MailboxServer& server,
                                    const std::atomic<bool>& server_done);
  bool sysret_;
  // Stop(): the running vCPU's kvm_run and thread, while it runs.
  std::mutex mu_;
  std::atomic<bool> stop_{false};
  kvm_run* run_ = nullptr;
  pthread_t vcpu_thread_{};
};

absl::StatusOr<GuestExit> KvmBackend::Run(const GuestMemory& memory, const GuestStart& start,
                                          HypercallHandler& handler) {
  HV_ASSIGN_OR_RETURN(KvmVm vm, KvmVm::Create());
  // The first GiB (system pages, the images) now; the rest as the runtime
  // hands it out (kvm_slots.h).
  kvm::KvmSlots slots(vm, memory);
  HV_RETURN_IF_ERROR(slots.Back(0, std::min<uint64_t>(memory.size(), kvm::KvmSlots::kChunk)));
  // The CPU walks the top page directories (ReservedTop) from the start.
  if (ReservedTop() != 0)
    HV_RETURN_IF_ERROR(slots.Back(memory.size() - ReservedTop(), ReservedTop()));
  if (sysret_) {
    // Defence in depth where guest CPL0 is real: the guest never needs an
    // MSR (hvrun sets them all from outside), so any rdmsr/wrmsr it could
    // reach #GPs instead of poking KVM's MSR emulation. A KVM without the
    // capability runs without the filter.
    (void)vm.DenyGuestMsrs();
  }
  HV_ASSIGN_OR_RETURN(KvmVcpu vcpu, vm.CreateVcpu(0));
  HV_RETURN_IF_ERROR(PublishKvmClock(vm, memory, start.boot_info));
  const uint64_t stub = GuestBlobAddress(sysret_ ? hv_kvm_syscall_sysret : hv_kvm_syscall_iret);
  HV_RETURN_IF_ERROR(kvm::SetupVcpu(vm, vcpu,
                                    {.rip = start.entry,
                                     .rsp = start.stack_top,
                                     .rdi = start.boot_info,
                                     .syscall_stub = stub,
                                     .pvclock = KVM_DATA_PVCLOCK}));
  HV_ASSIGN_OR_RETURN(std::span<uint8_t> mailbox, memory.Span(KVM_MAILBOX, MB_SIZE));
  MailboxServer server(mailbox, memory, handler, [&](const hv_register& reg) {
    // The syscall trampoline and the exception stubs read these here.
    (void)memory.Write<uint64_t>(KVM_DATA_SYSCALL_ENTRY, reg.syscall_entry);
    (void)memory.Write<uint64_t>(KVM_DATA_FAULT_ENTRY, reg.fault_entry);
    (void)memory.Write<uint64_t>(KVM_DATA_FAULT_STACK, reg.fault_stack & ~uint64_t{15});
    (void)memory.Write<uint32_t>(KVM_DATA_IN_FAULT, 0);
  });
  server.SetMemoryBacker(
      [&](uint64_t start, uint64_t len) { return slots.BackForGuest(start, len); });
  kvm_run* run = vcpu.run();
  run->kvm_valid_regs = KVM_SYNC_X86_REGS;
  // Stop signals and --timeout belong to the first process; another one ends
  // when the process table calls Stop().
  std::optional<StopSignals> stop;
  if (!start.child) stop.emplace(&run->immediate_exit, start.timeout);

  // Hypercalls are served on their own thread, so a guest that makes them
  // back to back never exits; the vCPU runs on this one, where the stop
  // signals land.
  std::atomic<bool> vcpu_done{false}, server_done{false}, serving_ended{false};
  std::optional<HypercallOutcome> end;
  const pthread_t vcpu_thread = pthread_self();
  ThreadKick::Install();
  {
    std::lock_guard lock(mu_);
    run_ = run;
    vcpu_thread_ = vcpu_thread;
    if (stop_.load()) run->immediate_exit = 1;
  }
  absl::Cleanup forget_run = [this] {
    std::lock_guard lock(mu_);
    run_ = nullptr;
  };
  std::thread serving = StopSignals::StartThread([&] {
    end = server.Serve([&] { return vcpu_done.load(); });
    server_done.store(true);
    server.Shutdown();  // DEAD: a vCPU blocked in WAIT wakes up whatever it last saw
    // The run is over, but the vCPU may still be running guest code that
    // never exits (a hostile guest that asks to exit and then spins): force
    // it out of KVM_RUN, as sim kills its child.
    run->immediate_exit = 1;
    if (!vcpu_done.load()) ThreadKick::Kick(vcpu_thread);
    serving_ended.store(true);
  });
  absl::StatusOr<GuestExit> exit = RunVcpu(memory, vcpu, start, server, server_done);
  vcpu_done.store(true);
  StopSignals::MarkEnding();  // a service blocked on console I/O gives up
  server.Shutdown();
  // The server may be blocked in a host call the guest drove (a write to a
  // pipe nobody drains): interrupt it until it has ended.
  ThreadKick::KickUntilDone(serving, serving_ended);
  if (end.has_value() && end->kind == HypercallOutcome::Kind::kExit) {
    return GuestExit::FromGuest(end->exit);
  }
  if (end.has_value()) return end->fatal;
  return exit;
}

absl::StatusOr<GuestExit> KvmBackend::RunVcpu(const GuestMemory& memory, KvmVcpu& vcpu,
                                              const GuestStart& start, MailboxServer& server,
                                              const std::atomic<bool>& server_done) {
  kvm_run* run = vcpu.run();
  // The mailbox server ended while the vCPU ran: Run() reports its outcome
  // (an exit or a fatal error) when it has one; it has none only when the
  // guest forged the mailbox's DEAD state.
  const GuestExit server_ended{.kind = GuestExit::Kind::kKilled,
                               .status = -1,
                               .detail = "the guest broke the hypercall protocol"};
  for (;;) {
    if (server_done.load()) return server_ended;
    absl::Status s = vcpu.Run();
    if (absl::IsCancelled(s)) {
      run->immediate_exit = 0;
      if (server_done.load()) return server_ended;
      if (stop_.load()) {
        return GuestExit{.kind = GuestExit::Kind::kKilled, .status = SIGKILL, .detail = "killed"};
      }
      const int sig = StopSignals::Pending();
      if (sig == 0) continue;
      return GuestExit::FromStopSignal(sig, start.timeout);
    }
    HV_RETURN_IF_ERROR(s);
    switch (run->exit_reason) {
      case KVM_EXIT_IO: {
        if (run->io.port == KVM_PORT_KICK) {
          server.Kick();
          continue;
        }
        if (run->io.port == KVM_PORT_WAIT) {
          server.WaitForReply(
              [&] { return server_done.load() || stop_.load() || StopSignals::Pending() != 0; });
          if (server_done.load()) return server_ended;
          continue;  // a stop signal also set immediate_exit: the next KVM_RUN returns
        }
        if (run->io.port == KVM_PORT_EXCEPTION && FromExceptionStub(run->s.regs.regs)) {
          HV_ASSIGN_OR_RETURN(CrashReport r, ExceptionReport(memory, vcpu));
          GuestExit e;
          e.kind = GuestExit::Kind::kCrashed;
          e.status = r.signo;
          e.crash = std::move(r);
          return e;
        }
        GuestExit e;
        e.kind = GuestExit::Kind::kKilled;
        e.status = -1;
        e.detail =
            absl::StrFormat("guest used I/O port 0x%x, where hvrun has no device", run->io.port);
        return e;
      }
      case KVM_EXIT_SHUTDOWN: {
        // A triple fault: the CPU could not even deliver an exception.
        kvm_regs regs{};
        HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_GET_REGS, &regs, "KVM_GET_REGS"));
        CrashReport r;
        r.signo = SIGSEGV;
        r.what = "triple fault (the VM shut down) -> SIGSEGV";
        r.rip = regs.rip;
        SetRegisters(r, FromKvm(regs));
        GuestExit e;
        e.kind = GuestExit::Kind::kCrashed;
        e.status = SIGSEGV;
        e.crash = std::move(r);
        return e;
      }
      case KVM_EXIT_INTR:
        continue;
      case KVM_EXIT_HLT:
        return GuestExit{
            .kind = GuestExit::Kind::kKilled, .status = -1, .detail = "guest halted the CPU"};
      case KVM_EXIT_MMIO: {
        // No slot there: a GiB the runtime never asked for (kvm_slots.h), or
        // outside guest memory. Natively such an access is a SIGSEGV.
        X86Registers regs = FromKvm(run->s.regs.regs);
        CrashReport r = X86ExceptionReport({.vector = 14,
                                            .error = run->mmio.is_write ? 6u : 4u,
                                            .cr2 = run->mmio.phys_addr,
                                            .cs = 0x2b,
                                            .regs = regs});
        GuestExit e;
        e.kind = GuestExit::Kind::kCrashed;
        e.status = r.signo;
        e.crash = std::move(r);
        return e;
      }
      case KVM_EXIT_FAIL_ENTRY:
        return absl::InternalError(absl::StrFormat("kvm: VM entry failed (hardware reason 0x%x)",
                                                   run->fail_entry.hardware_entry_failure_reason));
      case KVM_EXIT_INTERNAL_ERROR:
        return absl::InternalError(
            absl::StrFormat("kvm: internal error (suberror %d)", run->internal.suberror));
      default:
        return absl::InternalError(
            absl::StrFormat("kvm: unexpected exit reason %d", run->exit_reason));
    }
  }
}

}  // namespace

absl::Status KvmUsable() { return KvmVm::Create().status(); }

absl::StatusOr<std::unique_ptr<Backend>> CreateKvmBackend() {
  HV_RETURN_IF_ERROR(KvmUsable());
  return std::unique_ptr<Backend>(std::make_unique<KvmBackend>(kvm::CachedSysretWorks()));
}

}  // namespace hvrun
