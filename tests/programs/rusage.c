/* getrusage and wait4's rusage as Linux gives them: a child that touched
 * 8 MiB shows an ru_maxrss of at least that in wait4 and in
 * getrusage(RUSAGE_CHILDREN) once reaped (not before), the caller's own is
 * non-zero, and with SIGCHLD ignored children reap themselves: waitpid says
 * ECHILD and their usage does not count. Deterministic output, for the
 * differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static pid_t Child(size_t touch) {
  pid_t pid = fork();
  if (pid == 0) {
    volatile char* p = malloc(touch); /* volatile: the stores must happen */
    for (size_t i = 0; p != NULL && i < touch; i += 4096) p[i] = 1;
    _exit(p != NULL ? 0 : 1);
  }
  return pid;
}

int main(void) {
  struct rusage self, kids;
  CHECK(getrusage(RUSAGE_SELF, &self) == 0 && self.ru_maxrss > 0);
  CHECK(getrusage(RUSAGE_CHILDREN, &kids) == 0 && kids.ru_maxrss == 0);
  errno = 0;
  CHECK(getrusage(42, &self) == -1 && errno == EINVAL);

  pid_t pid = Child(8 << 20);
  CHECK(pid > 0);
  struct timespec ms = {0, 200 * 1000 * 1000};
  nanosleep(&ms, NULL); /* it has ended, but is not reaped yet */
  CHECK(getrusage(RUSAGE_CHILDREN, &kids) == 0 && kids.ru_maxrss == 0);
  int status;
  struct rusage ru;
  CHECK(wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(ru.ru_maxrss >= 8192);
  CHECK(getrusage(RUSAGE_CHILDREN, &kids) == 0 && kids.ru_maxrss >= 8192);
  printf("a reaped child's ru_maxrss counts\n");

  signal(SIGCHLD, SIG_IGN);
  pid = Child(1 << 20);
  CHECK(pid > 0);
  errno = 0;
  CHECK(waitpid(pid, &status, 0) == -1 && errno == ECHILD);
  printf("with SIGCHLD ignored, children reap themselves\n");

  printf(failures == 0 ? "rusage: all ok\n" : "rusage: FAILED\n");
  return failures == 0 ? 0 : 1;
}
