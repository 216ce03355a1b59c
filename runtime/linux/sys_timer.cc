// Timers: alarm, getitimer, setitimer and the POSIX timers (timer_create,
// timer_settime, timer_gettime, timer_getoverrun, timer_delete), over
// runtime/linux/timers.h.
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/timers.h"
#include "runtime/linux/user.h"

namespace hvrt {

// Alarm implements Linux syscall alarm(2): ITIMER_REAL for (seconds), one
// shot; returns the seconds the previous alarm had left, rounded as Linux
// does (half a second or more up, and never 0 for a pending one).
int64_t sys_alarm(hv_syscall_frame& f) {
  abi::Itimerval value = {};
  value.it_value.tv_sec = static_cast<uint32_t>(f.args[0]);
  abi::Itimerval old;
  if (int64_t r = timers::SetInterval(abi::kITIMER_REAL, &value, &old); r < 0) return r;
  int64_t secs = old.it_value.tv_sec;
  if ((secs == 0 && old.it_value.tv_usec != 0) || old.it_value.tv_usec >= 500000) secs++;
  return secs;
}

// Getitimer implements Linux syscall getitimer(2).
int64_t sys_getitimer(hv_syscall_frame& f) {
  abi::Itimerval cur;
  if (int64_t r = timers::GetInterval(Int(f.args[0]), &cur); r < 0) return r;
  return user::CopyOut(f.args[1], &cur, sizeof cur);
}

// Setitimer implements Linux syscall setitimer(2); a null new value
// disarms, as Linux takes it.
int64_t sys_setitimer(hv_syscall_frame& f) {
  abi::Itimerval value, old;
  if (f.args[1] != 0) {
    if (int64_t r = user::CopyIn(&value, f.args[1], sizeof value); r < 0) return r;
  }
  if (f.args[2] != 0 && !user::RangeOk(f.args[2], sizeof old)) return -abi::kEFAULT;
  int64_t r = timers::SetInterval(Int(f.args[0]), f.args[1] != 0 ? &value : nullptr, &old);
  if (r < 0 || f.args[2] == 0) return r;
  return user::CopyOut(f.args[2], &old, sizeof old);
}

// TimerCreate implements Linux syscall timer_create(2): SIGEV_SIGNAL,
// SIGEV_NONE and SIGEV_THREAD_ID (glibc's SIGEV_THREAD rides on it).
int64_t sys_timer_create(hv_syscall_frame& f) {
  abi::SigEvent ev;
  if (f.args[1] != 0) {
    if (int64_t r = user::CopyIn(&ev, f.args[1], sizeof ev); r < 0) return r;
  }
  if (!user::RangeOk(f.args[2], sizeof(int32_t))) return -abi::kEFAULT;
  int32_t id;
  if (int64_t r = timers::Create(Int(f.args[0]), f.args[1] != 0 ? &ev : nullptr, &id); r < 0) {
    return r;
  }
  if (int64_t r = user::CopyOut(f.args[2], &id, sizeof id); r < 0) {
    timers::Delete(id);
    return r;
  }
  return 0;
}

// TimerSettime implements Linux syscall timer_settime(2), TIMER_ABSTIME
// included.
int64_t sys_timer_settime(hv_syscall_frame& f) {
  const int32_t flags = Int(f.args[1]);
  if ((flags & ~abi::kTIMER_ABSTIME) != 0) return -abi::kEINVAL;
  abi::Itimerspec value, old;
  if (int64_t r = user::CopyIn(&value, f.args[2], sizeof value); r < 0) return r;
  if (f.args[3] != 0 && !user::RangeOk(f.args[3], sizeof old)) return -abi::kEFAULT;
  int64_t r = timers::SetPosix(Int(f.args[0]), (flags & abi::kTIMER_ABSTIME) != 0, value,
                               f.args[3] != 0 ? &old : nullptr);
  if (r < 0 || f.args[3] == 0) return r;
  return user::CopyOut(f.args[3], &old, sizeof old);
}

// TimerGettime implements Linux syscall timer_gettime(2).
int64_t sys_timer_gettime(hv_syscall_frame& f) {
  abi::Itimerspec cur;
  if (int64_t r = timers::GetPosix(Int(f.args[0]), &cur); r < 0) return r;
  return user::CopyOut(f.args[1], &cur, sizeof cur);
}

// TimerGetoverrun implements Linux syscall timer_getoverrun(2).
int64_t sys_timer_getoverrun(hv_syscall_frame& f) { return timers::Overrun(Int(f.args[0])); }

// TimerDelete implements Linux syscall timer_delete(2).
int64_t sys_timer_delete(hv_syscall_frame& f) { return timers::Delete(Int(f.args[0])); }

}  // namespace hvrt
