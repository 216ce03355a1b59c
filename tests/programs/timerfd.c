/* timerfd: one-shot and periodic timers read blocking and non-blocking,
 * timerfd_gettime, absolute times, a timerfd in poll and epoll, disarming,
 * and the errors. Deterministic output (booleans only), for the
 * differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static struct itimerspec ms(long first, long every) {
  struct itimerspec t;
  memset(&t, 0, sizeof t);
  t.it_value.tv_sec = first / 1000;
  t.it_value.tv_nsec = (first % 1000) * 1000000L;
  t.it_interval.tv_sec = every / 1000;
  t.it_interval.tv_nsec = (every % 1000) * 1000000L;
  return t;
}

int main(void) {
  CHECK(timerfd_create(12345, 0) == -1 && errno == EINVAL);
  CHECK(timerfd_create(CLOCK_MONOTONIC, 0x4) == -1 && errno == EINVAL);
  int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  CHECK(t >= 0 && (fcntl(t, F_GETFD) & FD_CLOEXEC) != 0);

  /* One-shot, 50 ms, read blocking. */
  struct itimerspec v = ms(50, 0), old;
  long long t0 = now_ms();
  CHECK(timerfd_settime(t, 0, &v, &old) == 0);
  CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
  uint64_t n = 0;
  CHECK(read(t, &n, sizeof n) == 8 && n == 1);
  CHECK(now_ms() - t0 >= 40);
  struct itimerspec cur;
  CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

  /* Non-blocking: nothing yet is EAGAIN; a short buffer is EINVAL. */
  int nb = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  v = ms(10000, 0);
  CHECK(timerfd_settime(nb, 0, &v, NULL) == 0);
  CHECK(read(nb, &n, sizeof n) == -1 && errno == EAGAIN);
  uint32_t small;
  CHECK(read(nb, &small, sizeof small) == -1 && errno == EINVAL);
  CHECK(timerfd_gettime(nb, &cur) == 0 && cur.it_value.tv_sec >= 9 && cur.it_value.tv_sec <= 10);
  /* Disarm: old value back, then nothing armed. */
  struct itimerspec zero = ms(0, 0);
  CHECK(timerfd_settime(nb, 0, &zero, &old) == 0 && old.it_value.tv_sec >= 9);
  CHECK(timerfd_gettime(nb, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

  /* Periodic, 20 ms: after 150 ms several expirations have been counted. */
  v = ms(20, 20);
  CHECK(timerfd_settime(t, 0, &v, NULL) == 0);
  usleep(150 * 1000);
  CHECK(read(t, &n, sizeof n) == 8 && n >= 3);
  CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_interval.tv_nsec == 20000000L);

  /* Absolute time on CLOCK_MONOTONIC, seen by poll. */
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct itimerspec abs;
  memset(&abs, 0, sizeof abs);
  abs.it_value = now;
  abs.it_value.tv_nsec += 50000000L;
  if (abs.it_value.tv_nsec >= 1000000000L) {
    abs.it_value.tv_sec++;
    abs.it_value.tv_nsec -= 1000000000L;
  }
  CHECK(timerfd_settime(nb, TFD_TIMER_ABSTIME, &abs, NULL) == 0);
  struct pollfd p = {nb, POLLIN, 0};
  t0 = now_ms();
  CHECK(poll(&p, 1, 2000) == 1 && p.revents == POLLIN);
  CHECK(now_ms() - t0 >= 30);
  CHECK(read(nb, &n, sizeof n) == 8 && n == 1);

  /* In an epoll set. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, nb, &ev) == 0);
  v = ms(30, 0);
  CHECK(timerfd_settime(nb, 0, &v, NULL) == 0);
  struct epoll_event got;
  CHECK(epoll_wait(ep, &got, 1, 2000) == 1 && got.data.u64 == 77 && got.events == EPOLLIN);
  CHECK(read(nb, &n, sizeof n) == 8 && n == 1);
  CHECK(epoll_wait(ep, &got, 1, 0) == 0);

  /* Errors. */
  struct itimerspec bad = ms(1, 0);
  bad.it_value.tv_nsec = 1000000000L;
  CHECK(timerfd_settime(t, 0, &bad, NULL) == -1 && errno == EINVAL);
  CHECK(timerfd_settime(t, 0x8, &v, NULL) == -1 && errno == EINVAL);
  CHECK(timerfd_settime(t, 0, NULL, NULL) == -1 && errno == EFAULT);
  CHECK(timerfd_gettime(t, NULL) == -1 && errno == EFAULT);
  int pfd[2];
  CHECK(pipe(pfd) == 0);
  CHECK(timerfd_settime(pfd[0], 0, &v, NULL) == -1 && errno == EINVAL);
  CHECK(timerfd_gettime(999, &cur) == -1 && errno == EBADF);
  printf("timerfd: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
