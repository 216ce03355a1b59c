/* Signals and threads: each thread has its own mask; a signal sent to the
 * process goes to a thread that does not block it; pthread_kill's runs on
 * its target; a thread's exit (glibc blocks every signal in an exiting
 * thread) leaves the others' masks alone; a futex wait and a sleep end with
 * EINTR for a handler without SA_RESTART (the sleep reports the time left).
 * Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static volatile pid_t handled_on[65];
static atomic_int stage;

static void record(int sig) { handled_on[sig] = (pid_t)syscall(SYS_gettid); }

static void on(int sig, int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  sa.sa_flags = flags;
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void* quiet(void* arg) { return arg; }

static pid_t worker_tid;

/* Leaves SIGUSR1 unblocked (the main thread blocks it), then waits. */
static void* worker(void* arg) {
  (void)arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
  worker_tid = (pid_t)syscall(SYS_gettid);
  atomic_store(&stage, 1);
  while (atomic_load(&stage) != 2) sched_yield();

  /* A futex wait that only a signal ends (2 s timeout: native's race). */
  static uint32_t word;
  atomic_store(&stage, 3);
  struct timespec limit = {2, 0};
  long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &limit, NULL, 0);
  printf("futex wait: %ld %s\n", r, r == -1 && errno == EINTR ? "EINTR" : strerror(errno));

  /* A sleep that a signal ends early. */
  atomic_store(&stage, 4);
  struct timespec req = {2, 0}, rem = {0, 0};
  r = nanosleep(&req, &rem);
  printf("nanosleep: %ld %s, time left %s\n", r, r == -1 && errno == EINTR ? "EINTR" : "?",
         rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 0) ? "reported" : "missing");
  return NULL;
}

/* Waits until the worker has reached (s) and had time to block. */
static void await_stage(int s) {
  while (atomic_load(&stage) != s) sched_yield();
  struct timespec pause = {0, 50 * 1000 * 1000};
  nanosleep(&pause, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const pid_t me = (pid_t)syscall(SYS_gettid);

  /* 1. A thread comes and goes; the main thread's signals still arrive. */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, quiet, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  on(SIGPIPE, 0);
  int fds[2];
  CHECK(pipe(fds) == 0);
  close(fds[0]);
  CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
  close(fds[1]);
  printf("SIGPIPE after a thread exited: %s\n", handled_on[SIGPIPE] == me ? "handled" : "lost");

  /* 2. The main thread blocks SIGUSR1; the worker does not. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
  on(SIGUSR1, SA_RESTART);
  on(SIGUSR2, 0);
  CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
  await_stage(1);
  sigset_t mine;
  CHECK(pthread_sigmask(SIG_SETMASK, NULL, &mine) == 0);
  printf("main still blocks SIGUSR1: %s\n", sigismember(&mine, SIGUSR1) ? "yes" : "no");
  CHECK(kill(getpid(), SIGUSR1) == 0);
  await_stage(1);
  printf("process SIGUSR1 taken by: %s\n", handled_on[SIGUSR1] == worker_tid ? "worker"
                                           : handled_on[SIGUSR1] == me       ? "main"
                                                                             : "nobody");

  /* 3. pthread_kill: the target runs the handler. */
  CHECK(pthread_kill(t, SIGUSR2) == 0);
  atomic_store(&stage, 2);
  await_stage(3);
  printf("pthread_kill SIGUSR2 ran on: %s\n", handled_on[SIGUSR2] == worker_tid ? "worker"
                                              : handled_on[SIGUSR2] == me       ? "main"
                                                                                : "nobody");

  /* 4. The worker waits on a futex: a signal for it ends the wait. */
  handled_on[SIGUSR2] = 0;
  CHECK(pthread_kill(t, SIGUSR2) == 0);
  await_stage(4);
  /* 5. It sleeps: a signal ends the sleep. */
  CHECK(pthread_kill(t, SIGUSR2) == 0);
  CHECK(pthread_join(t, NULL) == 0);

  printf("thread_signals: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
