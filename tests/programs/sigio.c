/* O_ASYNC: SIGIO (or F_SETSIG's signal) when input comes to a pipe or a
 * socket whose owner is this process, none when O_ASYNC is off again, none
 * for setting O_ASYNC on a socket that is already readable, and one from a
 * child's write. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static volatile sig_atomic_t n_io, n_usr1;
static void on_signal(int s) {
  if (s == SIGIO)
    n_io++;
  else
    n_usr1++;
}

/* Waits up to 500 ms for (*count) to reach (want), then 30 ms more for
 * any extra one. */
static int settle(volatile sig_atomic_t* count, int want) {
  for (int i = 0; i < 50 && *count < want; i++) usleep(10000);
  usleep(30000);
  return *count;
}

static void async_on(int fd, int sig) {
  CHECK(fcntl(fd, F_SETOWN, getpid()) == 0);
  if (sig != 0) CHECK(fcntl(fd, F_SETSIG, sig) == 0);
  CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC) == 0);
}

int main(void) {
  signal(SIGIO, on_signal);
  signal(SIGUSR1, on_signal);
  int p[2];
  CHECK(pipe2(p, O_NONBLOCK) == 0);
  async_on(p[0], 0);
  CHECK(settle(&n_io, 0) == 0); /* nothing yet: setting O_ASYNC signals nothing */
  CHECK(write(p[1], "x", 1) == 1);
  CHECK(settle(&n_io, 1) == 1);

  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[1], "a", 1) == 1); /* readable before O_ASYNC */
  async_on(sv[0], SIGUSR1);
  CHECK(settle(&n_usr1, 0) == 0);
  CHECK(write(sv[1], "b", 1) == 1);
  CHECK(settle(&n_usr1, 1) == 1);
  CHECK(fcntl(sv[0], F_GETSIG) == SIGUSR1);

  /* Off again: no more. */
  CHECK(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) & ~O_ASYNC) == 0);
  CHECK(write(sv[1], "c", 1) == 1);
  CHECK(settle(&n_usr1, 2) == 1);

  /* Input from a child process. */
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(20000);
    _exit(write(p[1], "y", 1) == 1 ? 0 : 1);
  }
  CHECK(settle(&n_io, 2) == 2);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  printf("sigio: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
