/* poll, ppoll, select and pselect that really wait: timeouts that elapse (at
 * least 40 ms of 50), readiness that a forked child brings about 50 ms later
 * (pipes, a TCP listener, a socket pair), POLLHUP, POLLOUT, POLLNVAL, EBADF,
 * pselect's signal mask, and a signal without SA_RESTART ending an endless
 * wait with EINTR. Deterministic output, for the differential suite: no
 * timings are printed, only whether the bounds held. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
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

static void pipes_poll(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  /* Nothing comes: 0 after the timeout. */
  struct pollfd pf = {p[0], POLLIN, -1};
  int64_t t0 = now_ms();
  CHECK(poll(&pf, 1, 50) == 0 && pf.revents == 0);
  CHECK(now_ms() - t0 >= 40);
  /* The write end of an empty pipe is writable at once. */
  pf = (struct pollfd){p[1], POLLOUT, 0};
  CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT);
  /* An endless wait that the child's write ends. */
  pid_t pid = write_later(p[1]);
  close(p[1]);
  pf = (struct pollfd){p[0], POLLIN, 0};
  t0 = now_ms();
  CHECK(poll(&pf, 1, -1) == 1 && (pf.revents & POLLIN));
  CHECK(now_ms() - t0 >= 40);
  char c;
  CHECK(read(p[0], &c, 1) == 1 && c == 'x');
  reap(pid);
  /* The writer is gone: POLLHUP (asked for or not). */
  pf = (struct pollfd){p[0], POLLIN, 0};
  CHECK(poll(&pf, 1, 1000) == 1 && pf.revents == POLLHUP);
  pf.events = 0;
  CHECK(poll(&pf, 1, 1000) == 1 && pf.revents == POLLHUP);
  close(p[0]);
  /* A closed fd: POLLNVAL; a negative one is skipped. */
  struct pollfd two[2] = {{p[0], POLLIN, 0}, {-1, POLLIN, 7}};
  CHECK(poll(two, 2, 0) == 1 && two[0].revents == POLLNVAL && two[1].revents == 0);
  /* No fds at all: a plain sleep. */
  t0 = now_ms();
  CHECK(poll(NULL, 0, 50) == 0);
  CHECK(now_ms() - t0 >= 40);
}

static void pipes_ppoll(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  struct pollfd pf = {p[0], POLLIN, 0};
  struct timespec ts = {0, 50 * 1000 * 1000};
  int64_t t0 = now_ms();
  CHECK(ppoll(&pf, 1, &ts, NULL) == 0 && pf.revents == 0);
  CHECK(now_ms() - t0 >= 40);
  pid_t pid = write_later(p[1]);
  t0 = now_ms();
  CHECK(ppoll(&pf, 1, NULL, NULL) == 1 && pf.revents == POLLIN);
  CHECK(now_ms() - t0 >= 40);
  reap(pid);
  close(p[0]);
  close(p[1]);
}

static void pipes_select(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  struct timeval tv = {0, 50000};
  int64_t t0 = now_ms();
  CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rd));
  CHECK(now_ms() - t0 >= 40);
  CHECK(tv.tv_sec == 0 && tv.tv_usec == 0); /* Linux writes back the time left */
  /* The write end is writable at once. */
  FD_ZERO(&wr);
  FD_SET(p[1], &wr);
  tv = (struct timeval){0, 0};
  CHECK(select(p[1] + 1, NULL, &wr, NULL, &tv) == 1 && FD_ISSET(p[1], &wr));
  /* Readable once the child writes. */
  pid_t pid = write_later(p[1]);
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  t0 = now_ms();
  CHECK(select(p[0] + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &rd));
  CHECK(now_ms() - t0 >= 40);
  reap(pid);
  /* A closed fd in the set. */
  int q[2];
  CHECK(pipe(q) == 0);
  close(q[0]);
  close(q[1]);
  FD_ZERO(&rd);
  FD_SET(q[0], &rd);
  tv = (struct timeval){0, 0};
  CHECK(select(q[0] + 1, &rd, NULL, NULL, &tv) == -1 && errno == EBADF);
  close(p[0]);
  close(p[1]);
}

/* pselect's mask holds only during the wait: a pending blocked SIGUSR1 stays
 * pending under a mask that blocks it and is taken under one that doesn't. */
static void pselect_mask(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, old, during;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  int p[2];
  CHECK(pipe(p) == 0);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  struct timespec ts = {0, 50 * 1000 * 1000};
  int64_t t0 = now_ms();
  CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &block) == 0 && usr1s == 0);
  CHECK(now_ms() - t0 >= 40);
  sigemptyset(&during);
  FD_SET(p[0], &rd);
  ts = (struct timespec){5, 0};
  CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &during) == -1 && errno == EINTR);
  CHECK(usr1s == 1);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  CHECK(sigismember(&now, SIGUSR1)); /* the old mask is back */
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(p[0]);
  close(p[1]);
}

/* A listener is readable once a client connects; a socket pair end once its
 * peer writes. */
static void sockets(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0 && listen(l, 1) == 0);
  CHECK(getsockname(l, (struct sockaddr*)&a, &len) == 0);
  struct pollfd pf = {l, POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(50000);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    char b;
    int ok = connect(c, (struct sockaddr*)&a, sizeof a) == 0 && recv(c, &b, 1, 0) == 1;
    _exit(ok ? 0 : 1);
  }
  int64_t t0 = now_ms();
  CHECK(poll(&pf, 1, 5000) == 1 && pf.revents == POLLIN);
  CHECK(now_ms() - t0 >= 40);
  int s = accept(l, NULL, NULL);
  CHECK(s >= 0 && send(s, "k", 1, 0) == 1);
  reap(pid);
  close(s);
  close(l);

  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  pf = (struct pollfd){sv[0], POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 0);
  pid = write_later(sv[1]);
  t0 = now_ms();
  CHECK(poll(&pf, 1, 5000) == 1 && pf.revents == POLLIN);
  CHECK(now_ms() - t0 >= 40);
  reap(pid);
  close(sv[0]);
  close(sv[1]);
}

/* SIGALRM without SA_RESTART ends poll(-1) and select(NULL) with EINTR. */
static void interrupted(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  int p[2];
  CHECK(pipe(p) == 0);
  struct itimerval it = {{0, 0}, {0, 50000}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  struct pollfd pf = {p[0], POLLIN, 0};
  int64_t t0 = now_ms();
  CHECK(poll(&pf, 1, -1) == -1 && errno == EINTR && alarms == 1);
  CHECK(now_ms() - t0 >= 40);
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  CHECK(select(p[0] + 1, &rd, NULL, NULL, NULL) == -1 && errno == EINTR && alarms == 2);
  close(p[0]);
  close(p[1]);
}

int main(void) {
  pipes_poll();
  pipes_ppoll();
  pipes_select();
  pselect_mask();
  sockets();
  interrupted();
  printf(failures == 0 ? "poll_wait: all ok\n" : "poll_wait: FAILED\n");
  return failures == 0 ? 0 : 1;
}
