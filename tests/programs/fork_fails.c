/* Calls fork(): under hvrun it must fail with ENOSYS (one process), and
 * `hvrun --verbose` must say why. Natively it forks, and the child exits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  if (pid > 0) {
    waitpid(pid, NULL, 0);
    puts("fork: ok");
    return 0;
  }
  printf("fork: %s\n", errno == ENOSYS ? "ENOSYS" : strerror(errno));
  return 0;
}
