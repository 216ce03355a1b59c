/* fds: dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/SETFD,
 * F_GETFL/SETFL), shared offsets after dup, pipe2 write then read, EOF when
 * the writer closes, flock and F_SETLK succeeding (one process). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fs_check.h"

int main(void) {
  EnterTempDir("fds");
  char buf[64];

  int fd = CHECK(open("f", O_CREAT | O_RDWR, 0600));
  CHECK(write(fd, "0123456789", 10));
  int d = CHECK(dup(fd));
  CHECK(lseek(d, 0, SEEK_CUR)); /* shared offset */
  CHECK(lseek(fd, 2, SEEK_SET));
  memset(buf, 0, sizeof buf);
  CHECK(read(d, buf, 3));
  printf("via dup: [%s]\n", buf);
  CHECK(close(fd));
  CHECK(read(d, buf, 2)); /* still open through the dup */
  CHECK(dup2(d, 10));
  CHECK(dup2(d, d));
  CHECK(dup2(99, 11));
  CHECK(dup2(d, -1));
  CHECK(dup3(d, d, 0));
  CHECK(dup3(d, 12, O_CLOEXEC));
  CHECK(fcntl(12, F_GETFD));
  CHECK(fcntl(10, F_GETFD));
  CHECK(dup3(d, 13, 12345));
  CHECK(fcntl(d, F_DUPFD, 20));
  CHECK(fcntl(d, F_DUPFD_CLOEXEC, 20));
  CHECK(fcntl(21, F_GETFD));
  CHECK(fcntl(21, F_SETFD, 0));
  CHECK(fcntl(21, F_GETFD));
  CHECK(fcntl(d, F_DUPFD, -1));
  CHECK(fcntl(99, F_GETFD));
  CHECK(fcntl(d, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  CHECK(fcntl(d, F_SETFL, O_APPEND | O_NONBLOCK));
  CHECK(fcntl(10, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK)); /* shared description */
  CHECK(fcntl(d, F_SETFL, 0));
  int ro = CHECK(open("f", O_RDONLY | O_CLOEXEC));
  CHECK(fcntl(ro, F_GETFD));
  CHECK(fcntl(ro, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  CHECK(flock(ro, LOCK_EX));
  CHECK(flock(ro, LOCK_UN));
  CHECK(flock(99, LOCK_EX));
  struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  CHECK(fcntl(d, F_SETLK, &lk));
  lk.l_type = F_RDLCK;
  CHECK(fcntl(d, F_GETLK, &lk));
  printf("F_GETLK says unlocked: %d\n", lk.l_type == F_UNLCK);
  int fds[] = {d, 10, 12, 20, 21, ro};
  for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) CHECK(close(fds[i]));
  CHECK(unlink("f"));

  /* Pipes. */
  int p[2];
  CHECK(pipe2(p, O_CLOEXEC));
  CHECK(fcntl(p[0], F_GETFD));
  CHECK(fcntl(p[0], F_GETFL) & O_ACCMODE);
  CHECK(fcntl(p[1], F_GETFL) & O_ACCMODE);
  CHECK(write(p[1], "through the pipe", 16));
  memset(buf, 0, sizeof buf);
  CHECK(read(p[0], buf, 7));
  printf("pipe: [%s]\n", buf);
  memset(buf, 0, sizeof buf);
  CHECK(read(p[0], buf, sizeof buf));
  printf("pipe: [%s]\n", buf);
  CHECK(lseek(p[0], 0, SEEK_SET));
  CHECK(read(p[1], buf, 1));
  CHECK(write(p[0], "x", 1));
  struct stat st;
  CHECK(fstat(p[0], &st));
  printf("fifo %d\n", S_ISFIFO(st.st_mode));
  CHECK(close(p[1]));
  CHECK(read(p[0], buf, sizeof buf)); /* no writer: end of file */
  CHECK(close(p[0]));
  CHECK(pipe2(p, 12345));
  CHECK(pipe2(p, O_NONBLOCK));
  CHECK(read(p[0], buf, sizeof buf)); /* empty, non-blocking */
  /* Fill it: 64 KiB, then EAGAIN. */
  static char big[100000];
  CHECK(write(p[1], big, sizeof big));
  CHECK(write(p[1], big, 1));
  CHECK(close(p[0]));
  CHECK(close(p[1]));

  LeaveTempDir();
  printf("fds: all ok\n");
  return 0;
}
