// File: tests/hostile/guests/fork_bomb.c
//
// A fork bomb: every process forks as fast as it can and never waits. Under
// --pids-limit the forks past the limit fail with EAGAIN; the first process
// then reports that and exits 1, which ends every other process with it.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  const pid_t init = getpid();
  for (int i = 0; i < 100000; i++) {
    if (fork() < 0 && getpid() == init) {
      printf("fork_bomb: fork failed with %s after %d forks\n",
             errno == EAGAIN ? "EAGAIN" : "another error", i);
      return 1;
    }
  }
  for (;;) pause();
}
