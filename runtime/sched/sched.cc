// Green threads: see sched.h.
#include "runtime/sched/sched.h"

#include "runtime/hv/clock.h"
#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/hv/panic.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/process.h"
#include "runtime/linux/timers.h"
#include "runtime/linux/user.h"

namespace hvrt::sched {
namespace {

// Room for x87, SSE, AVX and AVX-512 state in the standard XSAVE format
// (2696 bytes with PKRU). AMX tile state is never saved (see InitXstate).
constexpr uint32_t kXstateSize = kXstateBytes;

enum State : uint8_t { kFree, kRunnable, kRunning, kBlocked };

struct Thread {
  // First, so that the 64-byte alignment XSAVE needs holds for every slot.
  alignas(64) uint8_t xstate[kXstateSize];
  int32_t tid;
  State state;
  bool fresh;                // never ran: start with hvrt_ctx_enter(start)
  uint32_t ticks;            // syscalls since it last gave way (Tick)
  uint64_t rsp;              // runtime rsp saved by the last switch away
  uint64_t fs, gs;           // the app's segment bases while not running
  uint64_t clear_child_tid;  // CLONE_CHILD_CLEARTID / set_tid_address
  uint64_t robust_list;      // set_robust_list (stored; not walked at exit)
  // While blocked:
  const uint32_t* host_done;  // a queued hv_async's done word, or null
  uint32_t host_seen;         // runnable once *host_done != host_seen
  uint64_t uaddr;             // futex word, or 0 for a sleep
  uint32_t bitset;
  int64_t deadline;     // CLOCK_MONOTONIC ns, or kForever
  uint64_t seq;         // wait order: FIFO wakeups
  int64_t result;       // what Block returns
  hvrt_app_regs start;  // for a fresh thread
};

constinit Thread g_threads[kMaxThreads] = {};
constinit Thread* g_current = nullptr;
constinit int g_live = 0;
constinit int g_high = 0;  // slots [0, g_high) have ever been used
// Thread ids come from hvrun's pid space (HV_PROC_NEW_TIDS), a block at a
// time, so that a tid is never some process's pid: kill(2) of a child that
// has been reaped must not find a thread of this process instead. Where
// hvrun has no process table to ask (ENOSYS), from this local count.
constinit int32_t g_next_tid = 2;
constinit int32_t g_tid_block_next = 0, g_tid_block_end = 0;
constexpr int32_t kTidBlock = 16;

int32_t NewTid() {
  if (g_tid_block_next == g_tid_block_end) {
    hv_proc p = {HV_PROC_NEW_TIDS, 0, kTidBlock, 0, 0, 0};
    const int64_t first = hv::Call(HV_CALL_PROC, &p);
    if (first <= 0) return g_next_tid++;
    g_tid_block_next = static_cast<int32_t>(first);
    g_tid_block_end = g_tid_block_next + kTidBlock;
  }
  return g_tid_block_next++;
}
constinit uint64_t g_seq = 0;
constinit uint64_t g_dead_rsp = 0;  // where a dying thread's switch saves its rsp
// hvrun adds 1 to process::EventsWord() whenever a queued request completes
// (hv_async.counter), a child ends or a signal comes.
inline uint32_t* Completions() { return process::EventsWord(); }

// Run queue: a ring of slot indices; a thread is in it at most once.
constinit int16_t g_queue[kMaxThreads] = {};
constinit int g_qhead = 0;
constinit int g_qcount = 0;

constinit bool g_xinit = false;
constinit uint64_t g_xmask = 0;  // 0: fxsave (no XSAVE)

void Enqueue(Thread* t) {
  t->state = kRunnable;
  g_queue[(g_qhead + g_qcount) % kMaxThreads] = static_cast<int16_t>(t - g_threads);
  g_qcount++;
}

Thread* Dequeue() {
  if (g_qcount == 0) return nullptr;
  Thread* t = &g_threads[g_queue[g_qhead]];
  g_qhead = (g_qhead + 1) % kMaxThreads;
  g_qcount--;
  return t;
}

// Which extended state a switch saves: XCR0's user components except AMX
// tile config/data (bits 17, 18: Linux arms XFD for them, so touching them
// without a permission request faults; no static app here uses AMX). Panics
// if they do not fit kXstateSize, rather than silently dropping app state.
void InitXstate() {
  g_xinit = true;
  g_xmask = 0;
  if ((cpu::Cpuid(1, 0).ecx & (1u << 27)) == 0) return;  // no OSXSAVE: fxsave
  uint64_t mask = hvrt_xgetbv0() & ~((1ull << 17) | (1ull << 18));
  uint32_t size = 576;  // legacy area + XSAVE header
  for (uint32_t i = 2; i < 63; i++) {
    if ((mask & (1ull << i)) == 0) continue;
    cpu::CpuidResult c = cpu::Cpuid(0xd, i);
    if (c.ebx + c.eax > size) size = c.ebx + c.eax;
  }
  if (size > kXstateSize) {
    Panic("threads: the XSAVE area for XCR0 0x%lx needs %u bytes; the runtime has %u",
          static_cast<unsigned long>(mask), size, kXstateSize);
  }
  g_xmask = mask;
}

// Makes (next) the running thread. Returns when someone switches back to the
// caller's thread (or at once if next is the caller).
void SwitchTo(Thread* next) {
  Thread* prev = g_current;
  next->state = kRunning;
  next->ticks = 0;
  if (next == prev) return;
  bool prev_dead = prev->state == kFree;
  if (!prev_dead) {
    prev->fs = cpu::FsBase();
    prev->gs = cpu::GsBase();
    hvrt_xstate_save(prev->xstate, g_xmask);
  }
  // The runtime itself never uses fs, gs or vector registers, so the next
  // thread's may be loaded before its code runs.
  hvrt_xstate_restore(next->xstate, g_xmask);
  cpu::SetFsBase(next->fs);
  cpu::SetGsBase(next->gs);
  g_current = next;
  uint64_t* save = prev_dead ? &g_dead_rsp : &prev->rsp;
  if (next->fresh) {
    next->fresh = false;
    hvrt_ctx_enter(save, &next->start);
  } else {
    hvrt_ctx_switch(save, next->rsp);
  }
  // Back on prev's stack: whoever switched to us set g_current = prev.
}

// HV_CALL_WAIT until (deadline_ns), or, with (on_completions), until the
// completion counter no longer holds (seen).
void WaitInHvrun(int64_t deadline_ns, bool on_completions, uint32_t seen) {
  hv_wait w = {.deadline_ns = deadline_ns,
               .word = on_completions ? reinterpret_cast<uint64_t>(Completions()) : 0,
               .seen = seen,
               .pad0 = 0};
  hv::Call(HV_CALL_WAIT, &w);
}

// Whether hvrun has finished (t)'s queued request. Acquire: hvrun wrote the
// result before done.
bool HostDone(const Thread& t) {
  return __atomic_load_n(t.host_done, __ATOMIC_ACQUIRE) != t.host_seen;
}

[[noreturn]] void Deadlock() {
  const Thread* first = nullptr;
  for (int i = 0; i < g_high; i++) {
    if (g_threads[i].state == kBlocked) {
      first = &g_threads[i];
      break;
    }
  }
  Panic(
      "deadlock: all %d live threads would block forever (nothing can wake them); "
      "e.g. tid %d waits on futex 0x%lx",
      g_live, first ? first->tid : 0, first ? static_cast<unsigned long>(first->uaddr) : 0ul);
}

// Runs the next runnable thread; the current one has already blocked, died,
// or (requeue) goes to the back of the queue. The idle loop runs here, on
// the current thread's stack: no app code runs until something is runnable.
void Schedule(bool requeue) {
  for (;;) {
    // Read before the done words: a completion after this read changes the
    // count, so the HV_CALL_WAIT below returns at once instead of missing it.
    const uint32_t completions = __atomic_load_n(Completions(), __ATOMIC_ACQUIRE);
    // Signals from other processes end or interrupt us here too (a process
    // blocked for good must still die of SIGTERM).
    process::TakeSignals();
    timers::Poll();  // an expired timer's signal may wake a waiter
    int64_t now = static_cast<int64_t>(clock::MonotonicNs());
    int64_t earliest = timers::Earliest();  // sleep in hvrun no later
    bool host_waits = false;
    for (int i = 0; i < g_high; i++) {
      Thread& t = g_threads[i];
      if (t.state != kBlocked) continue;
      if (t.host_done != nullptr) {
        if (HostDone(t)) {
          t.host_done = nullptr;
          Enqueue(&t);
        } else if (t.deadline <= now) {  // BlockOnWordUntil's deadline
          t.host_done = nullptr;
          t.result = -abi::kETIMEDOUT;
          Enqueue(&t);
        } else {
          host_waits = true;
          if (t.deadline < earliest) earliest = t.deadline;
        }
        continue;
      }
      if (t.deadline == kForever) continue;
      if (t.deadline <= now) {
        t.result = -abi::kETIMEDOUT;
        t.uaddr = 0;
        Enqueue(&t);
      } else if (t.deadline < earliest) {
        earliest = t.deadline;
      }
    }
    if (requeue) {
      Enqueue(g_current);
      requeue = false;
    }
    if (Thread* next = Dequeue()) {
      SwitchTo(next);
      return;
    }
    if (earliest == kForever && !host_waits) Deadlock();
    WaitInHvrun(earliest, host_waits, completions);
  }
}

// The waiter on (uaddr) matching (bitset) that waited longest, or nullptr.
Thread* OldestWaiter(uint64_t uaddr, uint32_t bitset) {
  Thread* best = nullptr;
  for (int i = 0; i < g_high; i++) {
    Thread& t = g_threads[i];
    if (t.state == kBlocked && t.uaddr == uaddr && uaddr != 0 && (t.bitset & bitset) != 0 &&
        (best == nullptr || t.seq < best->seq)) {
      best = &t;
    }
  }
  return best;
}

}  // namespace

void Reset() {
  // Only the slots ever used: the table is ~0.8 MB of .bss (xsave areas), and
  // touching all of it at boot costs a page fault per page (expensive under
  // nested virtualization); untouched .bss is already zero.
  for (int i = 0; i < g_high; i++) {
    g_threads[i].state = kFree;
    g_threads[i].tid = 0;
  }
  g_threads[0].tid = process::Pid();
  g_threads[0].state = kRunning;
  g_threads[0].fresh = false;
  g_threads[0].clear_child_tid = 0;
  g_threads[0].robust_list = 0;
  g_threads[0].ticks = 0;
  g_threads[0].host_done = nullptr;
  g_current = &g_threads[0];
  g_live = 1;
  g_high = 1;
  g_next_tid = 2;
  g_tid_block_next = g_tid_block_end = 0;
  g_seq = 0;
  g_qhead = 0;
  g_qcount = 0;
}

int32_t CurrentTid() { return g_current->tid; }
int CurrentSlot() { return g_current == nullptr ? 0 : static_cast<int>(g_current - g_threads); }
int SlotOf(int32_t tid) {
  for (int i = 0; i < g_high; i++) {
    if (g_threads[i].state != kFree && g_threads[i].tid == tid) return i;
  }
  return -1;
}
bool SlotLive(int i) { return i >= 0 && i < g_high && g_threads[i].state != kFree; }
int SlotsUsed() { return g_high; }
int LiveCount() { return g_live; }

bool Alive(int32_t tid) { return SlotOf(tid) >= 0; }

void SetClearChildTid(uint64_t addr) { g_current->clear_child_tid = addr; }
void SetRobustList(uint64_t head) { g_current->robust_list = head; }
int64_t RobustListOf(int32_t tid) {
  const int i = SlotOf(tid);
  return i < 0 ? -1 : static_cast<int64_t>(g_threads[i].robust_list);
}

int64_t Clone(const hv_syscall_frame& f, const CloneRequest& r) {
  if (!g_xinit) InitXstate();
  Thread* c = nullptr;
  for (Thread& t : g_threads) {
    if (t.state == kFree) {
      c = &t;
      break;
    }
  }
  if (c == nullptr) return -abi::kEAGAIN;  // Linux: over RLIMIT_NPROC / threads-max
  int32_t tid = NewTid();
  uint32_t tid32 = static_cast<uint32_t>(tid);
  if ((r.flags & abi::kCLONE_PARENT_SETTID) != 0) {
    if (int64_t e = user::CopyOut(r.parent_tid, &tid32, sizeof tid32); e < 0) return e;
  }
  if ((r.flags & abi::kCLONE_CHILD_SETTID) != 0) {
    if (int64_t e = user::CopyOut(r.child_tid, &tid32, sizeof tid32); e < 0) return e;
  }
  c->tid = tid;
  c->fresh = true;
  c->ticks = 0;
  c->rsp = 0;
  c->fs = (r.flags & abi::kCLONE_SETTLS) != 0 ? r.tls : cpu::FsBase();
  c->gs = cpu::GsBase();
  c->clear_child_tid = (r.flags & abi::kCLONE_CHILD_CLEARTID) != 0 ? r.child_tid : 0;
  c->robust_list = 0;  // Linux: a new thread has none until it registers
  c->host_done = nullptr;
  c->uaddr = 0;
  c->deadline = kForever;
  c->result = 0;
  // As if returning from this syscall: rax = 0, rcx/r11 as `syscall` leaves
  // them, the rest the parent's (glibc's clone wrappers depend on rbx etc.).
  c->start = hvrt_app_regs{
      .rax = 0,
      .rbx = f.rbx,
      .rcx = f.rip,
      .rdx = f.args[2],
      .rsi = f.args[1],
      .rdi = f.args[0],
      .rbp = f.rbp,
      .rsp = r.stack_top,
      .r8 = f.args[4],
      .r9 = f.args[5],
      .r10 = f.args[3],
      .r11 = f.rflags,
      .r12 = f.r12,
      .r13 = f.r13,
      .r14 = f.r14,
      .r15 = f.r15,
      .rip = f.rip,
      .rflags = f.rflags,
  };
  // The child inherits the parent's extended state (MXCSR, x87 control...).
  hvrt_xstate_save(c->xstate, g_xmask);
  int idx = static_cast<int>(c - g_threads);
  if (idx + 1 > g_high) g_high = idx + 1;
  g_live++;
  Enqueue(c);
  return tid;
}

void ExitThread(int32_t status) {
  if (g_live == 1) process::Exit(status, 0);  // the last thread: the process ends
  Thread* t = g_current;
  if (t->clear_child_tid != 0) {
    // What pthread_join waits for: the tid word cleared, then a wake.
    uint32_t zero = 0;
    if (user::CopyOut(t->clear_child_tid, &zero, sizeof zero) == 0) {
      Wake(SharedFutexKey(t->clear_child_tid), ~0u, 1);  // a shared wake, as Linux's
    }
  }
  // The slot is free from here on, but nothing can reuse it before the
  // switch below leaves this stack (only app code calls clone). The stack is
  // the app's (glibc frees it after the join).
  t->state = kFree;
  g_live--;
  Schedule(false);
  Panic("threads: a dead thread was resumed");
}

int64_t Block(uint64_t uaddr, uint32_t bitset, int64_t deadline_ns) {
  Thread* t = g_current;
  t->state = kBlocked;
  t->uaddr = uaddr;
  t->bitset = bitset;
  t->deadline = deadline_ns;
  t->seq = ++g_seq;
  t->result = 0;
  Schedule(false);
  return t->result;
}

void Interrupt(int i) {
  if (i < 0 || i >= g_high) return;
  Thread& t = g_threads[i];
  if (t.state != kBlocked || t.host_done != nullptr) return;
  t.uaddr = 0;
  t.result = -abi::kEINTR;
  Enqueue(&t);
}

void BlockOnHost(const uint32_t* done) {
  if (g_current == nullptr) {
    // Before the scheduler is up (early boot) there is nothing else to run:
    // wait in hvrun for the completion.
    for (;;) {
      const uint32_t seen = __atomic_load_n(Completions(), __ATOMIC_ACQUIRE);
      if (__atomic_load_n(done, __ATOMIC_ACQUIRE) != 0) return;
      WaitInHvrun(kForever, /*on_completions=*/true, seen);
    }
  }
  BlockOnWord(done, 0);
}

void BlockOnWord(const uint32_t* word, uint32_t seen) { BlockOnWordUntil(word, seen, kForever); }

int64_t BlockOnWordUntil(const uint32_t* word, uint32_t seen, int64_t deadline_ns) {
  Thread* t = g_current;
  t->state = kBlocked;
  t->host_done = word;
  t->host_seen = seen;
  t->uaddr = 0;
  t->deadline = deadline_ns;
  t->result = 0;
  Schedule(false);
  return t->result;
}

uint32_t* CompletionCounter() { return Completions(); }

void SaveXstate(void* area) {
  if (!g_xinit) InitXstate();
  hvrt_xstate_save(area, g_xmask);
}

void RestoreXstate(const void* area) {
  if (!g_xinit) InitXstate();
  hvrt_xstate_restore(area, g_xmask);
}

void PrepareFork() {
  if (!g_xinit) InitXstate();
  g_current->fs = cpu::FsBase();
  g_current->gs = cpu::GsBase();
  hvrt_xstate_save(g_current->xstate, g_xmask);
}

void AfterFork(int32_t pid) {
  for (int i = 0; i < g_high; i++) {
    if (&g_threads[i] == g_current) continue;
    g_threads[i].state = kFree;
    g_threads[i].tid = 0;
  }
  g_current->tid = pid;
  g_current->state = kRunning;
  g_current->host_done = nullptr;
  g_current->ticks = 0;
  g_live = 1;
  g_qhead = 0;
  g_qcount = 0;
  g_next_tid = pid * 1000 + 1;
  g_tid_block_next = g_tid_block_end = 0;  // the parent's block is the parent's
  // This guest starts with the boot CPU state: the thread's own again.
  hvrt_xstate_restore(g_current->xstate, g_xmask);
  cpu::SetFsBase(g_current->fs);
  cpu::SetGsBase(g_current->gs);
}

void ResetForExec(int32_t pid) {
  AfterFork(pid);
  g_current->clear_child_tid = 0;
  g_current->robust_list = 0;
}

int32_t WakeOldest(uint64_t uaddr, uint32_t bitset) {
  Thread* t = OldestWaiter(uaddr, bitset);
  if (t == nullptr) return 0;
  t->uaddr = 0;
  t->result = 0;
  Enqueue(t);
  return t->tid;
}

int64_t Wake(uint64_t uaddr, uint32_t bitset, int64_t n) {
  int64_t woken = 0;
  while (woken < n && WakeOldest(uaddr, bitset) != 0) woken++;  // tids are never 0
  return woken;
}

int Waiters(uint64_t uaddr) {
  int n = 0;
  for (int i = 0; i < g_high; i++) {
    n += g_threads[i].state == kBlocked && g_threads[i].uaddr == uaddr && uaddr != 0 ? 1 : 0;
  }
  return n;
}

int64_t Requeue(uint64_t from, uint64_t to, int64_t n_wake, int64_t n_requeue) {
  int64_t done = Wake(from, ~0u, n_wake);
  int64_t moved = 0;
  while (moved < n_requeue && from != to) {
    Thread* t = OldestWaiter(from, ~0u);
    if (t == nullptr) break;
    t->uaddr = to;  // keeps its seq: still ordered by when it began waiting
    moved++;
  }
  return done + moved;
}

void Lock(uint32_t* word) {
  while (*word != 0) Block(reinterpret_cast<uint64_t>(word), ~0u, kForever);
  *word = 1;
}

void Unlock(uint32_t* word) {
  *word = 0;
  Wake(reinterpret_cast<uint64_t>(word), ~0u, 1);
}

void Yield() { Schedule(true); }

void Tick() {
  if (g_live <= 1) return;  // (0: before Reset, in host unit tests)
  if (++g_current->ticks < kPreemptEvery) return;
  Schedule(true);  // resets ticks when it runs this thread again
}

}  // namespace hvrt::sched
