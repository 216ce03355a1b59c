// File: xen_backend.cc
#include "hv-backends/xen/host/xen_backend.h"

#include <atomic>
#include <csignal>
#include <cstddef>
#include <optional>
#include <span>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hv-backends/kvm/host/cpu_setup.h"
#include "hv-backends/kvm/host/kvm_guest_blob.h"
#include "hv-backends/mailbox/mailbox_abi.h"
#include "hv-backends/mailbox/mailbox_server.h"
#include "hv-backends/xen/host/xen_domain.h"
#include "hv-backends/xen/host/xen_guest_blob.h"
#include "hv-backends/xen/host/xen_headers.h"
#include "hv-backends/xen/xen_layout.h"
#include "vmm/base/crash_report.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"
#include "vmm/base/stop_signals.h"
#include "vmm/base/thread_kick.h"

namespace hvrun {
namespace {

// xen_layout.h's copies of Xen's ABI, for the assembler, against the real thing.
static_assert(XEN_HC_MEMORY_OP == __HYPERVISOR_memory_op);
static_assert(XEN_HC_SCHED_OP == __HYPERVISOR_sched_op);
static_assert(XEN_HC_EVENT_CHANNEL_OP == __HYPERVISOR_event_channel_op);
static_assert(XEN_EVTCHNOP_SEND == EVTCHNOP_send);
static_assert(XEN_SCHEDOP_SHUTDOWN == SCHEDOP_shutdown);
static_assert(XEN_SCHEDOP_POLL == SCHEDOP_poll);
static_assert(XEN_SHUTDOWN_CRASH == SHUTDOWN_crash);
static_assert(XEN_XENMEM_ADD_TO_PHYSMAP == XENMEM_add_to_physmap);
static_assert(XEN_SI_UPCALL_MASK == offsetof(shared_info, vcpu_info[0].evtchn_upcall_mask));
static_assert(XEN_SI_TIME == offsetof(shared_info, vcpu_info[0].time));
static_assert(XEN_SI_EVTCHN_PENDING == offsetof(shared_info, evtchn_pending));
static_assert(sizeof(vcpu_time_info) == sizeof(hv_pvclock), "Xen's clock is a pvclock");
static_assert(offsetof(vcpu_time_info, tsc_timestamp) == offsetof(hv_pvclock, tsc_timestamp));
static_assert(offsetof(vcpu_time_info, system_time) == offsetof(hv_pvclock, system_time));
static_assert(offsetof(vcpu_time_info, tsc_to_system_mul) ==
              offsetof(hv_pvclock, tsc_to_system_mul));
static_assert(offsetof(vcpu_time_info, tsc_shift) == offsetof(hv_pvclock, tsc_shift));
static_assert(offsetof(sched_poll, nr_ports) == 8 && offsetof(sched_poll, timeout) == 16);
static_assert(sizeof(hvm_start_info) <= XEN_MODLIST - XEN_START_INFO);
static_assert(XEN_CODE == KVM_CODE + 0x1000, "the xen page follows the one-page kvm blob");

// How often the event loop looks at the domain when no event comes: a
// crash (SCHEDOP_shutdown) sends none.
constexpr int kStatePollMs = 50;

const char* ShutdownReason(unsigned reason) {
  switch (reason) {
    case SHUTDOWN_poweroff:
      return "power-off";
    case SHUTDOWN_reboot:
      return "reboot";
    case SHUTDOWN_suspend:
      return "suspend";
    case SHUTDOWN_crash:
      return "crash";
    case SHUTDOWN_watchdog:
      return "watchdog";
    default:
      return "unknown reason";
  }
}

const char* StartStatus(uint32_t status) {
  switch (status) {
    case 0:
      return "the runtime's PVH entry never reached long mode (bad start info or boot info?)";
    case XEN_STATUS_LONG_MODE:
      return "the start stub stopped before the runtime ran";
    case XEN_STATUS_NO_XEN:
      return "the start stub found no Xen CPUID leaves";
    case XEN_STATUS_NO_SHARED_INFO:
      return "XENMEM_add_to_physmap(shared_info) failed";
    default:
      return "";
  }
}

// An exception stub's frame (xen_layout.h), lowest address first.
struct CrashFrame {
  uint64_t cr2, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(CrashFrame) == XEN_CRASH_FRAME_WORDS * 8);

// What a domain that shut down without HV_CALL_EXIT tells us. The frame
// address comes from guest-writable memory: it is used only if it lies
// where the CPL0 stubs' stack is.
absl::StatusOr<GuestExit> ReportShutdown(const GuestMemory& memory, const xen::XenDomain& domain,
                                         const xen::DomainState& state) {
  HV_ASSIGN_OR_RETURN(uint32_t status, memory.Read<uint32_t>(XEN_DATA_STATUS));
  HV_ASSIGN_OR_RETURN(uint64_t at, memory.Read<uint64_t>(XEN_DATA_CRASH_FRAME));
  GuestExit e;
  e.kind = GuestExit::Kind::kCrashed;
  if (state.reason == SHUTDOWN_crash && status == XEN_STATUS_RUNNING && at >= KVM_CPL0_STACKS &&
      at <= KVM_RSP0_TOP - sizeof(CrashFrame)) {
    HV_ASSIGN_OR_RETURN(CrashFrame f, memory.Read<CrashFrame>(at));
    CrashReport r = X86ExceptionReport({.vector = f.vector,
                                        .error = f.error,
                                        .cr2 = f.cr2,
                                        .cs = f.cs,
                                        .regs = {.rax = f.rax,
                                                 .rbx = f.rbx,
                                                 .rcx = f.rcx,
                                                 .rdx = f.rdx,
                                                 .rsi = f.rsi,
                                                 .rdi = f.rdi,
                                                 .rbp = f.rbp,
                                                 .rsp = f.rsp,
                                                 .r8 = f.r8,
                                                 .r9 = f.r9,
                                                 .r10 = f.r10,
                                                 .r11 = f.r11,
                                                 .r12 = f.r12,
                                                 .r13 = f.r13,
                                                 .r14 = f.r14,
                                                 .r15 = f.r15,
                                                 .rip = f.rip,
                                                 .rflags = f.rflags}});
    e.status = r.signo;
    e.crash = std::move(r);
    return e;
  }
  // Xen stopped it (a triple fault, a halt with interrupts off) or the
  // start stub gave up: say so, with the vCPU's last registers.
  CrashReport r;
  r.signo = SIGSEGV;
  HV_ASSIGN_OR_RETURN(xen::VcpuRegisters regs, domain.Registers());
  r.what = absl::StrFormat("Xen shut the domain down (%s)%s%s -> SIGSEGV",
                           ShutdownReason(state.reason), status == XEN_STATUS_RUNNING ? "" : ": ",
                           status == XEN_STATUS_RUNNING ? "" : StartStatus(status));
  if (status == XEN_STATUS_NO_SHARED_INFO) {
    HV_ASSIGN_OR_RETURN(int64_t err, memory.Read<int64_t>(XEN_DATA_ERROR));
    r.what += absl::StrCat(" (error ", err, ")");
  }
  r.rip = regs.regs.rip;
  SetRegisters(r, regs.regs);
  r.registers.emplace_back("cr2", regs.cr2);
  e.status = SIGSEGV;
  e.crash = std::move(r);
  return e;
}

class XenBackend final : public Backend {
 public:
  std::string_view name() const override { return "xen"; }
  hv_backend_kind kind() const override { return HV_BACKEND_XEN; }
  std::string Describe() const override {
    return "xen: guest as a PVH domain built from dom0 (libxenctrl), started at the runtime's "
           "PVH entry; guest at CPL3, syscalls via the CPL0 sysretq stub; hypercalls via a "
           "shared-memory mailbox served by a host thread, wake-ups over an event channel "
           "(EVTCHNOP_send and SCHEDOP_poll from a CPL0 stub: Xen takes hypercalls only from "
           "CPL0)";
  }

  // Xen populates the domain's RAM up front: --memory is its size.
  bool ElasticMemory() const override { return false; }
  uint64_t MaxAddressSpace() const override { return layout::kMaxAddressSpace2M; }

  absl::StatusOr<GuestMemory> CreateMemory(uint64_t size) override {
    // From here on a domain exists in Xen, outside this process: a stop
    // signal must not kill hvrun before the domain is destroyed. It is
    // recorded from now, and Run ends the run before the domain starts.
    stop_.emplace(nullptr, absl::InfiniteDuration());
    HV_ASSIGN_OR_RETURN(domain_, xen::XenDomain::Create(size));
    HV_ASSIGN_OR_RETURN(HostMapping ram, domain_->MapMemory());
    return GuestMemory::Adopt(std::move(ram), size);
  }

  absl::StatusOr<GuestEntries> InstallGuestPages(const GuestMemory& memory) override {
    HV_RETURN_IF_ERROR(kvm::CopyGuestBlob(memory));
    const size_t blob = static_cast<size_t>(hv_xen_blob_end - hv_xen_blob_start);
    if (blob > XEN_CODE_SIZE) {
      return absl::InternalError(absl::StrCat("xen guest blob is ", blob, " bytes"));
    }
    HV_RETURN_IF_ERROR(
        memory.WriteBytes(XEN_CODE, {reinterpret_cast<const uint8_t*>(hv_xen_blob_start), blob}));
    // Guest CPL0 is real on Xen, so the CPU tables are kept from CPL3.
    HV_RETURN_IF_ERROR(kvm::WriteCpuTables(
        memory,
        {.protect_system_pages = true,
         .exception_stubs = xen::GuestBlobAddress(hv_xen_exceptions),
         .user_gate_vector = XEN_VECTOR_WAKE,
         .user_gate_target = xen::GuestBlobAddress(hv_xen_wake),
         .page_access = {{XEN_HYPERCALL_PAGE, false, false}, {XEN_SHARED_INFO, true, true}}}));
    return GuestEntries{.hypercall = xen::GuestBlobAddress(hv_xen_hypercall)};
  }

  absl::StatusOr<GuestExit> Run(const GuestMemory& memory, const GuestStart& start,
                                HypercallHandler& handler) override;

 private:
  // Writes what the runtime's PVH entry and the start stub read.
  absl::Status WriteStartState(const GuestMemory& memory, const GuestStart& start, uint32_t port);
  // Declared before domain_, so destroyed after it: a signal during the
  // domain's teardown is still only recorded.
  std::optional<StopSignals> stop_;
  std::unique_ptr<xen::XenDomain> domain_;
};

absl::Status XenBackend::WriteStartState(const GuestMemory& memory, const GuestStart& start,
                                         uint32_t port) {
  HV_RETURN_IF_ERROR(memory.Write<uint32_t>(XEN_DATA_PORT, port));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_ENTRY, start.entry));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_STACK, start.stack_top));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_BOOT_INFO, start.boot_info));
  HV_RETURN_IF_ERROR(
      memory.Write<uint64_t>(XEN_DATA_LSTAR, kvm::GuestBlobAddress(hv_kvm_syscall_sysret)));
  HV_RETURN_IF_ERROR(memory.Write<uint16_t>(XEN_DATA_IDTR, XEN_IDT_LIMIT));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_IDTR + 2, KVM_IDT));
  xen_add_to_physmap xatp{};
  xatp.domid = DOMID_SELF;
  xatp.space = XENMAPSPACE_shared_info;
  xatp.idx = 0;
  xatp.gpfn = XEN_SHARED_INFO >> 12;
  HV_RETURN_IF_ERROR(memory.Write(XEN_DATA_XATP, xatp));
  // struct sched_poll, written field by field: the tools' view of its
  // guest handle is not the guest's pointer.
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_POLL, XEN_DATA_PORT));  // ports
  HV_RETURN_IF_ERROR(memory.Write<uint32_t>(XEN_DATA_POLL + 8, 1));          // nr_ports
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(XEN_DATA_POLL + 16, 0));         // timeout: the stub's
  HV_RETURN_IF_ERROR(memory.Write(XEN_DATA_SHUTDOWN, sched_shutdown{SHUTDOWN_crash}));

  // The PVH start info, with the boot info as its one module.
  hvm_modlist_entry mod{};
  mod.paddr = start.boot_info;
  mod.size = sizeof(hv_boot_info);
  HV_RETURN_IF_ERROR(memory.Write(XEN_MODLIST, mod));
  hvm_start_info info{};
  info.magic = XEN_HVM_START_MAGIC_VALUE;
  info.version = 1;
  info.nr_modules = 1;
  info.modlist_paddr = XEN_MODLIST;
  HV_RETURN_IF_ERROR(memory.Write(XEN_START_INFO, info));

  // The boot info's Xen parts: the way to long mode, and the clock.
  const hv_pvh_cpu pvh{.cr3 = static_cast<uint32_t>(layout::kPageTables),
                       .gdt_limit = KVM_SEL_TSS + 16 - 1,
                       .gdt_base = KVM_GDT,
                       .entry64 = static_cast<uint32_t>(xen::GuestBlobAddress(hv_xen_start)),
                       .code64 = KVM_SEL_KCODE};
  HV_RETURN_IF_ERROR(memory.Write(start.boot_info + offsetof(hv_boot_info, pvh), pvh));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(start.boot_info + offsetof(hv_boot_info, pvclock),
                                            XEN_SHARED_INFO + XEN_SI_TIME));
  HV_ASSIGN_OR_RETURN(uint32_t flags,
                      memory.Read<uint32_t>(start.boot_info + offsetof(hv_boot_info, flags)));
  return memory.Write<uint32_t>(start.boot_info + offsetof(hv_boot_info, flags),
                                flags | HV_BOOT_PVCLOCK_CALIBRATE);
}

absl::StatusOr<GuestExit> XenBackend::Run(const GuestMemory& memory, const GuestStart& start,
                                          HypercallHandler& handler) {
  if (domain_ == nullptr) return absl::InternalError("xen: Run before CreateMemory");
  if (start.pvh_entry == 0 || start.pvh_entry > UINT32_MAX) {
    return absl::FailedPreconditionError(
        "xen: the runtime image has no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
  }
  HV_ASSIGN_OR_RETURN(uint32_t port, domain_->OpenEventChannel());
  HV_RETURN_IF_ERROR(WriteStartState(memory, start, port));
  HV_ASSIGN_OR_RETURN(std::span<uint8_t> mailbox, memory.Span(KVM_MAILBOX, MB_SIZE));
  MailboxServer server(mailbox, memory, handler, [&](const hv_register& reg) {
    // The syscall trampoline (kvm_guest.S) reads the runtime's entry here.
    // Faults end the run on xen (its exception stubs report them): the
    // fault entry is not used.
    (void)memory.Write<uint64_t>(KVM_DATA_SYSCALL_ENTRY, reg.syscall_entry);
  });
  xen::XenDomain& domain = *domain_;
  server.SetGuestWaker([&domain] { domain.Notify(); });

  stop_->ArmTimeout(start.timeout);
  ThreadKick::Install();
  std::atomic<bool> events_done{false}, serving_ended{false};
  std::optional<HypercallOutcome> end;
  std::thread serving = StopSignals::StartThread([&] {
    end = server.Serve([&] { return events_done.load(); });
    serving_ended.store(true);
  });
  // Stop signals land on this thread, which turns event channel wake-ups
  // into mailbox kicks and watches the domain.
  std::optional<xen::DomainState> down;
  // A stop signal while the domain was built and loaded: it never runs.
  absl::Status started =
      StopSignals::Pending() != 0
          ? absl::OkStatus()
          : domain.StartPvh(static_cast<uint32_t>(start.pvh_entry), XEN_START_INFO);
  while (started.ok() && !serving_ended.load() && StopSignals::Pending() == 0) {
    if (domain.WaitEvent(kStatePollMs)) {
      server.Kick();
      continue;
    }
    // No event for kStatePollMs: kick anyway. The guest decides from the
    // mailbox's host_sleeping word whether to send an event, and the guest
    // can write that word: a guest that lies to itself still gets its
    // answer, within kStatePollMs, instead of waiting forever.
    server.Kick();
    const xen::DomainState state = domain.State();
    if (!state.exists || state.shutdown) {
      down = state;
      break;
    }
  }
  events_done.store(true);
  StopSignals::MarkEnding();  // a service blocked on console I/O gives up
  server.Shutdown();
  ThreadKick::KickUntilDone(serving, serving_ended);
  HV_RETURN_IF_ERROR(started);
  if (end.has_value() && end->kind == HypercallOutcome::Kind::kExit) {
    return GuestExit::FromGuest(end->exit);
  }
  if (end.has_value()) return end->fatal;
  if (const int sig = StopSignals::Pending(); sig != 0) {
    return GuestExit::FromStopSignal(sig, start.timeout);
  }
  if (down.has_value() && down->exists) return ReportShutdown(memory, domain, *down);
  if (down.has_value()) {
    return GuestExit{.kind = GuestExit::Kind::kKilled,
                     .status = -1,
                     .detail = "xen: the domain was destroyed from outside hvrun"};
  }
  return GuestExit{.kind = GuestExit::Kind::kKilled,
                   .status = -1,
                   .detail = "the guest broke the hypercall protocol"};
}

}  // namespace

absl::Status XenUsable() { return xen::XenUsable(); }

absl::StatusOr<std::unique_ptr<Backend>> CreateXenBackend() {
  HV_RETURN_IF_ERROR(XenUsable());
  return std::unique_ptr<Backend>(std::make_unique<XenBackend>());
}

}  // namespace hvrun
