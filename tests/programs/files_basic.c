/* Regular files: create, write, read, lseek, pread/pwrite, readv/writev,
 * ftruncate, stat sizes, O_APPEND, O_EXCL, unlink, and the error paths
 * (ENOENT, EEXIST, EISDIR, ENOTDIR, EBADF, ESPIPE, EINVAL). */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "fs_check.h"

int main(void) {
  EnterTempDir("files_basic");
  char buf[256];
  struct stat st;

  int fd = CHECK(open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644));
  CHECK(write(fd, "hello, world", 12));
  CHECK(lseek(fd, 0, SEEK_CUR));
  CHECK(lseek(fd, 0, SEEK_SET));
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, 5));
  printf("read: [%s]\n", buf);
  CHECK(lseek(fd, -5, SEEK_END));
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, 100));
  printf("read: [%s]\n", buf);
  CHECK(read(fd, buf, 100)); /* at end of file */
  CHECK(lseek(fd, -100, SEEK_CUR));
  CHECK(lseek(fd, 0, 42));

  /* pread/pwrite do not move the offset. */
  CHECK(pwrite(fd, "HELLO", 5, 0));
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 8, 2));
  printf("pread: [%s]\n", buf);
  CHECK(lseek(fd, 0, SEEK_CUR));
  CHECK(pread(fd, buf, 8, -1));

  /* A write past the end leaves a hole of zeros. */
  CHECK(pwrite(fd, "!", 1, 20));
  CHECK(fstat(fd, &st));
  printf("size %ld regular %d\n", (long)st.st_size, S_ISREG(st.st_mode));
  CHECK(pread(fd, buf, 10, 12));
  printf("hole zeros: %d %d %d\n", buf[0] == 0, buf[7] == 0, buf[8] == '!');

  /* ftruncate shrinks, then grows with zeros. */
  CHECK(ftruncate(fd, 4));
  CHECK(fstat(fd, &st));
  printf("size %ld\n", (long)st.st_size);
  CHECK(ftruncate(fd, 10));
  memset(buf, 'x', sizeof buf);
  CHECK(pread(fd, buf, 100, 0));
  printf("after grow: [%.4s] %d %d\n", buf, buf[4] == 0, buf[9] == 0);
  CHECK(ftruncate(fd, -1));

  /* readv / writev. */
  CHECK(ftruncate(fd, 0));
  CHECK(lseek(fd, 0, SEEK_SET));
  struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
  CHECK(writev(fd, iov, 3));
  char x[3] = {0}, y[10] = {0};
  struct iovec riov[2] = {{x, 2}, {y, 9}};
  CHECK(lseek(fd, 0, SEEK_SET));
  CHECK(readv(fd, riov, 2));
  printf("readv: [%s] [%s]\n", x, y);
  CHECK(close(fd));
  CHECK(close(fd));
  CHECK(write(fd, "x", 1));

  /* stat by path. */
  CHECK(stat("a.txt", &st));
  printf("size %ld mode %o\n", (long)st.st_size, (unsigned)(st.st_mode & 0777));
  CHECK(stat("missing", &st));
  CHECK(stat("a.txt/x", &st));
  CHECK(stat("", &st));

  /* O_EXCL, O_APPEND, read-only and write-only fds. */
  CHECK(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  fd = CHECK(open("a.txt", O_WRONLY | O_APPEND));
  CHECK(lseek(fd, 0, SEEK_SET));
  CHECK(write(fd, "gh", 2));
  CHECK(lseek(fd, 0, SEEK_CUR));
  CHECK(read(fd, buf, 1));
  CHECK(close(fd));
  fd = CHECK(open("a.txt", O_RDONLY));
  CHECK(write(fd, "x", 1));
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, sizeof buf - 1));
  printf("content: [%s]\n", buf);
  CHECK(ftruncate(fd, 0));
  CHECK(close(fd));
  // lighttpd opens every file so (O_NOCTTY was EINVAL on a mount).
  fd = CHECK(open("a.txt", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  CHECK(close(fd));
  fd = CHECK(open("a.txt", O_WRONLY | O_TRUNC));
  CHECK(fstat(fd, &st));
  printf("size after O_TRUNC %ld\n", (long)st.st_size);
  CHECK(close(fd));

  /* creat, and bigger data across pages. */
  fd = CHECK(creat("big", 0600));
  static char page[10000];
  for (int i = 0; i < (int)sizeof page; i++) page[i] = (char)('a' + i % 26);
  for (int i = 0; i < 30; i++) {
    if (write(fd, page, sizeof page) != (ssize_t)sizeof page) printf("short write %d\n", i);
  }
  CHECK(fstat(fd, &st));
  printf("big size %ld\n", (long)st.st_size);
  CHECK(close(fd));
  fd = CHECK(open("big", O_RDONLY));
  long sum = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) sum += buf[i];
  }
  printf("big sum %ld\n", sum);
  CHECK(close(fd));

  /* Error paths. */
  CHECK(open("missing", O_RDONLY));
  CHECK(open("missing/x", O_CREAT | O_RDWR, 0644));
  CHECK(open("a.txt/x", O_RDONLY));
  CHECK(open(".", O_RDWR));
  CHECK(open(".", O_RDONLY | O_CREAT, 0644));
  CHECK(open("a.txt", O_RDONLY | O_DIRECTORY));
  CHECK(open("newdir/", O_CREAT | O_RDWR, 0644));
  fd = CHECK(open(".", O_RDONLY));
  CHECK(read(fd, buf, 10));
  CHECK(write(fd, buf, 10));
  CHECK(close(fd));
  CHECK(read(99, buf, 1));
  CHECK(lseek(99, 0, SEEK_SET));

  /* Unlink: the name goes, an open fd still reads the data. */
  fd = CHECK(open("a.txt", O_RDWR));
  CHECK(write(fd, "still here", 10));
  CHECK(unlink("a.txt"));
  CHECK(unlink("a.txt"));
  CHECK(access("a.txt", F_OK));
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 20, 0));
  printf("after unlink: [%s]\n", buf);
  CHECK(close(fd));
  CHECK(unlink("big"));
  CHECK(unlink("."));

  LeaveTempDir();
  printf("files_basic: all ok\n");
  return 0;
}
