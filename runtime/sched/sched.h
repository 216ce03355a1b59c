// File: runtime/sched/sched.h
//
// Green threads (DESIGN.md contract 7): every app thread is a runtime thread
// record in a static table; one runs at a time on the one vCPU, and switches
// happen only inside syscalls (a blocking futex wait, sched_yield, a sleep,
// a thread's exit, and every kPreemptEvery syscalls for fairness).
//
// How a switch works: each suspended thread sits inside its own hvrt_syscall
// call, on its own app stack, below its own backend stub frame (sim: the
// SIGSYS signal frame; kvm: the trampoline frame). Switching saves the
// callee-saved registers + rflags + rsp of the current runtime frame
// (hvrt_ctx_switch), the app's fs/gs base, and the app's extended state
// (xsave: on kvm the trampoline does not save it, and another thread's app
// code is about to run); then it restores the next thread's and returns
// into that thread's hvrt_syscall, which returns to its own app code through
// its own stub. A thread that has never run has no runtime frame: it starts
// with hvrt_ctx_enter, which loads all its app registers and jumps.
//
// A thread can also block on hvrun: a transfer it submitted (HostCall,
// host_call.h) that hvrun queued; it runs again once hvrun marks the
// request done.
//
// When nothing is runnable the current thread's stack runs the idle loop:
// expire timeouts, else HV_CALL_WAIT until the earliest deadline or the
// next completion of a queued request. No deadline and nothing queued means
// every thread is blocked forever: a deadlock, which panics naming the
// blocked threads (Linux would hang).
//
// Example:
//   int64_t r = hvrt::sched::Block(uaddr, bitset, deadline_ns);  // 0 or -ETIMEDOUT
#ifndef HVRT_SCHED_SCHED_H_
#define HVRT_SCHED_SCHED_H_

#include <stddef.h>
#include <stdint.h>

#include "hv/abi.h"

// The app's general registers for a thread that has never run (context.S
// reads this layout).
struct hvrt_app_regs {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rflags;
};
static_assert(offsetof(hvrt_app_regs, rsp) == 56 && offsetof(hvrt_app_regs, r8) == 64 &&
                  offsetof(hvrt_app_regs, rip) == 128 && offsetof(hvrt_app_regs, rflags) == 136,
              "context.S hard-codes these offsets");

namespace hvrt::sched {

inline constexpr int kMaxThreads = 256;
inline constexpr int64_t kForever = INT64_MAX;
// Fairness: after this many syscalls by one thread, a runnable other goes
// first (a thread that polls with syscalls cannot starve the rest).
inline constexpr uint32_t kPreemptEvery = 64;

// Forgets all threads; the caller becomes thread 1 (the main thread).
void Reset();

// The calling thread's tid, and its slot in the thread table (0 ..
// kMaxThreads-1: per-thread state elsewhere, such as signal masks, is kept
// by slot; a slot keeps its index across fork and exec).
int32_t CurrentTid();
int CurrentSlot();
// The slot of live thread (tid), or -1.
int SlotOf(int32_t tid);
// Whether slot (i) holds a live thread; slots at or beyond SlotsUsed() never did.
bool SlotLive(int i);
int SlotsUsed();
// How many threads are alive.
int LiveCount();
// Whether (tid) names a live thread.
bool Alive(int32_t tid);

// Per-thread registrations: set_tid_address(2), set_robust_list(2).
void SetClearChildTid(uint64_t addr);
void SetRobustList(uint64_t head);
// Live thread (tid)'s robust list head (0: none), or -1 if no such thread.
int64_t RobustListOf(int32_t tid);

struct CloneRequest {
  uint64_t flags;
  uint64_t stack_top;   // the child's rsp
  uint64_t parent_tid;  // CLONE_PARENT_SETTID address
  uint64_t child_tid;   // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID address
  uint64_t tls;         // CLONE_SETTLS
};

// Creates a thread that starts as if returning from the syscall in (f) with
// rax = 0 on r.stack_top. Returns its tid, or -EAGAIN (table full), -EFAULT.
int64_t Clone(const hv_syscall_frame& f, const CloneRequest& r);

// Ends the calling thread (exit(2)): CLONE_CHILD_CLEARTID handling, then
// runs another thread. With no other thread alive, ends the process with
// (status). Never returns.
[[noreturn]] void ExitThread(int32_t status);

// Private and shared futexes on one address are different futexes on Linux
// (a wake of one kind never wakes a waiter of the other): a shared one
// waits and wakes on this key instead of its address. User addresses are
// below 2^47, so keys never meet addresses.
inline uint64_t SharedFutexKey(uint64_t uaddr) { return uaddr | (1ull << 62); }

// Blocks the calling thread until a Wake on (uaddr) matching (bitset), or
// CLOCK_MONOTONIC (deadline_ns) (kForever: none). uaddr 0 = a plain sleep.
// Returns 0 when woken, -ETIMEDOUT at the deadline, -EINTR if Interrupt
// ended the wait (a signal for it: the caller decides EINTR or restart).
int64_t Block(uint64_t uaddr, uint32_t bitset, int64_t deadline_ns);

// Ends slot (i)'s Block early, if it is in one (its Block returns -EINTR).
// A thread waiting on hvrun (a transfer, BlockOnWord) is left alone: what it
// waits on is woken by hvrun's own count.
void Interrupt(int i);

// Blocks the calling thread until hvrun sets (*done) to non-zero (the done
// word of a queued hv_async).
void BlockOnHost(const uint32_t* done);

// The word hvrun counts completions of queued requests on (hv_async.counter).
uint32_t* CompletionCounter();

// Blocks the calling thread until (*word) no longer holds (seen): a word
// hvrun counts up (the process's events: a child ended, a signal came).
void BlockOnWord(const uint32_t* word, uint32_t seen);
// The same, until CLOCK_MONOTONIC (deadline_ns) at the latest: 0, or
// -ETIMEDOUT.
int64_t BlockOnWordUntil(const uint32_t* word, uint32_t seen, int64_t deadline_ns);

// fork: PrepareFork saves the calling thread's segment bases and extended
// state in its record before the copy is taken; in the child, AfterFork
// makes it the only thread, with tid (pid), and loads that state again (the
// child's CPU starts fresh).
void PrepareFork();
void AfterFork(int32_t pid);
// execve: the calling thread is the only one left, with tid (pid) and no
// set_tid_address or robust list.
void ResetForExec(int32_t pid);

// Wakes up to (n) threads blocked on (uaddr) whose bitset meets (bitset),
// oldest first. Returns how many.
int64_t Wake(uint64_t uaddr, uint32_t bitset, int64_t n);

// Wakes the thread blocked on (uaddr) matching (bitset) that waited
// longest; returns its tid, or 0 if none. How many wait there.
int32_t WakeOldest(uint64_t uaddr, uint32_t bitset);
int Waiters(uint64_t uaddr);

// FUTEX_REQUEUE: wakes up to (n_wake) waiters on (from), moves up to
// (n_requeue) more to (to). Returns woken + moved.
int64_t Requeue(uint64_t from, uint64_t to, int64_t n_wake, int64_t n_requeue);

// A lock between green threads, for runtime state that a thread keeps
// while it blocks (a host transfer in flight): (*word) is 0 when free.
// Lock blocks the calling thread until it holds it; Unlock lets the oldest
// waiter have it.
void Lock(uint32_t* word);
void Unlock(uint32_t* word);

// The app's extended state where it is live in the CPU (kvm, xen): saved
// into, and loaded from, a 64-byte-aligned area of kXstateBytes (XSAVE layout
// for XCR0's user components, or FXSAVE without XSAVE).
inline constexpr uint32_t kXstateBytes = 3072;
void SaveXstate(void* area);
void RestoreXstate(const void* area);

// sched_yield(2): the others that can run go first.
void Yield();

// Called once per syscall: every kPreemptEvery, yields.
void Tick();

}  // namespace hvrt::sched

// context.S
extern "C" void hvrt_ctx_switch(uint64_t* save_rsp, uint64_t next_rsp);
extern "C" void hvrt_ctx_enter(uint64_t* save_rsp, const hvrt_app_regs* r);
extern "C" void hvrt_xstate_save(void* area, uint64_t mask);
extern "C" void hvrt_xstate_restore(const void* area, uint64_t mask);
extern "C" uint64_t hvrt_xgetbv0();

#endif  // HVRT_SCHED_SCHED_H_
