// File: sim_backend.cc
#include "hv-backends/sim/host/sim_backend.h"

#include <asm/hwcap2.h>
#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hv-backends/mailbox/mailbox_server.h"
#include "hv-backends/sim/sim_mailbox.h"
#include "vmm/base/layout.h"
#include "vmm/base/signal_names.h"
#include "vmm/base/status_macros.h"
#include "vmm/base/stop_signals.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#endif

extern "C" {
extern const char hv_sim_blob_start[], hv_sim_blob_end[];
extern const char hv_sim_hypercall[], hv_sim_sigsys[], hv_sim_crash[], hv_sim_restorer[],
    hv_sim_launch[], hv_sim_set_segment_base[], hv_sim_protect[], hv_sim_remap_own[],
    hv_sim_map_file[];
}

namespace hvrun {
namespace {

using sim::SimCrash;

// <asm/signal.h> has it, but clashes with <signal.h>; glibc hides it.
constexpr uint64_t kSaRestorer = 0x04000000;

constexpr uint64_t kCode = layout::kBackendPages + SIM_CODE_OFFSET;
constexpr uint64_t kMailbox = layout::kBackendPages + SIM_MAILBOX_OFFSET;
constexpr uint64_t kFilter = layout::kBackendPages + SIM_FILTER_OFFSET;
static_assert(layout::kBackendPages + SIM_PAGES_SIZE <= SIM_ALTSTACK);
static_assert(SIM_ALTSTACK + SIM_ALTSTACK_SIZE <= layout::kBackendPagesEnd);

uint64_t GuestAddressOf(const char* symbol) {
  return kCode + static_cast<uint64_t>(symbol - hv_sim_blob_start);
}

// The kernel's struct sigaction (not glibc's): glibc would install its own
// restorer, whose rt_sigreturn lies outside the dispatch-allowed page.
struct KernelSigaction {
  uint64_t handler;
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};

// struct sock_fprog as the guest sees it: the filter pointer is a guest address.
struct GuestFprog {
  uint16_t len;
  uint16_t pad[3];
  uint64_t filter;
};
static_assert(sizeof(GuestFprog) == sizeof(sock_fprog));

// The fd the sim child keeps its own guest memory at (sim_guest.S's
// SIM_OWN_MEMFD): hv_sim_remap_own maps it back over a parent's pages.
constexpr int kOwnMemfd = 3;
// The child's end of its file channel (SIM_FILE_CHANNEL): a socket on which
// hvrun passes the store files it maps for the guest (HV_SHARE_MAP_FILE),
// one fd per message; hv_sim_map_file receives each at the lowest free fd,
// kFirstPassedFd or above, maps and closes it.
constexpr int kFileChannel = 4;
constexpr int kFirstPassedFd = 5;

// seccomp: allow only what the code page needs; anything else kills the child.
// Jump offsets count the instructions skipped (the comments number them).
constexpr sock_filter kFilterProgram[] = {
    /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
    /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    /* 2 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    /* 3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
    /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 33, 0),  // -> 38
    /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 32, 0),    // -> 38
    /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 6, 0),          // -> 13
    /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 8, 0),     // -> 16
    /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 11, 0),      // -> 20
    /* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 13, 0),          // -> 23
    /* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_recvmsg, 22, 0),      // -> 33
    /* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 23, 0),        // -> 35
    /* 12 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    // futex: plain WAIT and WAKE only. REQUEUE or the PI operations on the
    // shared mailbox word could move hvrun's own waiter elsewhere. (The
    // kernel takes the op as an int: the low word is all of it.)
    /* 13 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[1])),
    /* 14 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, FUTEX_WAKE + 1, 0, 23),  // -> 15 or 38
    /* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    // arch_prctl: setting the child's own FS or GS base only (hosts without
    // FSGSBASE); never ARCH_SET_CPUID, the vDSO or shadow-stack codes.
    /* 16 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
    /* 17 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SET_FS, 20, 0),  // -> 38
    /* 18 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SET_GS, 19, 0),  // -> 38
    /* 19 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    // mprotect: read, write and execute bits only (no PROT_GROWSDOWN/UP,
    // nothing a later kernel may add). It can only change guest memory and
    // the code page: the child maps nothing else.
    /* 20 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])),
    /* 21 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, ~7u, 0, 16),  // -> 22 or 38
    /* 22 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    // mmap: of the child's own memfd (hv_sim_remap_own) or of a file hvrun
    // passed it (hv_sim_map_file), MAP_SHARED | MAP_FIXED exactly,
    // read/write/execute bits only. The memfd is the guest's own memory,
    // which it can write anyway; a passed file is one hvrun chose to share
    // with it; fds 0-2 are not mappable files to it and 4 is a socket.
    // (mmap takes the fd as an unsigned int: the low word is all of it.)
    /* 23 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[4])),
    /* 24 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kOwnMemfd, 1, 0),       // -> 26 or 25
    /* 25 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kFirstPassedFd, 0, 6),  // -> 26 or 32
    /* 26 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[3])),
    /* 27 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MAP_SHARED | MAP_FIXED, 0, 4),  // -> 28 or 32
    /* 28 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[3]) + 4),
    /* 29 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),  // -> 30 or 32
    /* 30 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])),
    /* 31 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, ~7u, 0, 6),  // -> 32 or 38
    /* 32 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    // recvmsg: on the file channel only (hv_sim_map_file); it can only
    // bring what hvrun sent.
    /* 33 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
    /* 34 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kFileChannel, 3, 2),  // -> 38 or 37
    // close: of a passed fd only, never the memfd, the channel or 0-2.
    /* 35 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
    /* 36 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kFirstPassedFd, 1, 0),  // -> 38 or 37
    /* 37 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    /* 38 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static_assert(FUTEX_WAIT == 0 && FUTEX_WAKE == 1, "the filter allows futex ops 0 and 1");

// Under AddressSanitizer, the guest's address space (up to 512 GiB from 0)
// lies over ASan's low shadow and shadow gap, which ASan reserves in every
// process: the child maps guest memory over them (MAP_FIXED). Safe there:
// hvrun's own code, heap and stack are far above 512 GiB (their shadow too),
// and the launch stub unmaps all of it before the first guest instruction.
// Elsewhere MAP_FIXED_NOREPLACE refuses any overlap with the child's own
// mappings, which would be a misplaced layout, not something to clobber.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kGuestMapFixed = MAP_FIXED;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kGuestMapFixed = MAP_FIXED;
#else
constexpr int kGuestMapFixed = MAP_FIXED_NOREPLACE;
#endif
#else
constexpr int kGuestMapFixed = MAP_FIXED_NOREPLACE;
#endif

void WriteStderr(const char* msg) {
  ssize_t unused = write(STDERR_FILENO, msg, strlen(msg));
  (void)unused;
}

// A range of another process's memory this guest shares (MAP_SHARED
// anonymous memory inherited across fork), as the child maps it.
struct SharedMap {
  int fd;
  uint64_t gva, len, offset;
};

// Runs in the forked child: async-signal-safe calls only, no allocation.
[[noreturn]] void ChildMain(pid_t parent, int memfd, int channel, uint64_t mem_start,
                            uint64_t mem_size, const GuestStart& start, const SharedMap* shared,
                            size_t nshared) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(125);
  // A process group of its own: a signal to hvrun's group (Ctrl-C, timeout(1),
  // kill -- -PGID) reaches hvrun, which forwards it to the guest's handler
  // as docker stop does, and never kills the guest's process behind its back.
  setpgid(0, 0);
  // A guest that dies (seccomp, a signal) must not leave a core file of
  // guest memory on the host, nor be open to ptrace by the user's other
  // processes: not dumpable, and no core size (for core_pattern pipes too).
  prctl(PR_SET_DUMPABLE, 0);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  void* want = reinterpret_cast<void*>(mem_start);
  void* got = mmap(want, mem_size - mem_start, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_SHARED | kGuestMapFixed, memfd, static_cast<off_t>(mem_start));
  if (got != want) {
    WriteStderr(
        "hvrun: sim: cannot map guest memory at its guest addresses in the child "
        "(is the range in use, or vm.mmap_min_addr above 4096 without CAP_SYS_RAWIO?)\n");
    _exit(125);
  }
  // Over it, the pages this guest shares with the process it was forked
  // from (GuestMemory::Inherited), before close_range takes their fds.
  for (size_t i = 0; i < nshared; ++i) {
    void* at = reinterpret_cast<void*>(shared[i].gva);
    if (mmap(at, shared[i].len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_FIXED,
             shared[i].fd, static_cast<off_t>(shared[i].offset)) != at) {
      WriteStderr("hvrun: sim: cannot map a shared range into the child\n");
      _exit(125);
    }
  }
  // The guest's own memfd stays, at kOwnMemfd, for hv_sim_remap_own (the
  // shared ranges' fds are done with: mapped above). hvrun's other fds
  // (mount roots, ...) are no use to the guest: seccomp would refuse them
  // anyway, but they need not be there at all.
  // The file channel goes to kFileChannel: moved out of the way first if
  // it sits where the memfd goes.
  if (channel == kOwnMemfd && (channel = dup(channel)) < 0) _exit(125);
  if (memfd != kOwnMemfd && dup2(memfd, kOwnMemfd) != kOwnMemfd) _exit(125);
  if (channel != kFileChannel && dup2(channel, kFileChannel) != kFileChannel) _exit(125);
  syscall(SYS_close_range, kFirstPassedFd, ~0U, 0);
  stack_t ss{};
  ss.ss_sp = reinterpret_cast<void*>(SIM_ALTSTACK);
  ss.ss_size = SIM_ALTSTACK_SIZE;
  if (sigaltstack(&ss, nullptr) != 0) _exit(125);

  KernelSigaction sys{GuestAddressOf(hv_sim_sigsys), SA_SIGINFO | SA_NODEFER | kSaRestorer,
                      GuestAddressOf(hv_sim_restorer), 0};
  if (syscall(SYS_rt_sigaction, SIGSYS, &sys, nullptr, 8) != 0) _exit(125);
  // Not SA_RESETHAND: a fault the runtime hands to an app handler returns
  // through rt_sigreturn, and the next one must come here again. Every
  // signal is blocked meanwhile, so a fault inside the handler itself is
  // fatal at once (the kernel forces the default action).
  KernelSigaction crash{GuestAddressOf(hv_sim_crash), SA_SIGINFO | SA_ONSTACK | kSaRestorer,
                        GuestAddressOf(hv_sim_restorer), ~0ull};
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP}) {
    if (syscall(SYS_rt_sigaction, sig, &crash, nullptr, 8) != 0) _exit(125);
  }
  // glibc registered this thread's rseq area in hvrun's TLS, which the launch
  // stub unmaps; the kernel would then fail its rseq update on the next
  // resume and kill the child with SIGSEGV. Unregister first.
  if (__rseq_size > 0) {
    void* area = static_cast<char*>(__builtin_thread_pointer()) + __rseq_offset;
    if (syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) != 0 &&
        syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) != 0) {
      WriteStderr("hvrun: sim: cannot unregister rseq in the guest process\n");
      _exit(125);
    }
  }
  uint64_t empty = 0;
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, 8) != 0) _exit(125);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(125);
  // From here on, any syscall outside the code page raises SIGSYS, so the
  // next thing is the jump into that page.
  if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, kCode, layout::kPageSize, 0) != 0) {
    WriteStderr("hvrun: sim: Syscall User Dispatch is unavailable\n");
    _exit(125);
  }
  using LaunchFn = void (*)(uint64_t, uint64_t, uint64_t, uint64_t);
  reinterpret_cast<LaunchFn>(GuestAddressOf(hv_sim_launch))(start.entry, start.boot_info,
                                                            start.stack_top, mem_size);
  _exit(125);
}

CrashReport ReportFromSimCrash(const SimCrash& c) {
  static constexpr struct {
    const char* name;
    int index;
  } kRegs[] = {{"rax", 13},    {"rbx", 11}, {"rcx", 14}, {"rdx", 12}, {"rsi", 9},  {"rdi", 8},
               {"rbp", 10},    {"rsp", 15}, {"r8", 0},   {"r9", 1},   {"r10", 2},  {"r11", 3},
               {"r12", 4},     {"r13", 5},  {"r14", 6},  {"r15", 7},  {"rip", 16}, {"rflags", 17},
               {"trapno", 20}, {"err", 19}, {"cr2", 22}};
  CrashReport r;
  r.signo = c.signo;
  r.what = SignalDescription(c.signo);
  r.rip = c.gregs[16];
  if (c.signo == SIGSEGV || c.signo == SIGBUS) r.fault_address = c.addr;
  for (const auto& reg : kRegs) r.registers.emplace_back(reg.name, c.gregs[reg.index]);
  return r;
}

class SimBackend final : public Backend {
 public:
  std::string_view name() const override { return "sim"; }
  hv_backend_kind kind() const override { return HV_BACKEND_SIM; }
  std::string Describe() const override {
    return "sim: guest in a seccomp-confined child process; syscalls via Syscall User "
           "Dispatch (SIGSYS); hypercalls via a shared-memory mailbox (spin, then futex)";
  }

  absl::StatusOr<GuestEntries> InstallGuestPages(const GuestMemory& memory) override {
    const size_t blob = static_cast<size_t>(hv_sim_blob_end - hv_sim_blob_start);
    if (blob != SIM_PAGES_SIZE) {
      return absl::InternalError(
          absl::StrCat("sim guest blob is ", blob, " bytes, expected ", SIM_PAGES_SIZE));
    }
    HV_RETURN_IF_ERROR(
        memory.WriteBytes(kCode, {reinterpret_cast<const uint8_t*>(hv_sim_blob_start), blob}));
    HV_RETURN_IF_ERROR(memory.WriteBytes(
        kFilter, {reinterpret_cast<const uint8_t*>(kFilterProgram), sizeof(kFilterProgram)}));
    GuestFprog fprog{static_cast<uint16_t>(std::size(kFilterProgram)), {}, kFilter};
    HV_RETURN_IF_ERROR(memory.Write(kMailbox + SIM_MB_FPROG, fprog));
    // Without FSGSBASE in the host kernel, the guest's wrfsbase lasts only
    // until the kernel next switches this process out and restores the
    // base it knows of (hvrun's own TLS, unmapped in the child): the
    // runtime must set segment bases through arch_prctl instead.
    const bool fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
    return GuestEntries{.hypercall = GuestAddressOf(hv_sim_hypercall),
                        .segment_base = fsgsbase ? 0 : GuestAddressOf(hv_sim_set_segment_base),
                        .protect = GuestAddressOf(hv_sim_protect),
                        .remap_own = GuestAddressOf(hv_sim_remap_own),
                        .map_file = GuestAddressOf(hv_sim_map_file)};
  }

  absl::StatusOr<GuestExit> Run(const GuestMemory& memory, const GuestStart& start,
                                HypercallHandler& handler) override;

  void Stop() override {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (child_ > 0) kill(child_, SIGKILL);
  }
  bool ForkSupported() const override { return true; }

 private:
  // The guest process while it may be killed: set to 0 before it is reaped,
  // so that Stop() never signals a reused pid.
  std::mutex mu_;
  pid_t child_ = 0;
  bool stop_ = false;
};

absl::StatusOr<GuestExit> SimBackend::Run(const GuestMemory& memory, const GuestStart& start,
                                          HypercallHandler& handler) {
  HV_ASSIGN_OR_RETURN(std::span<uint8_t> mb, memory.Span(kMailbox, layout::kPageSize));
  MailboxServer server(mb.first(MB_SIZE), memory, handler, [&](const hv_register& reg) {
    // The SIGSYS and crash stubs call the entries they read here (the fault
    // entry runs on the host signal stack: no fault_stack on sim).
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(&mb[SIM_MB_SYSCALL_ENTRY]))
        .store(reg.syscall_entry);
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(&mb[SIM_MB_FAULT_ENTRY]))
        .store(reg.fault_entry);
  });

  // Collected before fork: the child may not allocate. The ranges' fds stay
  // open while (memory) lives.
  std::vector<SharedMap> shared;
  const std::vector<GuestMemory::SharedRange> inherited = memory.Inherited();
  for (const GuestMemory::SharedRange& r : inherited) {
    shared.push_back({r.file->get(), r.gva, r.len, r.offset});
  }
  // The file channel: hvrun's end goes to (memory), which passes the store
  // files it maps for the guest (GuestMemory::MapFile); SEQPACKET keeps one
  // fd per message.
  int channel[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) != 0)
    return absl::ErrnoToStatus(errno, "sim: socketpair for the file channel");
  UniqueFd host_end(channel[0]);
  UniqueFd child_end(channel[1]);
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) return absl::ErrnoToStatus(errno, "sim: fork of the guest process");
  if (child == 0) {
    ChildMain(parent, memory.fd(), child_end.get(), memory.start(), memory.size(), start,
              shared.data(), shared.size());
  }
  child_end.Reset();
  memory.SetFileChannel(std::move(host_end));
  {
    std::lock_guard lock(mu_);
    child_ = child;
    if (stop_) kill(child, SIGKILL);
  }

  // The waiter notices the child's death (WNOWAIT: it stays a zombie, so its
  // pid cannot be reused before we kill or reap it) and wakes the server.
  // child_dead lives in hvrun's own memory, so a guest cannot fake its death.
  std::atomic<bool> child_dead{false};
  siginfo_t death{};
  // Stop signals and --timeout belong to the first process; a child ends
  // when the process table calls Stop().
  std::optional<StopSignals> stop;
  if (!start.child) stop.emplace(nullptr, start.timeout);
  std::thread waiter = StopSignals::StartThread([&] {
    while (waitid(P_PID, child, &death, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
    }
    child_dead.store(true);
    server.Shutdown();
  });
  // Every way out goes through here: the child is killed before anything
  // waits for it, then reaped.
  auto finish = [&](GuestExit exit) -> GuestExit {
    kill(child, SIGKILL);
    waiter.join();
    {
      std::lock_guard lock(mu_);
      child_ = 0;
    }
    siginfo_t reaped{};
    while (waitid(P_PID, child, &reaped, WEXITED) != 0 && errno == EINTR) {
    }
    return exit;
  };

  std::optional<HypercallOutcome> end =
      server.Serve([&] { return child_dead.load() || StopSignals::Pending() != 0; });
  if (end.has_value() && end->kind == HypercallOutcome::Kind::kExit) {
    return finish(GuestExit::FromGuest(end->exit));
  }
  if (end.has_value()) {
    finish(GuestExit{});
    return end->fatal;
  }
  if (!child_dead.load()) {
    // A stop signal; or, from a hostile guest, a server that stopped with the
    // child alive: either way the guest ends here.
    const int sig = StopSignals::Pending();
    return finish(sig != 0 ? GuestExit::FromStopSignal(sig, start.timeout)
                           : GuestExit{.kind = GuestExit::Kind::kKilled,
                                       .status = -1,
                                       .detail = "the guest broke the hypercall protocol"});
  }

  // The child is gone without saying goodbye: crash, seccomp, or a signal.
  finish(GuestExit{});  // reaps the zombie; the kill is harmless now
  SimCrash crash;
  std::memcpy(&crash, &mb[SIM_MB_CRASH], sizeof(crash));
  GuestExit e;
  if (crash.magic == SIM_CRASH_MAGIC) {
    e.kind = GuestExit::Kind::kCrashed;
    e.status = crash.signo;
    e.crash = ReportFromSimCrash(crash);
  } else if (death.si_code == CLD_KILLED || death.si_code == CLD_DUMPED) {
    e.kind = GuestExit::Kind::kKilled;
    e.status = death.si_status;
    e.detail = death.si_status == SIGSYS
                   ? "guest made a host system call the sim sandbox forbids (killed by seccomp)"
                   : absl::StrCat("guest killed by ", SignalName(death.si_status));
  } else {
    e.kind = GuestExit::Kind::kKilled;
    e.status = -1;
    e.detail = absl::StrCat("sim guest process exited with status ", death.si_status,
                            " before the runtime reported an exit");
  }
  return e;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> CreateSimBackend() {
  return std::unique_ptr<Backend>(std::make_unique<SimBackend>());
}

}  // namespace hvrun
