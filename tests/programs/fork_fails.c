/* Calls fork(): natively, and under hvrun where the backend runs processes
 * (sim), the child exits and the parent waits for it; elsewhere fork fails
 * with ENOSYS and `hvrun --verbose` says why. */
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
