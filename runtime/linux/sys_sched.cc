// Scheduling: the guest's green threads (runtime/sched/) share one vCPU.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {

// SchedYield implements Linux syscall sched_yield(2): every other runnable
// thread runs before the caller continues.
int64_t sys_sched_yield(hv_syscall_frame&) {
  sched::Yield();
  return 0;
}

// SchedGetaffinity implements Linux syscall sched_getaffinity(2): CPU 0
// only. Returns the bytes written (one u64 mask), as the syscall does.
int64_t sys_sched_getaffinity(hv_syscall_frame& f) {
  int32_t pid = Int(f.args[0]);
  if (!process::IsSelf(pid) && !sched::Alive(pid)) return -abi::kESRCH;
  uint64_t len = f.args[1];
  if (len < sizeof(uint64_t) || len % sizeof(uint64_t) != 0) return -abi::kEINVAL;
  uint64_t mask = 1;
  if (int64_t r = user::CopyOut(f.args[2], &mask, sizeof mask); r < 0) return r;
  return sizeof mask;
}

// SchedSetaffinity implements Linux syscall sched_setaffinity(2) on the
// guest's one CPU: a mask that holds CPU 0 leaves things as they are (every
// thread runs there already), one that does not names no CPU the guest
// has: EINVAL, as Linux says for a mask of no online CPU.
int64_t sys_sched_setaffinity(hv_syscall_frame& f) {
  int32_t pid = Int(f.args[0]);
  if (!process::IsSelf(pid) && !sched::Alive(pid)) return -abi::kESRCH;
  if (f.args[1] == 0) return -abi::kEINVAL;
  uint8_t first = 0;  // CPU 0's bit: the mask's first byte
  if (int64_t r = user::CopyIn(&first, f.args[2], 1); r < 0) return r;
  return (first & 1) != 0 ? 0 : -abi::kEINVAL;
}

// ---- Scheduling policy, priority and nice ------------------------------------
// hvrun's green threads have one scheduler, which no policy changes: these
// keep what the process set and report it back (as a container's cgroup
// might ignore it), with Linux's checks. One setting per process, for the
// process and its threads; another process's is reported as the default
// and cannot be set here (EPERM).

namespace {

constexpr uint32_t kSCHED_OTHER = 0, kSCHED_FIFO = 1, kSCHED_RR = 2, kSCHED_BATCH = 3,
                   kSCHED_IDLE = 5;
// struct sched_attr: 48 bytes in its first version, 56 with the util fields.
constexpr uint32_t kAttrSizeVer0 = 48, kAttrSize = 56;
constexpr uint64_t kSchedFlagsKnown = 0x7f;  // SCHED_FLAG_RESET_ON_FORK ... UTIL_CLAMP_MAX

struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};
static_assert(sizeof(SchedAttr) == kAttrSize);

struct Sched {
  uint32_t policy = kSCHED_OTHER;
  uint32_t priority = 0;
  int32_t nice = 0;
  uint64_t flags = 0;
};
constinit Sched g_sched;

bool ValidPolicy(uint32_t p) {
  return p == kSCHED_OTHER || p == kSCHED_FIFO || p == kSCHED_RR || p == kSCHED_BATCH ||
         p == kSCHED_IDLE;
}
bool RealTime(uint32_t p) { return p == kSCHED_FIFO || p == kSCHED_RR; }

// Whom (pid) names: this process (0, itself, one of its threads: true),
// another process (false, *other set), or nobody (-ESRCH/-EINVAL).
int64_t Target(int64_t pid, bool* other) {
  *other = false;
  if (pid < 0) return -abi::kEINVAL;
  if (process::IsSelf(pid) || sched::Alive(static_cast<int32_t>(pid))) return 0;
  if (pid > 0x3fffffff || KillOther(static_cast<int32_t>(pid), 0) < 0) return -abi::kESRCH;
  *other = true;
  return 0;
}

int64_t Set(uint32_t policy, uint32_t priority, int32_t nice, uint64_t flags) {
  if (!ValidPolicy(policy)) return -abi::kEINVAL;
  if (RealTime(policy) ? priority < 1 || priority > 99 : priority != 0) return -abi::kEINVAL;
  g_sched.policy = policy;
  g_sched.priority = priority;
  g_sched.nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
  g_sched.flags = flags;
  return 0;
}

}  // namespace

// Implement Linux syscalls sched_getscheduler(2), sched_getparam(2),
// sched_setscheduler(2), sched_setparam(2), sched_get_priority_max/min(2),
// sched_rr_get_interval(2), sched_getattr(2), sched_setattr(2),
// getpriority(2) and setpriority(2) over the setting above.
int64_t sys_sched_getscheduler(hv_syscall_frame& f) {
  bool other;
  if (int64_t r = Target(static_cast<int32_t>(f.args[0]), &other); r < 0) return r;
  return other ? kSCHED_OTHER : g_sched.policy;
}

int64_t sys_sched_getparam(hv_syscall_frame& f) {
  bool other;
  if (static_cast<int32_t>(f.args[0]) < 0 || f.args[1] == 0) return -abi::kEINVAL;
  if (int64_t r = Target(static_cast<int32_t>(f.args[0]), &other); r < 0) return r;
  const int32_t prio = other ? 0 : static_cast<int32_t>(g_sched.priority);
  return user::CopyOut(f.args[1], &prio, sizeof prio);
}

namespace {

// sched_setscheduler and sched_setparam after their own checks: the
// struct sched_param at (uparam) for (pid), then (policy) and (flags).
int64_t SetParam(int32_t pid, uint64_t uparam, uint32_t policy, uint64_t flags) {
  int32_t prio;
  if (int64_t r = user::CopyIn(&prio, uparam, sizeof prio); r < 0) return r;
  bool other;
  if (int64_t r = Target(pid, &other); r < 0) return r;
  if (other) return -abi::kEPERM;
  if (prio < 0) return -abi::kEINVAL;
  return Set(policy, static_cast<uint32_t>(prio), g_sched.nice, flags);
}

}  // namespace

int64_t sys_sched_setscheduler(hv_syscall_frame& f) {
  const int32_t policy = static_cast<int32_t>(f.args[1]);
  if (static_cast<int32_t>(f.args[0]) < 0 || f.args[2] == 0) return -abi::kEINVAL;
  constexpr int32_t kSCHED_RESET_ON_FORK = 0x40000000;
  const uint32_t base = static_cast<uint32_t>(policy & ~kSCHED_RESET_ON_FORK);
  if (policy < 0 || !ValidPolicy(base)) return -abi::kEINVAL;
  return SetParam(static_cast<int32_t>(f.args[0]), f.args[2], base,
                  (policy & kSCHED_RESET_ON_FORK) != 0 ? 1 : 0);
}

int64_t sys_sched_setparam(hv_syscall_frame& f) {
  if (static_cast<int32_t>(f.args[0]) < 0 || f.args[1] == 0) return -abi::kEINVAL;
  return SetParam(static_cast<int32_t>(f.args[0]), f.args[1], g_sched.policy, g_sched.flags);
}

int64_t sys_sched_get_priority_max(hv_syscall_frame& f) {
  const uint32_t p = static_cast<uint32_t>(f.args[0]);
  return !ValidPolicy(p) ? -abi::kEINVAL : RealTime(p) ? 99 : 0;
}

int64_t sys_sched_get_priority_min(hv_syscall_frame& f) {
  const uint32_t p = static_cast<uint32_t>(f.args[0]);
  return !ValidPolicy(p) ? -abi::kEINVAL : RealTime(p) ? 1 : 0;
}

int64_t sys_sched_rr_get_interval(hv_syscall_frame& f) {
  bool other;
  if (int64_t r = Target(static_cast<int32_t>(f.args[0]), &other); r < 0) return r;
  const int64_t ts[2] = {0, g_sched.policy == kSCHED_RR ? 100000000 : 0};  // Linux's RR slice
  return user::CopyOut(f.args[1], ts, sizeof ts);
}

int64_t sys_sched_setattr(hv_syscall_frame& f) {
  const int32_t pid = static_cast<int32_t>(f.args[0]);
  const uint64_t uattr = f.args[1];
  if (uattr == 0 || pid < 0 || f.args[2] != 0) return -abi::kEINVAL;
  uint32_t size;
  if (int64_t r = user::CopyIn(&size, uattr, sizeof size); r < 0) return r;
  if (size == 0) size = kAttrSizeVer0;
  // Too small, or a larger (newer) struct with anything set past ours:
  // E2BIG, with the size this kernel knows written back.
  bool too_big = size < kAttrSizeVer0 || size > 4096;
  for (uint64_t i = kAttrSize; !too_big && i < size; i++) {
    uint8_t b;
    if (int64_t r = user::CopyIn(&b, uattr + i, 1); r < 0) return r;
    too_big = b != 0;
  }
  if (too_big) {
    const uint32_t ours = kAttrSize;
    user::CopyOut(uattr, &ours, sizeof ours);
    return -abi::kE2BIG;
  }
  SchedAttr a = {};
  if (int64_t r = user::CopyIn(&a, uattr, size < kAttrSize ? size : kAttrSize); r < 0) return r;
  if ((a.sched_flags & ~kSchedFlagsKnown) != 0 || !ValidPolicy(a.sched_policy))
    return -abi::kEINVAL;  // SCHED_DEADLINE among them: not offered
  bool other;
  if (int64_t r = Target(pid, &other); r < 0) return r;
  if (other) return -abi::kEPERM;
  return Set(a.sched_policy, a.sched_priority, a.sched_nice, a.sched_flags);
}

int64_t sys_sched_getattr(hv_syscall_frame& f) {
  const int32_t pid = static_cast<int32_t>(f.args[0]);
  const uint64_t size = static_cast<uint32_t>(f.args[2]);
  if (f.args[1] == 0 || pid < 0 || f.args[3] != 0 || size < kAttrSizeVer0 || size > 4096)
    return -abi::kEINVAL;
  bool other;
  if (int64_t r = Target(pid, &other); r < 0) return r;
  SchedAttr a = {};
  a.size = static_cast<uint32_t>(size < kAttrSize ? size : kAttrSize);
  if (!other) {
    a.sched_policy = g_sched.policy;
    a.sched_priority = g_sched.priority;
    a.sched_nice = g_sched.nice;
    a.sched_flags = g_sched.flags;
  }
  return user::CopyOut(f.args[1], &a, a.size);
}

int64_t sys_getpriority(hv_syscall_frame& f) {
  const int32_t which = static_cast<int32_t>(f.args[0]), who = static_cast<int32_t>(f.args[1]);
  if (which < 0 || which > 2) return -abi::kEINVAL;  // PRIO_PROCESS, PGRP, USER
  if (which == 0) {
    bool other;
    if (int64_t r = Target(who, &other); r < 0) return r;
    if (other) return 20;
  }
  return 20 - g_sched.nice;  // the raw syscall's 40..1 for nice -20..19
}

int64_t sys_setpriority(hv_syscall_frame& f) {
  const int32_t which = static_cast<int32_t>(f.args[0]), who = static_cast<int32_t>(f.args[1]);
  if (which < 0 || which > 2) return -abi::kEINVAL;
  if (which == 0) {
    bool other;
    if (int64_t r = Target(who, &other); r < 0) return r;
    if (other) return -abi::kEPERM;
  }
  const int32_t nice = static_cast<int32_t>(f.args[2]);
  g_sched.nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
  return 0;
}

}  // namespace hvrt
