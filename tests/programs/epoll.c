/* epoll: epoll_create/epoll_create1 (EPOLL_CLOEXEC), epoll_ctl's errors
 * (EBADF, EINVAL, EEXIST, ENOENT, EPERM), epoll_wait's (EINVAL, EFAULT);
 * level-triggered, edge-triggered (EPOLLET) and one-shot (EPOLLONESHOT)
 * reporting, EPOLL_CTL_MOD and EPOLL_CTL_DEL; EPOLLIN, EPOLLOUT, EPOLLHUP,
 * EPOLLERR and EPOLLRDHUP on pipes, socket pairs and TCP; an eventfd and a
 * signalfd as members; 100 ready fds through maxevents 10; timeouts that
 * elapse (at least 40 ms of 50) and readiness a forked child brings about
 * 50 ms later; epoll_pwait's signal mask, epoll_pwait2's timespec, a signal
 * without SA_RESTART ending an endless wait with EINTR; an epoll inside an
 * epoll; and closing an fd taking it out of the set. Deterministic output,
 * for the differential suite: no timings are printed, only whether the
 * bounds held. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static volatile sig_atomic_t alarms = 0, usr1s = 0;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}
static void on_usr1(int sig) {
  (void)sig;
  usr1s++;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reap(pid_t pid) {
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A child that writes one byte to (fd) 50 ms from now and exits. */
static pid_t write_later(int fd) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(50000);
    _exit(write(fd, "x", 1) == 1 ? 0 : 1);
  }
  return pid;
}

/* epoll_ctl(ep, op, fd) with (events) and data (data). */
static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  return epoll_ctl(ep, op, fd, &ev);
}

/* One wait for at most one event: 1 when it reports (events) with (data). */
static int one(int ep, int timeout, uint32_t events, uint64_t data) {
  struct epoll_event ev[2];
  memset(ev, 0, sizeof ev);
  int n = epoll_wait(ep, ev, 2, timeout);
  return n == 1 && ev[0].events == events && ev[0].data.u64 == data;
}

static int none(int ep) {
  struct epoll_event ev[4];
  return epoll_wait(ep, ev, 4, 0) == 0;
}

static void errors(void) {
  CHECK(epoll_create(0) == -1 && errno == EINVAL);
  CHECK(epoll_create(-1) == -1 && errno == EINVAL);
  CHECK(epoll_create1(1) == -1 && errno == EINVAL);
  CHECK(epoll_create1(EPOLL_CLOEXEC | O_NONBLOCK) == -1 && errno == EINVAL);
  int ep = epoll_create(1);
  CHECK(ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC) == 0);
  close(ep);
  ep = epoll_create1(0);
  CHECK(ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC) == 0);
  close(ep);
  ep = epoll_create1(EPOLL_CLOEXEC);
  CHECK(ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);

  int p[2];
  CHECK(pipe(p) == 0);
  /* EBADF: a bad epoll fd or a bad target. */
  CHECK(ctl(1000, EPOLL_CTL_ADD, p[0], EPOLLIN, 0) == -1 && errno == EBADF);
  CHECK(ctl(-1, EPOLL_CTL_ADD, p[0], EPOLLIN, 0) == -1 && errno == EBADF);
  CHECK(ctl(ep, EPOLL_CTL_ADD, 1000, EPOLLIN, 0) == -1 && errno == EBADF);
  /* EINVAL: not an epoll, itself, an unknown op. */
  CHECK(ctl(p[0], EPOLL_CTL_ADD, p[1], EPOLLOUT, 0) == -1 && errno == EINVAL);
  CHECK(ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0) == -1 && errno == EINVAL);
  CHECK(ctl(ep, 99, p[0], EPOLLIN, 0) == -1 && errno == EINVAL);
  /* EEXIST, ENOENT. */
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1) == -1 && errno == EEXIST);
  CHECK(ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 2) == -1 && errno == ENOENT);
  CHECK(ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0) == -1 && errno == ENOENT);
  /* EPERM: a regular file is always ready, so epoll refuses it. */
  char path[] = "/tmp/epoll_XXXXXX";
  int f = mkstemp(path);
  CHECK(f >= 0);
  unlink(path);
  CHECK(ctl(ep, EPOLL_CTL_ADD, f, EPOLLIN, 3) == -1 && errno == EPERM);
  close(f);

  /* epoll_wait: maxevents must be positive; the events must be writable
   * (Linux finds that out when it copies a ready event). */
  struct epoll_event ev[2];
  /* Through volatiles, so the compiler does not object to what we mean. */
  volatile int negative = -1;
  struct epoll_event* volatile nowhere = NULL;
  CHECK(epoll_wait(ep, ev, 0, 0) == -1 && errno == EINVAL);
  CHECK(epoll_wait(ep, ev, negative, 0) == -1 && errno == EINVAL);
  CHECK(epoll_wait(1000, ev, 1, 0) == -1 && errno == EBADF);
  CHECK(epoll_wait(p[0], ev, 1, 0) == -1 && errno == EINVAL);
  CHECK(write(p[1], "r", 1) == 1);
  CHECK(epoll_wait(ep, nowhere, 1, 0) == -1 && errno == EFAULT);
  CHECK(one(ep, 0, EPOLLIN, 1)); /* still ready after the fault */
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* Level-triggered: ready on every wait until drained; data comes back as
 * given; EPOLLOUT on the write end; EPOLLHUP once the writer is gone and
 * EPOLLERR once the reader is. */
static void level(void) {
  const uint64_t tag = 0x1122334455667788ull;
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, tag) == 0);
  CHECK(none(ep));
  CHECK(write(p[1], "abc", 3) == 3);
  CHECK(one(ep, 0, EPOLLIN, tag));
  CHECK(one(ep, 0, EPOLLIN, tag));
  char b[4];
  CHECK(read(p[0], b, 1) == 1);
  CHECK(one(ep, 1000, EPOLLIN, tag));
  CHECK(read(p[0], b, 2) == 2);
  CHECK(none(ep));

  int out = epoll_create1(0);
  CHECK(ctl(out, EPOLL_CTL_ADD, p[1], EPOLLOUT, 7) == 0);
  CHECK(one(out, 0, EPOLLOUT, 7));
  CHECK(one(out, 0, EPOLLOUT, 7));
  /* EPOLLIN asked of the write end: never ready for reading. */
  CHECK(ctl(out, EPOLL_CTL_MOD, p[1], EPOLLIN, 8) == 0);
  CHECK(none(out));

  /* The writer is gone: EPOLLHUP whether asked for or not. */
  CHECK(write(p[1], "z", 1) == 1);
  close(p[1]);
  CHECK(one(ep, 0, EPOLLIN | EPOLLHUP, tag));
  CHECK(read(p[0], b, 1) == 1);
  CHECK(one(ep, 0, EPOLLHUP, tag));
  CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], 0, tag + 1) == 0);
  CHECK(one(ep, 0, EPOLLHUP, tag + 1));
  close(p[0]);

  /* The reader is gone: the write end reports EPOLLERR (and EPOLLOUT). */
  CHECK(pipe(p) == 0);
  CHECK(ctl(out, EPOLL_CTL_ADD, p[1], EPOLLOUT, 9) == 0);
  close(p[0]);
  CHECK(one(out, 0, EPOLLOUT | EPOLLERR, 9));
  close(p[1]);
  close(out);
  close(ep);
}

/* Edge-triggered: one report per arrival of data. */
static void edge(void) {
  int ep = epoll_create1(0);
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLET, 42) == 0);
  CHECK(none(ep));
  CHECK(write(sv[1], "a", 1) == 1);
  CHECK(one(ep, 1000, EPOLLIN, 42));
  CHECK(none(ep)); /* the data is still there, but no new edge */
  CHECK(none(ep));
  CHECK(write(sv[1], "b", 1) == 1);
  CHECK(one(ep, 1000, EPOLLIN, 42));
  CHECK(none(ep));
  char b[4];
  CHECK(read(sv[0], b, sizeof b) == 2 && b[0] == 'a' && b[1] == 'b');
  CHECK(none(ep));
  /* MOD re-arms: a level that is already high is reported once more. */
  CHECK(write(sv[1], "c", 1) == 1);
  CHECK(one(ep, 1000, EPOLLIN, 42));
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_MOD, sv[0], EPOLLIN | EPOLLET, 43) == 0);
  CHECK(one(ep, 0, EPOLLIN, 43));
  CHECK(none(ep));
  close(sv[0]);
  close(sv[1]);
  close(ep);
}

/* EPOLLONESHOT: one report, then nothing (not even EPOLLHUP) until MOD
 * re-arms; the fd stays in the set meanwhile. EPOLL_CTL_DEL ends reports. */
static void oneshot_and_del(void) {
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLONESHOT, 5) == 0);
  CHECK(write(p[1], "xy", 2) == 2);
  CHECK(one(ep, 0, EPOLLIN, 5));
  CHECK(none(ep));
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 5) == -1 && errno == EEXIST);
  CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 6) == 0);
  CHECK(one(ep, 0, EPOLLIN, 6));
  CHECK(none(ep));
  /* Disarmed, a hang-up is not reported either. */
  char b[2];
  CHECK(read(p[0], b, 2) == 2);
  close(p[1]);
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 7) == 0);
  CHECK(one(ep, 0, EPOLLHUP, 7));
  CHECK(none(ep));
  close(p[0]);

  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 8) == 0);
  CHECK(write(p[1], "q", 1) == 1);
  CHECK(one(ep, 0, EPOLLIN, 8));
  CHECK(ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0) == 0);
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 9) == -1 && errno == ENOENT);
  CHECK(ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0) == -1 && errno == ENOENT);
  /* And it may be added again. */
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 10) == 0);
  CHECK(one(ep, 0, EPOLLIN, 10));
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* Timeouts that elapse and a wait that a child's write ends. */
static void timeouts(void) {
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  struct epoll_event ev[4];
  int64_t t0 = now_ms();
  CHECK(epoll_wait(ep, ev, 4, 50) == 0); /* an empty set: a plain sleep */
  CHECK(now_ms() - t0 >= 40);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 11) == 0);
  t0 = now_ms();
  CHECK(epoll_wait(ep, ev, 4, 50) == 0);
  CHECK(now_ms() - t0 >= 40);
  pid_t pid = write_later(p[1]);
  t0 = now_ms();
  CHECK(one(ep, -1, EPOLLIN, 11));
  CHECK(now_ms() - t0 >= 40);
  reap(pid);
  char c;
  CHECK(read(p[0], &c, 1) == 1 && c == 'x');
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* A TCP listener is readable once a client connects; the accepted socket
 * once the client sends, and with EPOLLRDHUP once it shuts down. */
static void tcp(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0 && listen(l, 1) == 0);
  CHECK(getsockname(l, (struct sockaddr*)&a, &len) == 0);
  int ep = epoll_create1(0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, l, EPOLLIN, 20) == 0);
  CHECK(none(ep));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(50000);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    char b;
    int ok = connect(c, (struct sockaddr*)&a, sizeof a) == 0 && send(c, "hi", 2, 0) == 2 &&
             recv(c, &b, 1, 0) == 1 && b == 'k' && shutdown(c, SHUT_WR) == 0 &&
             recv(c, &b, 1, 0) == 0;
    _exit(ok ? 0 : 1);
  }
  int64_t t0 = now_ms();
  CHECK(one(ep, 5000, EPOLLIN, 20));
  CHECK(now_ms() - t0 >= 40);
  int s = accept(l, NULL, NULL);
  CHECK(s >= 0);
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_ADD, s, EPOLLIN | EPOLLRDHUP, 21) == 0);
  CHECK(one(ep, 5000, EPOLLIN, 21));
  char b[4];
  CHECK(recv(s, b, 2, MSG_WAITALL) == 2 && memcmp(b, "hi", 2) == 0);
  CHECK(none(ep));
  CHECK(send(s, "k", 1, 0) == 1);
  CHECK(one(ep, 5000, EPOLLIN | EPOLLRDHUP, 21));
  CHECK(recv(s, b, 1, 0) == 0);
  CHECK(one(ep, 0, EPOLLIN | EPOLLRDHUP, 21)); /* level-triggered: stays */
  close(s);
  reap(pid);
  close(l);
  close(ep);
}

static void eventfd_member(void) {
  int ep = epoll_create1(0);
  int e = eventfd(0, 0);
  CHECK(e >= 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, e, EPOLLIN, 30) == 0);
  CHECK(none(ep));
  uint64_t v = 3;
  CHECK(write(e, &v, sizeof v) == sizeof v);
  CHECK(one(ep, 1000, EPOLLIN, 30));
  CHECK(read(e, &v, sizeof v) == sizeof v && v == 3);
  CHECK(none(ep));
  CHECK(ctl(ep, EPOLL_CTL_MOD, e, EPOLLOUT, 31) == 0);
  CHECK(one(ep, 0, EPOLLOUT, 31));
  close(e);
  close(ep);
}

/* 100 ready pipes through maxevents 10: exactly 10 at a time, and every
 * one of them in 10 waits (each drained once seen). */
#define NPIPES 100
static void many(void) {
  int ep = epoll_create1(0);
  int p[NPIPES][2];
  int ok = 1;
  for (int i = 0; i < NPIPES; i++) {
    if (pipe(p[i]) != 0 || write(p[i][1], "m", 1) != 1 ||
        ctl(ep, EPOLL_CTL_ADD, p[i][0], EPOLLIN, 1000 + (uint64_t)i) != 0) {
      ok = 0;
    }
  }
  CHECK(ok);
  int seen[NPIPES] = {0};
  int rounds_ok = 1, distinct = 0;
  for (int r = 0; r < NPIPES / 10; r++) {
    struct epoll_event ev[10];
    int n = epoll_wait(ep, ev, 10, 1000);
    if (n != 10) rounds_ok = 0;
    for (int k = 0; k < n; k++) {
      uint64_t i = ev[k].data.u64 - 1000;
      if (i >= NPIPES || ev[k].events != EPOLLIN || seen[i]) {
        rounds_ok = 0;
        continue;
      }
      seen[i] = 1;
      distinct++;
      char c;
      if (read(p[i][0], &c, 1) != 1) rounds_ok = 0;
    }
  }
  CHECK(rounds_ok);
  CHECK(distinct == NPIPES);
  CHECK(none(ep));
  for (int i = 0; i < NPIPES; i++) {
    close(p[i][0]);
    close(p[i][1]);
  }
  close(ep);
}

/* epoll_pwait's mask holds only during the wait: a pending blocked SIGUSR1
 * stays pending under a mask that blocks it and is taken under one that
 * doesn't. */
static void pwait_mask(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, old, during;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 40) == 0);
  struct epoll_event ev[2];
  int64_t t0 = now_ms();
  CHECK(epoll_pwait(ep, ev, 2, 50, &block) == 0 && usr1s == 0);
  CHECK(now_ms() - t0 >= 40);
  sigemptyset(&during);
  CHECK(epoll_pwait(ep, ev, 2, 5000, &during) == -1 && errno == EINTR);
  CHECK(usr1s == 1);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  CHECK(sigismember(&now, SIGUSR1)); /* the old mask is back */
  sigprocmask(SIG_SETMASK, &old, NULL);
  /* A NULL mask: a plain epoll_wait. */
  CHECK(write(p[1], "w", 1) == 1);
  CHECK(epoll_pwait(ep, ev, 2, 0, NULL) == 1 && ev[0].data.u64 == 40);
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* epoll_pwait2: a timespec timeout; NULL waits; a bad timespec is EINVAL. */
static void pwait2(void) {
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 50) == 0);
  struct epoll_event ev[2];
  struct timespec ts = {0, 50 * 1000 * 1000};
  int64_t t0 = now_ms();
  CHECK(epoll_pwait2(ep, ev, 2, &ts, NULL) == 0);
  CHECK(now_ms() - t0 >= 40);
  ts = (struct timespec){0, 0};
  CHECK(epoll_pwait2(ep, ev, 2, &ts, NULL) == 0);
  ts = (struct timespec){0, 1000000000};
  CHECK(epoll_pwait2(ep, ev, 2, &ts, NULL) == -1 && errno == EINVAL);
  ts = (struct timespec){-1, 0};
  CHECK(epoll_pwait2(ep, ev, 2, &ts, NULL) == -1 && errno == EINVAL);
  pid_t pid = write_later(p[1]);
  t0 = now_ms();
  CHECK(epoll_pwait2(ep, ev, 2, NULL, NULL) == 1 && ev[0].events == EPOLLIN &&
        ev[0].data.u64 == 50);
  CHECK(now_ms() - t0 >= 40);
  reap(pid);
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* SIGALRM without SA_RESTART ends epoll_wait(-1) with EINTR. */
static void interrupted(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 60) == 0);
  struct itimerval it = {{0, 0}, {0, 50000}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  struct epoll_event ev[2];
  int64_t t0 = now_ms();
  CHECK(epoll_wait(ep, ev, 2, -1) == -1 && errno == EINTR && alarms == 1);
  CHECK(now_ms() - t0 >= 40);
  /* Even SA_RESTART does not restart epoll_wait. */
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  CHECK(epoll_wait(ep, ev, 2, -1) == -1 && errno == EINTR && alarms == 2);
  close(p[0]);
  close(p[1]);
  close(ep);
}

/* An epoll in an epoll is readable while the inner one has events; poll
 * sees that too; a loop is ELOOP. */
static void nested(void) {
  int inner = epoll_create1(0), outer = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(inner, EPOLL_CTL_ADD, p[0], EPOLLIN, 70) == 0);
  CHECK(ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 71) == 0);
  CHECK(none(outer));
  struct pollfd pf = {inner, POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 0);
  CHECK(write(p[1], "n", 1) == 1);
  CHECK(one(outer, 1000, EPOLLIN, 71));
  pf.revents = 0;
  CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN);
  CHECK(one(inner, 0, EPOLLIN, 70));
  CHECK(ctl(inner, EPOLL_CTL_ADD, outer, EPOLLIN, 72) == -1 && errno == ELOOP);
  char c;
  CHECK(read(p[0], &c, 1) == 1);
  CHECK(none(outer));
  close(p[0]);
  close(p[1]);
  close(inner);
  close(outer);
}

/* Closing an fd (its last reference) takes it out of the set. */
static void closing(void) {
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 80) == 0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 81) == 0);
  CHECK(write(p[1], "c", 1) == 1);
  struct epoll_event ev[4];
  CHECK(epoll_wait(ep, ev, 4, 0) == 2);
  close(p[0]);
  close(p[1]);
  CHECK(none(ep));
  struct pollfd pf = {ep, POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 0);
  close(ep);
}

/* A signalfd in the set: readable once its blocked signal is pending. */
static void signalfd_member(void) {
  sigset_t mask, old;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR2);
  sigprocmask(SIG_BLOCK, &mask, &old);
  int s = signalfd(-1, &mask, 0);
  CHECK(s >= 0);
  int ep = epoll_create1(0);
  CHECK(ctl(ep, EPOLL_CTL_ADD, s, EPOLLIN, 90) == 0);
  CHECK(none(ep));
  raise(SIGUSR2);
  CHECK(one(ep, 1000, EPOLLIN, 90));
  CHECK(one(ep, 0, EPOLLIN, 90));
  /* The epoll fd itself is readable meanwhile. */
  struct pollfd pf = {ep, POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN);
  struct signalfd_siginfo si;
  CHECK(read(s, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR2);
  CHECK(none(ep));
  close(s);
  close(ep);
  sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void) {
  errors();
  level();
  edge();
  oneshot_and_del();
  timeouts();
  tcp();
  eventfd_member();
  many();
  pwait_mask();
  pwait2();
  interrupted();
  nested();
  closing();
  signalfd_member();
  printf(failures == 0 ? "epoll: all ok\n" : "epoll: FAILED\n");
  return failures == 0 ? 0 : 1;
}
