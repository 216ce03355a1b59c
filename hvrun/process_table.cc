// File: process_table.cc
#include "hvrun/process_table.h"

#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_format.h"
#include "vmm/base/crash_report.h"
#include "vmm/base/layout.h"
#include "vmm/base/memory_watch.h"
#include "vmm/base/stop_signals.h"

namespace hvrun {

struct ProcessTable::Process {
  int32_t pid = 0;
  int32_t ppid = 0;
  int32_t pgid = 0;
  int32_t sid = 0;
  bool zombie = false;
  int wait_status = 0;
  uint64_t maxrss_kb = 0;    // its hv_exit's, for the parent's wait4/getrusage
  int pdeath_sig = 0;        // prctl(PR_SET_PDEATHSIG): sent to it when its parent ends
  bool nocldwait = false;    // it ignores SIGCHLD: its children are reaped as they end
  bool nocldstop = false;    // SA_NOCLDSTOP: no SIGCHLD when a child stops or continues
  bool auto_reaped = false;  // so this one was: no wait sees it (Sweep removes it)
  bool subreaper = false;    // PR_SET_CHILD_SUBREAPER: orphans below it come to it
  // User ids and CAP_KILL, as the runtime reports them (HV_PROC_SET_CREDS):
  // who may signal whom.
  uint32_t ruid = 0, euid = 0, suid = 0;
  bool cap_kill = false;
  // Job control: stopped by (stop_sig) until a SIGCONT; what a parent's
  // wait4(WUNTRACED) / (WCONTINUED) has yet to be told.
  bool stopped = false;
  int stop_sig = 0;
  bool stop_untold = false;
  bool continued_untold = false;
  // What /proc/<pid> shows (HV_CALL_PROC_INFO): as the runtime last said;
  // a child starts with its parent's.
  std::string comm, cmdline, exe;
  absl::Time started = absl::Now();
  // The guest: the engine first, so it goes before the memory it serves.
  GuestImage image;
  std::unique_ptr<ExecService> exec;
  std::unique_ptr<ServiceEngine> engine;
  std::thread thread;
  std::atomic<int> killed_by{0};

  // hvrun's view of this guest's boot info words.
  uint32_t* events() const {
    return reinterpret_cast<uint32_t*>(image.memory->host_base() + layout::kBootInfo +
                                       offsetof(hv_boot_info, events));
  }
  int32_t* ppid_word() const {
    return reinterpret_cast<int32_t*>(image.memory->host_base() + layout::kBootInfo +
                                      offsetof(hv_boot_info, ppid));
  }
  uint64_t* signals() const {
    return reinterpret_cast<uint64_t*>(image.memory->host_base() + layout::kBootInfo +
                                       offsetof(hv_boot_info, signals));
  }
};

namespace {

// The wait status Linux reports for a process that ended as (exit) did.
int WaitStatus(const absl::StatusOr<GuestExit>& exit, int killed_by) {
  if (killed_by != 0) return killed_by & 0x7f;
  if (!exit.ok()) return SIGKILL;
  switch (exit->kind) {
    case GuestExit::Kind::kExited:
      return (exit->status & 0xff) << 8;
    case GuestExit::Kind::kSignaled:
      return (exit->status & 0x7f) | ((exit->info.flags & HV_EXIT_CORE) != 0 ? 0x80 : 0);
    case GuestExit::Kind::kCrashed:
      return exit->status & 0x7f;
    case GuestExit::Kind::kTimedOut:
      return SIGKILL;
    case GuestExit::Kind::kKilled:
      return exit->status > 0 ? exit->status & 0x7f : SIGKILL;
  }
  return SIGKILL;
}

}  // namespace

ProcessTable::ProcessTable(Options options) : options_(std::move(options)) {}

ProcessTable::~ProcessTable() { StopAll(); }

ProcessTable::Process* ProcessTable::Find(int32_t pid) {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : it->second.get();
}

absl::StatusOr<GuestExit> ProcessTable::RunInit(GuestImage init) {
  Process* p;
  {
    std::lock_guard lock(mu_);
    auto proc = std::make_unique<Process>();
    proc->pid = proc->pgid = proc->sid = 1;
    proc->ruid = proc->euid = proc->suid = getuid();  // what boot info reports
    proc->cap_kill = proc->euid == 0;
    proc->image = std::move(init);
    proc->exec = std::make_unique<ExecService>(proc->image.image_end);
    // Pipes live in hvrun only where processes can share them: elsewhere
    // (xen) the runtime keeps its own, which wait without a host round trip.
    ServiceOptions service = options_.service;
    service.host_pipes = proc->image.backend->ForkSupported();
    proc->engine = std::make_unique<ServiceEngine>(*proc->image.memory, service,
                                                   std::move(proc->image.files), this, 1);
    p = proc.get();
    fork_supported_ = p->image.backend->ForkSupported();
    procs_[1] = std::move(proc);
    for (int sig = 1; sig <= 64; ++sig) {
      if ((early_signals_ & (1ull << (sig - 1))) != 0) SendSignal(p, sig);
    }
  }
  created_.fetch_add(1);
  absl::StatusOr<GuestExit> exit =
      p->image.backend->Run(*p->image.memory, p->image.start, *p->engine);
  StopAll();
  return exit;
}

uint64_t ProcessTable::UsedBytes() {
  std::lock_guard lock(mu_);
  uint64_t used = 0;
  for (auto& [pid, p] : procs_) {
    if (!p->zombie && p->image.memory) used += MemoryWatch::Used(p->image.memory->fd());
  }
  return used;
}

void ProcessTable::Notify(Process* p) {
  if (p->zombie || !p->image.memory) return;
  uint32_t* word = p->events();
  std::atomic_ref<uint32_t>(*word).fetch_add(1);
  syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void ProcessTable::SendSignal(Process* p, int sig) {
  if (p->zombie) return;
  if (sig == SIGKILL) {
    p->killed_by.store(SIGKILL);
    p->image.backend->Stop();
    return;
  }
  const bool stop = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
  // The container's init takes no stop signal, as a namespace's init does not.
  if (stop && p->pid == 1) return;
  std::atomic_ref<uint64_t> word(*p->signals());
  constexpr uint64_t kStopBits = (1ull << (SIGSTOP - 1)) | (1ull << (SIGTSTP - 1)) |
                                 (1ull << (SIGTTIN - 1)) | (1ull << (SIGTTOU - 1));
  if (sig == SIGCONT) {
    // Resumes at once (the runtime waits for this bit) and drops pending stops.
    word.fetch_and(~kStopBits);
    if (p->stopped) {
      p->stopped = false;
      p->stop_untold = false;
      p->continued_untold = true;
      if (Process* parent = Find(p->ppid); parent != nullptr) TellParent(parent);
    }
  } else if (stop) {
    word.fetch_and(~(1ull << (SIGCONT - 1)));  // a stop drops a pending SIGCONT
  }
  // The runtime takes the action: a stop signal stops it (HV_PROC_STOP).
  word.fetch_or(1ull << (sig - 1));
  Notify(p);
}

void ProcessTable::TellParent(Process* parent) {
  // A child stopped or continued: its wait4(WUNTRACED/WCONTINUED) wakes,
  // and SIGCHLD comes too unless the parent asked for none (SA_NOCLDSTOP).
  if (parent->nocldstop) {
    Notify(parent);
  } else {
    SendSignal(parent, SIGCHLD);
  }
}

std::vector<std::unique_ptr<ProcessTable::Process>> ProcessTable::Sweep() {
  std::vector<std::unique_ptr<Process>> gone;
  for (auto it = procs_.begin(); it != procs_.end();) {
    if (it->second->zombie && it->second->auto_reaped) {
      gone.push_back(std::move(it->second));
      it = procs_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

void ProcessTable::Join(std::vector<std::unique_ptr<Process>>& gone) {
  for (auto& p : gone) {
    if (p->thread.joinable()) p->thread.join();
  }
  gone.clear();
}

int64_t ProcessTable::Fork(int32_t pid, uint64_t flags) {
  Process* parent;
  int32_t child_pid;
  std::vector<std::unique_ptr<Process>> swept;
  absl::Cleanup join = [&] { Join(swept); };
  {
    std::lock_guard lock(mu_);
    parent = Find(pid);
    if (parent == nullptr || ending_) return -EAGAIN;
    if (!fork_supported_) {
      if (options_.service.verbose && !fork_reported_) {
        fork_reported_ = true;
        std::cerr << "hvrun: fork refused (ENOSYS): the " << options_.backend
                  << " backend runs one process; processes run on sim and kvm so far\n";
      }
      return -ENOSYS;
    }
    swept = Sweep();
    if (static_cast<int>(procs_.size()) >= options_.pids_limit) {
      if (!limit_reported_) {
        limit_reported_ = true;
        std::cerr << "hvrun: --pids-limit=" << options_.pids_limit
                  << " reached: fork refused (EAGAIN)\n";
      }
      return -EAGAIN;
    }
    child_pid = next_pid_++;
  }
  auto backend = CreateBackend(options_.backend);
  if (!backend.ok()) return -ENOMEM;
  const GuestMemory& from = *parent->image.memory;
  auto memory = (*backend)->CreateMemory(from.size());
  if (!memory.ok()) return -ENOMEM;
  if (!memory->CopyFrom(from).ok()) return -ENOMEM;
  // The backend's pages start fresh (the parent's mailbox holds its fork
  // request in flight); the boot info says who the child is.
  if (!memory->Discard(layout::kBackendPages, layout::kBackendPagesEnd - layout::kBackendPages)
           .ok() ||
      !(*backend)->InstallGuestPages(*memory).ok()) {
    return -ENOMEM;
  }
  auto boot = memory->Read<hv_boot_info>(layout::kBootInfo);
  if (!boot.ok()) return -EFAULT;
  boot->flags |= HV_BOOT_FORKED;
  boot->pid = child_pid;
  boot->ppid = (flags & HV_FORK_PARENT) != 0 ? parent->ppid : pid;
  boot->events = 0;
  boot->signals = 0;
  if (!memory->Write(layout::kBootInfo, *boot).ok()) return -EFAULT;
  auto files = parent->engine->files().Clone();
  if (!files.ok()) return -EMFILE;

  auto child = std::make_unique<Process>();
  child->pid = child_pid;
  // CLONE_PARENT: a sibling of the caller (init may not: the runtime says EINVAL).
  child->ppid = (flags & HV_FORK_PARENT) != 0 ? parent->ppid : pid;
  child->image.backend = *std::move(backend);
  child->image.memory = std::make_unique<GuestMemory>(*std::move(memory));
  child->image.start = parent->image.start;
  child->image.start.child = true;
  child->image.image_end = parent->image.image_end;
  child->exec = std::make_unique<ExecService>(child->image.image_end);
  child->engine = std::make_unique<ServiceEngine>(*child->image.memory, options_.service,
                                                  *std::move(files), this, child_pid);
  std::lock_guard lock(mu_);
  if (ending_) return -EAGAIN;
  child->pgid = parent->pgid;
  child->sid = parent->sid;
  child->nocldwait = parent->nocldwait;  // dispositions are inherited
  child->nocldstop = parent->nocldstop;
  child->ruid = parent->ruid;
  child->euid = parent->euid;
  child->suid = parent->suid;
  child->cap_kill = parent->cap_kill;
  child->comm = parent->comm;
  child->cmdline = parent->cmdline;
  child->exe = parent->exe;
  Process* raw = child.get();
  procs_[child_pid] = std::move(child);
  raw->thread = StopSignals::StartThread([this, raw] { RunChild(raw); });
  created_.fetch_add(1);
  return child_pid;
}

void ProcessTable::RunChild(Process* p) {
  absl::StatusOr<GuestExit> exit =
      p->image.backend->Run(*p->image.memory, p->image.start, *p->engine);
  Ended(p, exit);
}

void ProcessTable::Ended(Process* p, const absl::StatusOr<GuestExit>& exit) {
  if (!exit.ok()) {
    std::cerr << "hvrun: process " << p->pid << ": " << exit.status().message() << "\n";
  } else if (exit->kind == GuestExit::Kind::kCrashed && exit->crash.has_value() &&
             p->killed_by.load() == 0 && (p->pid == 1 || options_.service.verbose)) {
    // A process other than init dies of a fault silently, as on Linux (its
    // parent sees the signal in its wait status); --verbose shows where.
    std::cerr << "hvrun: process " << p->pid << " crashed:\n"
              << FormatCrashReport(*exit->crash, [](uint64_t) { return std::string(); });
  }
  GuestImage image;
  std::unique_ptr<ServiceEngine> engine;
  std::unique_ptr<ExecService> exec;
  {
    std::lock_guard lock(mu_);
    p->wait_status = WaitStatus(exit, p->killed_by.load());
    if (exit.ok()) p->maxrss_kb = exit->info.maxrss_kb;
    // Orphans go to the nearest live subreaper above (PR_SET_CHILD_SUBREAPER),
    // else to init.
    Process* reaper = Find(1);
    for (Process* a = Find(p->ppid); a != nullptr && a->pid != 1; a = Find(a->ppid)) {
      if (a->subreaper && !a->zombie) {
        reaper = a;
        break;
      }
    }
    const int32_t new_ppid = reaper != nullptr ? reaper->pid : 1;
    for (auto& [pid, q] : procs_) {
      if (q->ppid != p->pid || q.get() == p) continue;
      if (!q->zombie && q->pdeath_sig != 0 && q->image.memory) SendSignal(q.get(), q->pdeath_sig);
      q->ppid = new_ppid;
      // The runtime's getppid reads this word (no hypercall).
      if (!q->zombie && q->image.memory) std::atomic_ref<int32_t>(*q->ppid_word()).store(new_ppid);
      if (q->zombie && reaper != nullptr) Notify(reaper);
    }
    // SIGCHLD to the parent (its default action is to do nothing; a shell's
    // handler learns of the child here), and a wake for a parent in wait.
    if (Process* parent = Find(p->ppid); parent != nullptr) {
      p->auto_reaped = parent->nocldwait;
      SendSignal(parent, SIGCHLD);
    }
    p->zombie = true;
    engine = std::move(p->engine);
    exec = std::move(p->exec);
    image = std::move(p->image);
  }
  // The guest's resources go now, not when it is reaped: the engine first.
  engine.reset();
}

int64_t ProcessTable::Wait(Process* caller, hv_proc& req) {
  // wait4's options, as Linux's kernel_wait4 accepts them, and waitid's
  // WNOWAIT (the runtime passes it on).
  constexpr int32_t kKnownOptions =
      WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WCLONE | __WALL;
  if ((req.arg & ~kKnownOptions) != 0) return -EINVAL;
  std::unique_ptr<Process> reaped;
  std::vector<std::unique_ptr<Process>> swept;
  absl::Cleanup join = [&] { Join(swept); };
  int32_t pid;
  {
    std::lock_guard lock(mu_);
    // Children reaped as they ended (SIGCHLD ignored) are no one's to wait for.
    swept = Sweep();
    Process* found = nullptr;
    Process* changed = nullptr;  // stopped or continued, for WUNTRACED/WCONTINUED
    bool any = false;
    for (auto& [id, q] : procs_) {
      if (q->ppid != caller->pid || q.get() == caller) continue;
      const bool match = req.pid > 0     ? q->pid == req.pid
                         : req.pid == 0  ? q->pgid == caller->pgid
                         : req.pid == -1 ? true
                                         : q->pgid == -static_cast<int64_t>(req.pid);
      if (!match) continue;
      any = true;
      if (q->zombie) {
        found = q.get();
        break;
      }
      if (changed == nullptr && (((req.arg & WUNTRACED) != 0 && q->stop_untold) ||
                                 ((req.arg & WCONTINUED) != 0 && q->continued_untold))) {
        changed = q.get();
      }
    }
    if (!any) return -ECHILD;
    if (found == nullptr && changed != nullptr) {
      // Told once (unless WNOWAIT), and not reaped: 0x7f | sig << 8 for a
      // stop, 0xffff for a continue, as Linux's wait status says.
      const bool stop = (req.arg & WUNTRACED) != 0 && changed->stop_untold;
      req.status = stop ? 0x7f | (changed->stop_sig << 8) : 0xffff;
      req.usage_ns = 0;
      req.maxrss_kb = 0;
      if ((req.arg & WNOWAIT) == 0)
        (stop ? changed->stop_untold : changed->continued_untold) = false;
      return changed->pid;
    }
    if (found == nullptr) return (req.arg & WNOHANG) != 0 ? 0 : -EAGAIN;
    req.status = found->wait_status;
    req.usage_ns = 0;
    req.maxrss_kb = found->maxrss_kb;
    pid = found->pid;
    if ((req.arg & WNOWAIT) == 0) {
      auto it = procs_.find(pid);
      reaped = std::move(it->second);
      procs_.erase(it);
    }
  }
  if (reaped && reaped->thread.joinable()) reaped->thread.join();
  return pid;
}

int64_t ProcessTable::Kill(Process* caller, int32_t pid, int sig) {
  if (sig < 0 || sig > 64) return -EINVAL;
  std::lock_guard lock(mu_);
  std::vector<Process*> targets;
  for (auto& [id, q] : procs_) {
    const bool match = pid > 0     ? q->pid == pid
                       : pid == 0  ? q->pgid == caller->pgid
                       : pid == -1 ? q->pid != 1 && q.get() != caller
                                   : q->pgid == -static_cast<int64_t>(pid);
    if (match) targets.push_back(q.get());
  }
  if (targets.empty()) return -ESRCH;
  // Linux's kill_ok_by_cred: the sender's real or effective uid is the
  // target's real or saved one, or the sender holds CAP_KILL; a SIGCONT
  // within the session is always allowed. Of several targets, those it may
  // not signal are skipped; none at all is EPERM.
  auto may = [&](const Process* t) {
    return t == caller || caller->cap_kill || (sig == SIGCONT && t->sid == caller->sid) ||
           caller->euid == t->suid || caller->euid == t->ruid || caller->ruid == t->suid ||
           caller->ruid == t->ruid;
  };
  std::erase_if(targets, [&](const Process* t) { return !may(t); });
  if (targets.empty()) return -EPERM;
  if (sig == 0) return 0;
  for (Process* t : targets) SendSignal(t, sig);
  return 0;
}

void ProcessTable::SignalInit(int sig) {
  std::lock_guard lock(mu_);
  if (Process* init = Find(1); init != nullptr) {
    if (!init->zombie) SendSignal(init, sig);
  } else {
    early_signals_ |= 1ull << (sig - 1);  // before init is in the table: RunInit sends it
  }
}

int64_t ProcessTable::Proc(int32_t pid, hv_proc& req) {
  Process* caller;
  {
    std::lock_guard lock(mu_);
    caller = Find(pid);
  }
  if (caller == nullptr) return -ESRCH;
  switch (req.op) {
    case HV_PROC_WAIT:
      return Wait(caller, req);
    case HV_PROC_KILL:
      return Kill(caller, req.pid, req.arg);
    default:
      break;
  }
  std::lock_guard lock(mu_);
  switch (req.op) {
    case HV_PROC_GETPPID:
      return caller->ppid;
    case HV_PROC_GETPGID:
    case HV_PROC_GETSID: {
      Process* p = req.pid == 0 ? caller : Find(req.pid);
      if (p == nullptr) return -ESRCH;
      return req.op == HV_PROC_GETPGID ? p->pgid : p->sid;
    }
    case HV_PROC_SETPGID: {
      if (req.arg < 0) return -EINVAL;
      Process* p = req.pid == 0 ? caller : Find(req.pid);
      if (p == nullptr || (p != caller && p->ppid != caller->pid)) return -ESRCH;
      if (p->sid != caller->sid || p->sid == p->pid) return -EPERM;
      const int32_t pgid = req.arg == 0 ? p->pid : req.arg;
      if (pgid != p->pid) {
        bool exists = false;
        for (auto& [id, q] : procs_) exists |= q->pgid == pgid && q->sid == caller->sid;
        if (!exists) return -EPERM;
      }
      p->pgid = pgid;
      return 0;
    }
    case HV_PROC_SET_CREDS:
      caller->ruid = static_cast<uint32_t>(req.pid);
      caller->euid = static_cast<uint32_t>(req.arg);
      caller->suid = static_cast<uint32_t>(req.status);
      caller->cap_kill = (req.usage_ns & 1) != 0;
      return 0;
    case HV_PROC_SET_PDEATHSIG:
      if (req.arg < 0 || req.arg > 64) return -EINVAL;
      caller->pdeath_sig = req.arg;
      return 0;
    case HV_PROC_NEW_TIDS: {
      if (req.arg < 1 || req.arg > 1024) return -EINVAL;
      if (next_pid_ > INT32_MAX - req.arg) return -EAGAIN;  // never wraps onto a live id
      const int32_t first = next_pid_;
      next_pid_ += req.arg;
      return first;
    }
    case HV_PROC_STOP: {
      if (req.arg != SIGSTOP && req.arg != SIGTSTP && req.arg != SIGTTIN && req.arg != SIGTTOU)
        return -EINVAL;
      if (caller->pid == 1) return -EPERM;  // init does not stop
      // A SIGCONT that came in between (its bit still set): no stop at all.
      if ((std::atomic_ref<uint64_t>(*caller->signals()).load() & (1ull << (SIGCONT - 1))) != 0)
        return 1;
      caller->stopped = true;
      caller->stop_sig = req.arg;
      caller->stop_untold = true;
      caller->continued_untold = false;
      if (Process* parent = Find(caller->ppid); parent != nullptr) TellParent(parent);
      return 0;
    }
    case HV_PROC_SET_SUBREAPER:
      if (req.arg != 0 && req.arg != 1) return -EINVAL;
      caller->subreaper = req.arg == 1;
      return 0;
    case HV_PROC_SET_NOCLDWAIT:
      if ((req.arg & ~3) != 0) return -EINVAL;
      caller->nocldwait = (req.arg & 1) != 0;
      caller->nocldstop = (req.arg & 2) != 0;
      return 0;
    case HV_PROC_SETSID: {
      bool leader = false;
      for (auto& [id, q] : procs_) leader |= q->pgid == caller->pid;
      if (leader) return -EPERM;
      caller->sid = caller->pgid = caller->pid;
      return caller->sid;
    }
    default:
      return -EINVAL;
  }
}

HypercallOutcome ProcessTable::Exec(int32_t pid, const ServiceContext& ctx, uint64_t arg) {
  ExecService* exec;
  {
    std::lock_guard lock(mu_);
    Process* p = Find(pid);
    if (p == nullptr || !p->exec) return HypercallOutcome::Reply(-ESRCH);
    exec = p->exec.get();
  }
  // Only this process's own serve thread is here: its ExecService is its own.
  return exec->Handle(ctx, arg);
}

void ProcessTable::StopAll() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    ending_ = true;
    for (auto& [pid, q] : procs_) {
      if (pid != 1 && !q->zombie) {
        q->killed_by.store(SIGKILL);
        q->image.backend->Stop();
      }
      if (q->thread.joinable()) threads.push_back(std::move(q->thread));
    }
  }
  for (std::thread& t : threads) t.join();
}

int64_t ProcessTable::ProcInfo(int32_t pid, const GuestMemory& memory, uint64_t arg) {
  auto req = memory.Read<hv_proc_info>(arg);
  if (!req.ok()) return -EFAULT;
  // Guest strings come out before the lock; the bounds are the ABI's.
  auto take = [&](uint64_t at, uint64_t len, uint64_t max, std::string* out) -> int64_t {
    if (len > max) return -EINVAL;
    auto bytes = memory.Span(at, len);
    if (!bytes.ok()) return -EFAULT;
    out->assign(bytes->begin(), bytes->end());
    return 0;
  };
  switch (req->op) {
    case HV_PROCINFO_SET: {
      if ((req->fields & ~(HV_PROCINFO_COMM | HV_PROCINFO_CMDLINE | HV_PROCINFO_EXE)) != 0) {
        return -EINVAL;
      }
      std::string cmdline, exe;
      if (req->fields & HV_PROCINFO_CMDLINE) {
        if (int64_t r = take(req->cmdline, req->cmdline_len, HV_PROCINFO_CMDLINE_MAX, &cmdline);
            r < 0) {
          return r;
        }
      }
      if (req->fields & HV_PROCINFO_EXE) {
        if (int64_t r = take(req->exe, req->exe_len, HV_PATH_MAX, &exe); r < 0) return r;
      }
      std::lock_guard lock(mu_);
      Process* self = Find(pid);
      if (self == nullptr) return -ESRCH;
      if (req->fields & HV_PROCINFO_COMM) {
        self->comm.assign(req->comm, strnlen(req->comm, sizeof req->comm - 1));
      }
      if (req->fields & HV_PROCINFO_CMDLINE) self->cmdline = std::move(cmdline);
      if (req->fields & HV_PROCINFO_EXE) self->exe = std::move(exe);
      return 0;
    }
    case HV_PROCINFO_GET: {
      hv_proc_info out = *req;
      std::string cmdline, exe;
      {
        std::lock_guard lock(mu_);
        Process* p = Find(req->pid);
        if (p == nullptr || p->auto_reaped) return -ESRCH;
        out.ppid = p->ppid;
        out.pgid = p->pgid;
        out.sid = p->sid;
        out.uid = p->ruid;
        out.state = p->zombie ? 'Z' : (p->pid == pid ? 'R' : (p->stopped ? 'T' : 'S'));
        std::memset(out.comm, 0, sizeof out.comm);
        std::memcpy(out.comm, p->comm.data(), std::min(p->comm.size(), sizeof out.comm - 1));
        out.start_ns = static_cast<uint64_t>(absl::ToInt64Nanoseconds(p->started - started_));
        cmdline = p->cmdline;
        exe = p->exe;
      }
      auto give = [&](const std::string& text, uint64_t at, uint64_t* len) -> bool {
        const uint64_t n = std::min<uint64_t>(*len, text.size());
        *len = n;
        return n == 0 ||
               memory.WriteBytes(at, {reinterpret_cast<const uint8_t*>(text.data()), n}).ok();
      };
      if (!give(cmdline, req->cmdline, &out.cmdline_len) || !give(exe, req->exe, &out.exe_len)) {
        return -EFAULT;
      }
      return memory.Write(arg, out).ok() ? 0 : -EFAULT;
    }
    case HV_PROCINFO_LIST: {
      std::vector<int32_t> pids;
      {
        std::lock_guard lock(mu_);
        for (const auto& [id, p] : procs_) {
          if (!p->auto_reaped) pids.push_back(id);
        }
      }
      const uint64_t n = std::min<uint64_t>(req->cmdline_len, pids.size());
      if (n > 0 && !memory
                        .WriteBytes(req->cmdline, {reinterpret_cast<const uint8_t*>(pids.data()),
                                                   n * sizeof(int32_t)})
                        .ok()) {
        return -EFAULT;
      }
      return static_cast<int64_t>(pids.size());
    }
    default:
      return -EINVAL;
  }
}

}  // namespace hvrun
