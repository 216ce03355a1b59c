// Processes: fork, wait, process groups, kill between processes and execve.
// Every process is its own guest; hvrun's process table (hvrun/
// process_table.h) creates them and keeps pids, parents and statuses.
//
// fork: the calling thread saves its context (hvrt_fork_save) and makes
// HV_CALL_FORK; hvrun copies this guest's memory, and the copy boots with
// HV_BOOT_FORKED, where boot::ResumeFork() returns into that saved context
// with 0. execve is in place (HV_CALL_EXEC): the runtime keeps its files,
// fds and cwd; only the program changes.
#include "runtime/boot/boot.h"
#include "runtime/boot/boot_info.h"
#include "runtime/boot/initial_stack.h"
#include "runtime/boot/native.h"
#include "runtime/hv/clock.h"
#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/hv/panic.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/resource.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/timers.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/shared_maps.h"
#include "runtime/vfs/tmpfs.h"
#include "runtime/vfs/vfs.h"
#include "syscall-shim/dispatch.h"

extern "C" int64_t hvrt_fork_save(uint64_t* save_rsp, int64_t (*fn)());
extern "C" [[noreturn]] void hvrt_fork_resume(uint64_t rsp);
extern "C" [[noreturn]] void hvrt_enter_app(uint64_t entry, uint64_t sp);

namespace hvrt {
namespace {

// Where the forking thread's context is: copied into the child with the
// rest of memory.
constinit uint64_t g_fork_rsp = 0;

constinit uint64_t g_fork_flags = 0;  // HV_FORK_*, for ForkCall (no arguments)

int64_t ForkCall() {
  uint64_t flags = g_fork_flags;
  return hv::Call(HV_CALL_FORK, &flags);
}

// fork(2) and the clone(2)s that make a process. (child_tid): with
// CLONE_CHILD_SETTID, where the child's tid goes in the child; with
// CLONE_CHILD_CLEARTID, its set_tid_address. (parent_tid): with
// CLONE_PARENT_SETTID, where it goes in the parent.
int64_t Fork(uint64_t flags, uint64_t parent_tid, uint64_t child_tid, uint64_t tls) {
  sched::PrepareFork();
  g_fork_flags = (flags & abi::kCLONE_PARENT) != 0 ? HV_FORK_PARENT : 0;
  int64_t r = hvrt_fork_save(&g_fork_rsp, ForkCall);
  if (r != 0) {
    if (r > 0) mm::shared_anon::AfterForkParent();
    if (r > 0 && (flags & abi::kCLONE_PARENT_SETTID) != 0) {
      int32_t tid = static_cast<int32_t>(r);
      user::CopyOut(parent_tid, &tid, sizeof tid);
    }
    return r;
  }
  // The child: boot::ResumeFork brought us here.
  int32_t pid = static_cast<int32_t>(boot::Info().pid);
  process::SetPid(pid);
  process::ForgetReapedChildren();
  process::Prctl().child_subreaper = 0;  // not inherited (nor in hvrun's table)
  sched::AfterFork(pid);
  signals::AfterFork();
  timers::AfterFork();
  mm::shared_anon::AfterForkChild();
  // MADV_DONTFORK ranges are not this child's (after AfterForkChild: a
  // shared range dropped here is inherited, not this process's own): no
  // shared file mapping of them either (their bytes are the parent's to
  // write back).
  uint64_t lo, hi;
  for (uint64_t p = 0; mm::protect::NextWith(p, mm::protect::kDontFork, &lo, &hi); p = hi) {
    shared_maps::Forget(lo, hi - lo);
  }
  mm::DropDontFork();
  if ((flags & abi::kCLONE_SETTLS) != 0) cpu::SetFsBase(tls);
  if ((flags & abi::kCLONE_CLEAR_SIGHAND) != 0) signals::ClearHandlers();
  if ((flags & abi::kCLONE_CHILD_SETTID) != 0) user::CopyOut(child_tid, &pid, sizeof pid);
  sched::SetClearChildTid((flags & abi::kCLONE_CHILD_CLEARTID) != 0 ? child_tid : 0);
  return 0;
}

int64_t Proc(uint32_t op, int32_t pid, int32_t arg, hv_proc* out = nullptr) {
  hv_proc p = {op, pid, arg, 0, 0};
  int64_t r = hv::Call(HV_CALL_PROC, &p);
  if (out != nullptr) *out = p;
  return r;
}

// Waits as wait4 does for (pid) with (options); the child's wait status in
// (*status). Blocks this thread only, on the process's events word.
// A signal with a handler ends the wait: kERESTARTSYS (SA_RESTART waits
// again after the handler, else -EINTR), unless a child is ready by then:
// as on Linux, the child that changed (and sent the SIGCHLD) is reported
// first, the handler runs after.
int64_t WaitFor(int32_t pid, int32_t options, hv_proc* out) {
  constexpr int32_t kWNOHANG = 1, kWNOWAIT = 0x01000000;
  auto ask = [&](int32_t opts) {
    int64_t r = Proc(HV_PROC_WAIT, pid, opts, out);
    if (r > 0 && (opts & kWNOWAIT) == 0) process::ReapedChild(out->maxrss_kb);
    return r;
  };
  for (;;) {
    const uint32_t seen = __atomic_load_n(process::EventsWord(), __ATOMIC_ACQUIRE);
    int64_t r = ask(options);
    if (r != -abi::kEAGAIN) return r;
    process::TakeSignals();
    if (signals::HandlerPending()) {
      r = ask(options | kWNOHANG);
      return r != 0 && r != -abi::kEAGAIN ? r : -signals::kERESTARTSYS;
    }
    sched::BlockOnWord(process::EventsWord(), seen);
  }
}

}  // namespace

namespace boot {

// The child's first instructions after hvrt_start: see sys_process.cc.
[[noreturn]] void ResumeFork(const hv_boot_info* bi) {
  hv::Init(bi->hypercall_entry);
  if (bi->segment_base_entry != 0) cpu::UseSegmentBaseCall(bi->segment_base_entry);
  hv_boot_info info = Info();
  info.pid = bi->pid;
  info.ppid = bi->ppid;
  info.flags = bi->flags;
  // A new VM (kvm) has a kvmclock of its own, counting from its creation.
  info.pvclock = bi->pvclock;
  info.pvclock_offset_ns = bi->pvclock_offset_ns;
  SetInfo(info);
  clock::Init(info.clock, info.pvclock, info.pvclock_offset_ns);
  process::UseBootPage(const_cast<hv_boot_info*>(bi));
  mm::BackAgain();
  mm::Reprotect();
  hv_register reg = shim::Registration();
  if (int64_t r = hv::Call(HV_CALL_REGISTER, &reg); r < 0)
    Panic("HV_CALL_REGISTER failed in a forked child: %ld", static_cast<long>(r));
  hvrt_fork_resume(g_fork_rsp);
}

}  // namespace boot

// Fork implements Linux syscall fork(2): a new process, a copy of this one.
int64_t sys_fork(hv_syscall_frame&) { return Fork(0, 0, 0, 0); }

// Vfork implements Linux syscall vfork(2) as fork: the child has its own
// copy of memory (so it cannot disturb the parent's), and the parent does
// not wait for its exec.
int64_t sys_vfork(hv_syscall_frame&) { return Fork(0, 0, 0, 0); }

// A clone(2) without CLONE_VM (or with CLONE_VFORK and no new stack) makes
// a process: see sys_thread.cc.
int64_t CloneProcess(hv_syscall_frame& f, uint64_t flags, uint64_t stack, uint64_t parent_tid,
                     uint64_t child_tid, uint64_t tls) {
  constexpr uint64_t kAllowed = abi::kCSIGNAL | abi::kCLONE_CHILD_SETTID |
                                abi::kCLONE_CHILD_CLEARTID | abi::kCLONE_PARENT_SETTID |
                                abi::kCLONE_VM | abi::kCLONE_VFORK | abi::kCLONE_FS |
                                abi::kCLONE_FILES | abi::kCLONE_SYSVSEM | abi::kCLONE_DETACHED |
                                abi::kCLONE_SETTLS | abi::kCLONE_PARENT | abi::kCLONE_CLEAR_SIGHAND;
  if ((flags & ~kAllowed) != 0) return shim::ReportUnsupported(f);
  // Linux: a TLS base that is no user address is EPERM (do_arch_prctl).
  if ((flags & abi::kCLONE_SETTLS) != 0 && tls >= (1ull << 47)) return -abi::kEPERM;
  // Linux: init cannot give its children its own parent.
  if ((flags & abi::kCLONE_PARENT) != 0 && process::Pid() == 1) return -abi::kEINVAL;
  // A shared address space cannot be two guests: CLONE_VM only as vfork.
  if ((flags & abi::kCLONE_VM) != 0 && (flags & abi::kCLONE_VFORK) == 0) {
    return shim::ReportUnsupported(f);
  }
  const int64_t r = Fork(flags, parent_tid, child_tid, tls);
  // glibc's posix_spawn (and so system()): CLONE_VM|CLONE_VFORK on a stack
  // of its own, which the child starts on. The child here has a copy of the
  // memory, not the parent's: an exec error it writes for the parent stays
  // its own (posix_spawn returns the pid, and the child exits 127), and the
  // parent does not wait for its exec.
  if (r == 0 && stack != 0) f.rsp = stack;
  return r;
}

// Wait4 implements Linux syscall wait4(2); rusage is reported as zero.
int64_t sys_wait4(hv_syscall_frame& f) {
  int32_t pid = Int(f.args[0]);
  int32_t options = Int(f.args[2]);
  constexpr int32_t kKnown = 1 | 2 | 8 | 0x01000000 | 0x20000000 | 0x40000000 | 0x80000000;
  if ((options & ~kKnown) != 0) return -abi::kEINVAL;
  if (pid == INT32_MIN) return -abi::kESRCH;
  hv_proc out = {};
  int64_t r = WaitFor(pid, options, &out);
  if (r > 0 && f.args[1] != 0) {
    if (int64_t c = user::CopyOut(f.args[1], &out.status, sizeof out.status); c < 0) return c;
  }
  if (r >= 0 && f.args[3] != 0) {
    // The child's ru_maxrss; hvrun keeps no CPU times for it (zero).
    abi::Rusage ru = {};
    if (r > 0) ru.ru_maxrss = static_cast<int64_t>(out.maxrss_kb);
    if (int64_t c = user::CopyOut(f.args[3], &ru, sizeof ru); c < 0) return c;
  }
  return r;
}

// Getrusage implements Linux syscall getrusage(2): RUSAGE_SELF and
// RUSAGE_THREAD give the CPU time the runtime's clock approximates
// (clock.h: time since start, as user time) and the process's ru_maxrss;
// RUSAGE_CHILDREN the largest ru_maxrss of the children it reaped, and no
// times (hvrun keeps none for them). Every other field is zero.
int64_t sys_getrusage(hv_syscall_frame& f) {
  constexpr int32_t kRUSAGE_SELF = 0, kRUSAGE_CHILDREN = -1, kRUSAGE_THREAD = 1;
  const int32_t who = Int(f.args[0]);
  if (who != kRUSAGE_SELF && who != kRUSAGE_CHILDREN && who != kRUSAGE_THREAD) return -abi::kEINVAL;
  abi::Rusage ru = {};
  if (who == kRUSAGE_CHILDREN) {
    ru.ru_maxrss = static_cast<int64_t>(process::MaxRssKb(/*children=*/true));
  } else {
    constexpr int32_t kCLOCK_PROCESS_CPUTIME_ID = 2, kCLOCK_THREAD_CPUTIME_ID = 3;
    int64_t ns = 0;
    clock::Read(who == kRUSAGE_SELF ? kCLOCK_PROCESS_CPUTIME_ID : kCLOCK_THREAD_CPUTIME_ID, &ns);
    ru.ru_utime = {ns / 1000000000, (ns % 1000000000) / 1000};
    ru.ru_maxrss = static_cast<int64_t>(process::MaxRssKb(/*children=*/false));
  }
  return user::CopyOut(f.args[1], &ru, sizeof ru);
}

// Waitid implements Linux syscall waitid(2) for WEXITED (P_ALL, P_PID,
// P_PGID), with WSTOPPED, WCONTINUED, WNOHANG and WNOWAIT (an exited child
// is reported whenever one is there: WEXITED is required).
int64_t sys_waitid(hv_syscall_frame& f) {
  uint32_t idtype = static_cast<uint32_t>(f.args[0]);
  int32_t id = Int(f.args[1]);
  int32_t options = Int(f.args[3]);
  constexpr int32_t kWEXITED = 4, kWNOHANG = 1, kWNOWAIT = 0x01000000, kWSTOPPED = 2,
                    kWCONTINUED = 8;
  if ((options & kWEXITED) == 0) return -abi::kEINVAL;
  int32_t pid = idtype == 0 ? -1 : idtype == 1 ? id : idtype == 2 ? (id == 0 ? 0 : -id) : 0;
  if (idtype > 2 || (idtype == 1 && id <= 0)) return -abi::kEINVAL;
  hv_proc out = {};
  int64_t r = WaitFor(pid, options & (kWNOHANG | kWNOWAIT | kWSTOPPED | kWCONTINUED), &out);
  if (r < 0) return r;
  int32_t info[32] = {};
  if (r > 0) {
    const int32_t st = out.status;
    const int32_t sig = st & 0x7f;
    info[0] = abi::kSIGCHLD;
    info[2] = sig == 0 ? 1 : ((st & 0x80) != 0 ? 3 : 2);  // CLD_EXITED, CLD_DUMPED, CLD_KILLED
    info[4] = static_cast<int32_t>(r);
    info[5] = static_cast<int32_t>(cred::Uid().real);  // the child's, as its parent's here
    info[6] = sig == 0 ? (st >> 8) & 0xff : sig;
    if (st == 0xffff) {  // continued
      info[2] = 6;       // CLD_CONTINUED
      info[6] = abi::kSIGCONT;
    } else if ((st & 0xff) == 0x7f) {  // stopped
      info[2] = 5;                     // CLD_STOPPED
      info[6] = (st >> 8) & 0xff;
    }
  }
  if (f.args[2] != 0) {
    if (int64_t c = user::CopyOut(f.args[2], info, sizeof info); c < 0) return c;
  }
  return 0;
}

// Getppid implements Linux syscall getppid(2): the parent, or 1 (init) once
// the parent has ended; 0 for the first process.
int64_t sys_getppid(hv_syscall_frame&) { return process::Ppid(); }

// Setpgid, Getpgid, Getpgrp, Setsid and Getsid implement the Linux
// syscalls of the same names with hvrun's process table.
int64_t sys_setpgid(hv_syscall_frame& f) {
  return Proc(HV_PROC_SETPGID, Int(f.args[0]), Int(f.args[1]));
}
int64_t sys_getpgid(hv_syscall_frame& f) { return Proc(HV_PROC_GETPGID, Int(f.args[0]), 0); }
int64_t sys_getpgrp(hv_syscall_frame&) { return Proc(HV_PROC_GETPGID, 0, 0); }
int64_t sys_setsid(hv_syscall_frame&) { return Proc(HV_PROC_SETSID, 0, 0); }
int64_t sys_getsid(hv_syscall_frame& f) { return Proc(HV_PROC_GETSID, Int(f.args[0]), 0); }

// Another process's kill(2) (sys_signal.cc handles this process itself).
int64_t KillOther(int32_t pid, int32_t sig) {
  int64_t r = Proc(HV_PROC_KILL, pid, sig);
  process::TakeSignals();  // pid 0 or -1 may have included this process
  return r;
}

}  // namespace hvrt
