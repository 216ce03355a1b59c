/* prctl as programs use it: PR_GET/SET_NAME (cut to 15 bytes), the
 * parent-death signal (kept by its setter, not by a forked child, and sent
 * when the parent ends: a grandchild whose parent exits dies of it),
 * PR_GET_DUMPABLE, PR_SET_NO_NEW_PRIVS, and an unknown option (EINVAL).
 * Deterministic output, for the differential suite. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char name[16] = {0};
  CHECK(prctl(PR_GET_NAME, name) == 0);
  printf("name at start: %s\n", name);
  CHECK(prctl(PR_SET_NAME, "a-rather-long-thread-name") == 0);
  CHECK(prctl(PR_GET_NAME, name) == 0);
  printf("name after PR_SET_NAME: %s\n", name);

  int sig = -1;
  CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL) == 0);
  CHECK(prctl(PR_GET_PDEATHSIG, &sig) == 0);
  printf("parent-death signal: %d\n", sig);
  CHECK(prctl(PR_SET_PDEATHSIG, 99) == -1 && errno == EINVAL);
  pid_t child = fork();
  if (child == 0) {
    int mine = -1;
    prctl(PR_GET_PDEATHSIG, &mine);
    _exit(mine == 0 ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child);
  printf("a forked child's parent-death signal: %s\n",
         WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "none" : "inherited (wrong)");
  CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0);

  /* A grandchild asks for SIGUSR1 when its parent ends, then waits; its
   * parent exits; the grandchild's end closes the pipe. */
  int fds[2];
  CHECK(pipe(fds) == 0);
  child = fork();
  if (child == 0) {
    if (fork() == 0) {
      close(fds[0]);
      prctl(PR_SET_PDEATHSIG, SIGUSR1);
      if (write(fds[1], "r", 1) != 1) _exit(2);
      pause();
      _exit(0);
    }
    close(fds[1]);
    char byte;
    if (read(fds[0], &byte, 1) != 1) _exit(2); /* the grandchild is armed */
    _exit(0);
  }
  close(fds[1]);
  CHECK(waitpid(child, &status, 0) == child);
  char byte;
  ssize_t n = read(fds[0], &byte, 1); /* blocks until the grandchild is gone */
  printf("grandchild after its parent ended: %s\n", n == 0 ? "gone" : "still there");

  /* A child subreaper gets its orphaned grandchildren; its children do not
   * inherit the bit. */
  CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  int sub = 0;
  CHECK(prctl(PR_GET_CHILD_SUBREAPER, &sub) == 0 && sub == 1);
  CHECK(pipe(fds) == 0);
  const pid_t me = getpid();
  child = fork();
  if (child == 0) {
    int inherited = 1;
    prctl(PR_GET_CHILD_SUBREAPER, &inherited);
    if (fork() == 0) {
      close(fds[0]);
      while (getppid() != me) usleep(1000); /* until its parent is gone */
      /* Its pid too: under hvrun this program is init, which earlier
       * orphans (above) came to as well, so it waits for this one only. */
      int msg[2] = {inherited == 0 ? 'y' : 'n', getpid()};
      if (write(fds[1], msg, sizeof msg) != sizeof msg) _exit(2);
      _exit(0);
    }
    _exit(0);
  }
  close(fds[1]);
  CHECK(waitpid(child, &status, 0) == child);
  int msg[2] = {0, 0};
  CHECK(read(fds[0], msg, sizeof msg) == sizeof msg && msg[0] == 'y');
  close(fds[0]);
  CHECK(msg[1] > 0 && waitpid(msg[1], &status, 0) == msg[1] && WIFEXITED(status));
  printf("an orphan goes to the subreaper\n");
  CHECK(prctl(PR_SET_CHILD_SUBREAPER, 0) == 0);

  /* A reaped child's pid names nothing, even with threads of ours about
   * (thread ids and pids are one space). */
  child = fork();
  if (child == 0) _exit(0);
  CHECK(waitpid(child, &status, 0) == child);
  errno = 0;
  CHECK(kill(child, 0) == -1 && errno == ESRCH);

  printf("dumpable: %d\n", prctl(PR_GET_DUMPABLE));
  CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  printf("no_new_privs: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  CHECK(prctl(0x7fff, 0, 0, 0, 0) == -1 && errno == EINVAL);
  printf("prctl_basics: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
