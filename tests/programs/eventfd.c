/* eventfd: the counter read and reset, EAGAIN when zero (EFD_NONBLOCK),
 * 8-byte transfers only, EFD_SEMAPHORE, a blocking read woken by a forked
 * child's write (the eventfd is shared across fork), poll readiness, bad
 * flags. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

int main(void) {
  uint64_t v = 0;
  int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
  CHECK(fd >= 0);
  CHECK(read(fd, &v, 8) == 8 && v == 3);
  CHECK(read(fd, &v, 8) == -1 && errno == EAGAIN);
  CHECK(read(fd, &v, 4) == -1 && errno == EINVAL);
  v = 5;
  CHECK(write(fd, &v, 8) == 8);
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && (p.revents & POLLOUT));
  CHECK(read(fd, &v, 8) == 8 && v == 5);
  v = UINT64_MAX;
  CHECK(write(fd, &v, 8) == -1 && errno == EINVAL);

  int sem = eventfd(2, EFD_SEMAPHORE);
  CHECK(read(sem, &v, 8) == 8 && v == 1);
  CHECK(read(sem, &v, 8) == 8 && v == 1);

  /* A blocking read, woken by a child's write. */
  int b = eventfd(0, 0);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(20000);
    uint64_t seven = 7;
    _exit(write(b, &seven, 8) == 8 ? 0 : 1);
  }
  CHECK(read(b, &v, 8) == 8 && v == 7);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

  CHECK(eventfd(0, 0x7fff) == -1 && errno == EINVAL);
  printf(failures == 0 ? "eventfd: all ok\n" : "eventfd: FAILED\n");
  return failures == 0 ? 0 : 1;
}
