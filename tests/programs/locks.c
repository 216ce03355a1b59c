/* File locks between processes on a host directory (argv[1]): a POSIX
 * write lock in the parent stops a child's F_SETLK (EAGAIN) and F_GETLK
 * names the parent; a child's F_SETLKW waits until the parent unlocks;
 * closing any fd of the file drops the parent's POSIX locks; locks are not
 * inherited by fork; OFD locks follow the open file description (shared
 * with a child through fork, in conflict with another open); flock(2)
 * likewise. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static int SetLock(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &fl);
}

/* Runs (fn) in a child; returns its exit status (0: all its checks held). */
static int InChild(int (*fn)(const char*), const char* path) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn(path));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

static int ChildSeesParentLock(const char* path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) return 10;
  if (SetLock(fd, F_SETLK, F_WRLCK, 0, 10) != -1 || (errno != EAGAIN && errno != EACCES)) return 11;
  if (SetLock(fd, F_SETLK, F_RDLCK, 20, 5) != 0) return 12; /* outside the parent's range */
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
  if (fcntl(fd, F_GETLK, &fl) != 0) return 13;
  if (fl.l_type != F_WRLCK || fl.l_pid != getppid() || fl.l_start != 0 || fl.l_len != 10) return 14;
  return 0;
}

static int ChildWaitsForLock(const char* path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) return 20;
  /* The parent unlocks ~50 ms after this child starts. */
  if (SetLock(fd, F_SETLKW, F_WRLCK, 0, 10) != 0) return 21;
  return 0;
}

static int ChildLocksFreely(const char* path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) return 30;
  return SetLock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 31;
}

static int ChildFlockBlocked(const char* path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) return 40;
  if (flock(fd, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK) return 41;
  if (flock(fd, LOCK_SH | LOCK_NB) != -1 || errno != EWOULDBLOCK) return 42;
  return 0;
}

static int ChildOfdConflict(const char* path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) return 50;
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
  if (fcntl(fd, F_OFD_SETLK, &fl) != -1 || errno != EAGAIN) return 51;
  fl.l_type = F_WRLCK;
  if (fcntl(fd, F_OFD_GETLK, &fl) != 0 || fl.l_type != F_WRLCK || fl.l_pid != -1) return 52;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/locked", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789abcdefghijklmnopqrstuvwxyz", 36) == 36);

  /* POSIX locks: the child sees the parent's, and F_GETLK names it. */
  CHECK(SetLock(fd, F_SETLK, F_WRLCK, 0, 10) == 0);
  CHECK(SetLock(fd, F_SETLK, F_RDLCK, 0, 10) == 0); /* its own: a conversion */
  CHECK(SetLock(fd, F_SETLK, F_WRLCK, 0, 10) == 0);
  CHECK(InChild(ChildSeesParentLock, path) == 0);

  /* F_SETLKW waits for the parent's unlock. */
  pid_t pid = fork();
  if (pid == 0) _exit(ChildWaitsForLock(path));
  usleep(50000);
  int status = 0;
  CHECK(waitpid(pid, &status, WNOHANG) == 0); /* still waiting */
  CHECK(SetLock(fd, F_SETLK, F_UNLCK, 0, 0) == 0);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

  /* Closing another fd of the file drops the process's locks. */
  CHECK(SetLock(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
  int other = open(path, O_RDONLY);
  CHECK(other >= 0);
  CHECK(close(other) == 0);
  CHECK(InChild(ChildLocksFreely, path) == 0);

  /* A child does not inherit the parent's POSIX locks. */
  CHECK(SetLock(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
  pid = fork();
  if (pid == 0) {
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    _exit(fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == getppid() ? 0 : 1);
  }
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(SetLock(fd, F_SETLK, F_UNLCK, 0, 0) == 0);

  /* OFD locks: the description's, so a forked child shares them. */
  int ofd = open(path, O_RDWR);
  CHECK(ofd >= 0);
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
  CHECK(fcntl(ofd, F_OFD_SETLK, &fl) == 0);
  fl.l_pid = 1;
  CHECK(fcntl(ofd, F_OFD_SETLK, &fl) == -1 && errno == EINVAL);
  CHECK(InChild(ChildOfdConflict, path) == 0);
  pid = fork();
  if (pid == 0) {
    struct flock again = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    _exit(fcntl(ofd, F_OFD_SETLK, &again) == 0 ? 0 : 1);
  }
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(ofd);

  /* flock: held by the description; another open is refused. */
  CHECK(flock(fd, LOCK_EX) == 0);
  CHECK(InChild(ChildFlockBlocked, path) == 0);
  CHECK(flock(fd, LOCK_UN) == 0);
  CHECK(InChild(ChildLocksFreely, path) == 0);

  CHECK(SetLock(fd, F_SETLK, 7, 0, 0) == -1 && errno == EINVAL);
  close(fd);
  unlink(path);
  printf(failures == 0 ? "locks: all ok\n" : "locks: FAILED\n");
  return failures == 0 ? 0 : 1;
}
