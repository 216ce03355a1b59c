// Green threads (runtime/sched/) and the syscalls built on them, on the host.
//
// The context switch is real x86-64 code (runtime/sched/context.S), so a
// "thread" here is a host function entered the way an app thread would be:
// clone() with the frame's rip pointing at it and a stack of its own. It
// makes syscalls by calling hvrt_syscall directly and ends with exit(2),
// which never returns. Nothing in a child may throw (no unwind info crosses
// the switch), so children only record what they saw.
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/hv/cpu_fake.h"
#include "syscall-shim/dispatch.h"
#include "tests/unit/runtime/fake_guest.h"

namespace hvrt_test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                  CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                  CLONE_CHILD_CLEARTID;

int64_t Sys(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
            uint64_t a4 = 0, uint64_t a5 = 0, uint64_t rip = 0) {
  hv_syscall_frame f = {nr, {a0, a1, a2, a3, a4, a5}, rip, 0, 0x202};
  return hvrt_syscall(&f);
}

// What the children saw, in the order they saw it.
std::vector<int64_t>* g_log;
// Futex words live in guest memory (user::CopyIn checks addresses): set up
// by the fixture in the fake guest's scratch area.
uint32_t* g_word;
uint32_t* g_word2;
uint32_t* g_ctid;  // [4]
uint64_t g_fs_seen[8];

struct alignas(16) Stack {
  uint8_t bytes[64 * 1024];
};
Stack g_stacks[4];

uint64_t A(const void* p) { return reinterpret_cast<uint64_t>(p); }

// A child: logs its tid, waits on g_word (value 0), logs its tid again when
// woken, and exits. Entered by `ret` with rsp = the stack top given to clone.
[[noreturn]] void WaitingChild() {
  int64_t tid = Sys(SYS_gettid);
  g_fs_seen[tid] = hvrt::cpu::g_fake.fs_base;
  g_log->push_back(tid);
  Sys(SYS_futex, A(g_word), FUTEX_WAIT_PRIVATE, 0, 0);
  g_log->push_back(100 + tid);
  Sys(SYS_exit, 0);
  __builtin_trap();  // exit never returns
}

// Clones a thread that starts in (fn) on stack (i); returns its tid.
int64_t Spawn(int i, void (*fn)()) {
  // A function is entered with rsp = 8 mod 16 (as after a call).
  uint64_t top = reinterpret_cast<uint64_t>(&g_stacks[i + 1]) - 8;
  g_ctid[i] = 0;
  return Sys(SYS_clone, kThreadFlags, top, A(&g_ctid[i]), A(&g_ctid[i]), 0x7000 + i, 0,
             reinterpret_cast<uint64_t>(fn));
}

// pthread_join: wait until the kernel (here, the runtime) clears the tid.
void Join(int i) {
  while (g_ctid[i] != 0) {
    Sys(SYS_futex, A(&g_ctid[i]), FUTEX_WAIT, g_ctid[i], 0);
  }
}

class SchedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_.Boot();
    g_log = &log_;
    g_word = g_.At<uint32_t>(g_.scratch() + 0x100);
    g_word2 = g_.At<uint32_t>(g_.scratch() + 0x104);
    g_ctid = g_.At<uint32_t>(g_.scratch() + 0x110);
    *g_word = 0;
    *g_word2 = 0;
  }
  void TearDown() override { g_log = nullptr; }

  FakeGuest g_;
  std::vector<int64_t> log_;
};

TEST_F(SchedTest, ThreadsRunWakeInOrderRequeueAndJoin) {
  if (kAsan) GTEST_SKIP() << "stack switching under ASan";
  hvrt::cpu::g_fake.fs_base = 0x1234;
  ASSERT_EQ(Spawn(0, WaitingChild), 2);
  ASSERT_EQ(Spawn(1, WaitingChild), 3);
  ASSERT_EQ(Spawn(2, WaitingChild), 4);
  EXPECT_EQ(g_ctid[0], 2u);   // CLONE_PARENT_SETTID
  EXPECT_TRUE(log_.empty());  // cooperative: nothing ran yet
  EXPECT_EQ(Sys(SYS_sched_yield), 0);
  EXPECT_EQ(log_, (std::vector<int64_t>{2, 3, 4}));  // all ran, in order, and now wait
  EXPECT_EQ(hvrt::cpu::g_fake.fs_base, 0x1234u);     // main's fs base is back
  EXPECT_EQ(g_fs_seen[2], 0x7000u);                  // CLONE_SETTLS
  EXPECT_EQ(g_fs_seen[4], 0x7002u);
  EXPECT_EQ(Sys(SYS_gettid), 1);

  // Wake the oldest; move the next to g_word2 (CMP_REQUEUE checks *g_word).
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_WAKE_PRIVATE, 1), 1);
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, A(g_word2), 1), -EAGAIN);
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, A(g_word2), 0), 1);
  // A shared wake does not wake private waiters (Linux keys them apart).
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_WAKE, 10), 0);
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_WAKE_PRIVATE, 10), 1);   // tid 4 was left there
  EXPECT_EQ(Sys(SYS_futex, A(g_word2), FUTEX_WAKE_PRIVATE, 10), 1);  // tid 3, moved
  EXPECT_EQ(Sys(SYS_futex, A(g_word2), FUTEX_WAKE_PRIVATE, 10), 0);
  Join(0);
  Join(1);
  Join(2);
  EXPECT_EQ(log_, (std::vector<int64_t>{2, 3, 4, 102, 104, 103}));  // in wake order
  EXPECT_EQ(Sys(SYS_tgkill, 1, 3, 0), -ESRCH);                      // gone
  EXPECT_EQ(Sys(SYS_tgkill, 1, 1, 0), 0);
}

// A child that reads stdin (queued in hvrun by the fake), logs tid, the
// byte count and the first byte, and exits.
uint8_t* g_read_buf;
[[noreturn]] void ReadingChild() {
  int64_t tid = Sys(SYS_gettid);
  g_log->push_back(tid);
  int64_t n = Sys(SYS_read, 0, A(g_read_buf), 16);
  g_log->push_back(1000 + n);
  g_log->push_back(n > 0 ? g_read_buf[0] : -1);
  Sys(SYS_exit, 0);
  __builtin_trap();
}

TEST_F(SchedTest, QueuedHostReadWaitsInHvrunOnTheCompletionCounter) {
  g_.in = "typed";
  g_.queue_reads = true;
  uint8_t* buf = g_.At<uint8_t>(g_.Buffer());
  EXPECT_EQ(Sys(SYS_read, 0, A(buf), 16), 5);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "typed");
  EXPECT_EQ(g_.Count(HV_CALL_SUBMIT), 1);
  // Nothing else to run: the thread waited in hvrun, on the counter word
  // named in its request, with the count it saw before its check.
  const Hypercall* sub = g_.Last(HV_CALL_SUBMIT);
  const Hypercall* w = g_.Last(HV_CALL_WAIT);
  ASSERT_NE(sub, nullptr);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(sub->As<hv_async>().nr, uint64_t{HV_CALL_CONSOLE_READ});
  EXPECT_EQ(w->As<hv_wait>().word, sub->As<hv_async>().counter);
  EXPECT_EQ(w->As<hv_wait>().deadline_ns, INT64_MAX);
  const uint32_t count_after = *reinterpret_cast<uint32_t*>(sub->As<hv_async>().counter);
  EXPECT_EQ(w->As<hv_wait>().seen + 1, count_after);
  // Served in line when hvrun can (not queued): no wait at all.
  g_.queue_reads = false;
  g_.in = "x";
  const int waits = g_.Count(HV_CALL_WAIT);
  EXPECT_EQ(Sys(SYS_read, 0, A(buf), 16), 1);
  EXPECT_EQ(g_.Count(HV_CALL_WAIT), waits);
  EXPECT_EQ(g_.Count(HV_CALL_SUBMIT), 2);
}

TEST_F(SchedTest, AThreadBlockedInHvrunDoesNotStallTheOthers) {
  if (kAsan) GTEST_SKIP() << "stack switching under ASan";
  g_.in = "Q";
  g_.queue_reads = true;
  g_read_buf = g_.At<uint8_t>(g_.Buffer());
  ASSERT_EQ(Spawn(0, ReadingChild), 2);
  EXPECT_EQ(Sys(SYS_sched_yield), 0);
  // The child ran, submitted its read and blocked; main runs on meanwhile.
  EXPECT_EQ(log_, (std::vector<int64_t>{2}));
  EXPECT_EQ(g_.queued.size(), 1u);
  log_.push_back(-7);  // main's own work, while the read is in flight
  EXPECT_EQ(Sys(SYS_sched_yield), 0);
  EXPECT_EQ(log_.back(), -7);  // still in flight: the child stays blocked
  // Joining leaves nothing runnable: main waits in hvrun, the read
  // completes, the child logs and exits, and the join returns.
  Join(0);
  EXPECT_EQ(log_, (std::vector<int64_t>{2, -7, 1001, 'Q'}));
}

TEST_F(SchedTest, SleepAndTimedWaitUseTheIdleHypercall) {
  hvrt::cpu::g_fake.tsc_step = 1000;  // each clock read: +1 us
  timespec& ts = *g_.At<timespec>(g_.scratch() + 0x200);
  timespec& past = *g_.At<timespec>(g_.scratch() + 0x210);
  timespec& bad = *g_.At<timespec>(g_.scratch() + 0x220);
  ts = {0, 50000};
  EXPECT_EQ(Sys(SYS_nanosleep, reinterpret_cast<uint64_t>(&ts), 0), 0);
  EXPECT_GE(g_.Count(HV_CALL_WAIT), 1);
  int waits = g_.Count(HV_CALL_WAIT);
  EXPECT_EQ(Sys(SYS_futex, A(g_word), FUTEX_WAIT, 0, reinterpret_cast<uint64_t>(&ts)), -ETIMEDOUT);
  EXPECT_GT(g_.Count(HV_CALL_WAIT), waits);
  const Hypercall* w = g_.Last(HV_CALL_WAIT);
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->As<hv_wait>().deadline_ns, INT64_MAX);
  // An absolute time already past: no sleep at all.
  waits = g_.Count(HV_CALL_WAIT);
  past = {1, 0};
  EXPECT_EQ(Sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
                reinterpret_cast<uint64_t>(&past), 0),
            0);
  EXPECT_EQ(g_.Count(HV_CALL_WAIT), waits);
  EXPECT_EQ(
      Sys(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, reinterpret_cast<uint64_t>(&ts), 0),
      -EINVAL);
  bad = {0, 1000000000};
  EXPECT_EQ(Sys(SYS_nanosleep, reinterpret_cast<uint64_t>(&bad), 0), -EINVAL);
}

TEST_F(SchedTest, ProcessCreationFailsAsTheHostSays) {
  // A host (backend) that cannot make processes: fork says what it said.
  EXPECT_EQ(Sys(SYS_clone, SIGCHLD, 0, 0, 0, 0), -ENOSYS);  // fork
  EXPECT_EQ(Sys(SYS_fork), -ENOSYS);
  EXPECT_EQ(Sys(SYS_vfork), -ENOSYS);
  EXPECT_EQ(g_.Count(HV_CALL_FORK), 3);
  g_.process_result = -EAGAIN;  // --pids-limit reached
  EXPECT_EQ(Sys(SYS_fork), -EAGAIN);
  EXPECT_EQ(Sys(SYS_execve, 0, 0, 0), -EFAULT);  // no path: nothing reaches the host
  EXPECT_EQ(g_.Count(HV_CALL_EXEC), 0);
  // A thread with no stack of its own, and unknown flags: -EINVAL.
  EXPECT_EQ(Sys(SYS_clone, kThreadFlags, 0, 0, 0, 0), -EINVAL);
  EXPECT_EQ(Sys(SYS_clone, kThreadFlags | CLONE_NEWNS, 0x10000, 0, 0, 0), -EINVAL);
  EXPECT_EQ(Sys(SYS_clone3, 0, 8), -EINVAL);  // too small for struct clone_args
}

}  // namespace
}  // namespace hvrt_test
