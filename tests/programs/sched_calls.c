/* Scheduling calls as Linux answers them without privilege: the default
 * policy and nice, SCHED_BATCH and a higher nice set and read back (through
 * sched_setscheduler, sched_setattr, setpriority), the priority ranges, and
 * the errors for bad pids, null pointers, unknown policies and flags, and a
 * sched_attr too small; the CPU affinity mask set again, and an empty one. Deterministic output,
 * for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fail_count.h"

struct attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

int main(void) {
  struct sched_param p = {0};
  CHECK(sched_getscheduler(0) == SCHED_OTHER && sched_getscheduler(getpid()) == SCHED_OTHER);
  CHECK(sched_getparam(0, &p) == 0 && p.sched_priority == 0);
  errno = 0;
  CHECK(sched_getparam(-1, &p) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(sched_getscheduler((1 << 29) + 1) == -1 && errno == ESRCH);
  errno = 0;
  CHECK(syscall(SYS_sched_getparam, 0, NULL) == -1 && errno == EINVAL);
  CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_RR) == 1);
  CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_BATCH) == 0);
  errno = 0;
  CHECK(sched_get_priority_max(42) == -1 && errno == EINVAL);
  printf("defaults and errors as Linux's\n");

  CHECK(sched_setscheduler(0, SCHED_BATCH, &p) == 0 && sched_getscheduler(0) == SCHED_BATCH);
  errno = 0;
  p.sched_priority = 5;
  CHECK(sched_setscheduler(0, SCHED_BATCH, &p) == -1 && errno == EINVAL);
  struct attr a;
  memset(&a, 0, sizeof a);
  CHECK(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) == 0);
  CHECK(a.size == sizeof a && a.policy == SCHED_BATCH && a.nice == 0);
  a.policy = SCHED_IDLE;
  a.nice = 0;
  CHECK(syscall(SYS_sched_setattr, 0, &a, 0) == 0 && sched_getscheduler(0) == SCHED_IDLE);
  errno = 0;
  CHECK(syscall(SYS_sched_setattr, 0, &a, 2) == -1 && errno == EINVAL);
  a.size = 12;
  errno = 0;
  CHECK(syscall(SYS_sched_setattr, 0, &a, 0) == -1 && errno == E2BIG && a.size == sizeof a);
  a.policy = 6; /* SCHED_DEADLINE */
  errno = 0;
  CHECK(syscall(SYS_sched_setattr, 0, &a, 0) == -1 && errno == EINVAL);
  printf("policies set and read back\n");

  errno = 0;
  CHECK(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0);
  CHECK(setpriority(PRIO_PROCESS, 0, 7) == 0 && getpriority(PRIO_PROCESS, 0) == 7);
  memset(&a, 0, sizeof a);
  CHECK(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) == 0 && a.nice == 7);
  printf("nice set and read back\n");

  /* Affinity: the mask the process has can be set again; an empty one
   * names no CPU (EINVAL); another pid that is nobody's is ESRCH. */
  cpu_set_t mine, empty, again;
  CPU_ZERO(&empty);
  CHECK(sched_getaffinity(0, sizeof mine, &mine) == 0 && CPU_COUNT(&mine) >= 1);
  CHECK(sched_setaffinity(0, sizeof mine, &mine) == 0);
  errno = 0;
  CHECK(sched_setaffinity(0, sizeof empty, &empty) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(sched_setaffinity((1 << 29) + 1, sizeof mine, &mine) == -1 && errno == ESRCH);
  CHECK(sched_getaffinity(0, sizeof again, &again) == 0 && CPU_EQUAL(&again, &mine));
  printf("affinity set and read back\n");

  printf(failures == 0 ? "sched_calls: all ok\n" : "sched_calls: FAILED\n");
  return failures == 0 ? 0 : 1;
}
