/* posix_spawn (glibc's: clone with CLONE_VM|CLONE_VFORK on a stack of its
 * own) of this program again, with file actions (a dup2 onto stdout) and an
 * argument; posix_spawnp with an absolute path; with "system", system()
 * (which runs /bin/sh through posix_spawn). Deterministic output, for the
 * differential suite. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

extern char** environ;

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 2 && strcmp(argv[1], "child") == 0) {
    printf("spawned child says %s\n", argv[2]);
    return 3;
  }
  if (argc > 1 && strcmp(argv[1], "system") == 0) {
    /* system(): /bin/sh through posix_spawn (needs a root file system). */
    int r = system("echo from the shell; exit 5");
    printf("system returned exit status %d\n", WIFEXITED(r) ? WEXITSTATUS(r) : -1);
    return 0;
  }
  pid_t pid;
  char* args[] = {argv[0], "child", "hello", NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDOUT_FILENO);
  CHECK(posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ) == 0);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  printf("posix_spawn child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  posix_spawn_file_actions_destroy(&fa);

  char* args2[] = {argv[0], "child", "again", NULL};
  CHECK(posix_spawnp(&pid, "/proc/self/exe", NULL, NULL, args2, environ) == 0);
  CHECK(waitpid(pid, &status, 0) == pid);
  printf("posix_spawnp child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

  printf("spawn: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
