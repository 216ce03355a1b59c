/* Open file descriptions shared across fork on a host directory (argv[1]):
 * a file's offset is one for the parent and the child, as on Linux, for
 * write, read, lseek and O_APPEND; separate opens keep separate offsets.
 * This is what `{ echo a; /bin/echo b; echo c; } > file` relies on. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static void InChild(void (*fn)(int), int fd) {
  pid_t c = fork();
  if (c == 0) {
    fn(fd);
    _exit(0);
  }
  int status;
  CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void WriteB(int fd) { write(fd, "B", 1); }
static void Read3(int fd) {
  char b[3];
  read(fd, b, 3);
}
static void Seek8(int fd) { lseek(fd, 8, SEEK_SET); }
static void AppendY(int fd) { write(fd, "y", 1); }

static void Contents(const char* path, const char* want) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  CHECK(n == (ssize_t)strlen(want) && memcmp(buf, want, n) == 0);
  close(fd);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char path[512];
  snprintf(path, sizeof path, "%s/offsets", argv[1]);

  /* Writes: the parent's next write lands after the child's. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "A", 1) == 1);
  InChild(WriteB, fd);
  CHECK(write(fd, "C", 1) == 1);
  CHECK(lseek(fd, 0, SEEK_CUR) == 3);
  close(fd);
  Contents(path, "ABC");
  printf("writes: done\n");

  /* Reads and lseek. */
  fd = open(path, O_WRONLY | O_TRUNC);
  CHECK(write(fd, "0123456789", 10) == 10);
  close(fd);
  fd = open(path, O_RDONLY);
  InChild(Read3, fd);
  char b[4] = {0};
  CHECK(read(fd, b, 3) == 3 && strcmp(b, "345") == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 6);
  InChild(Seek8, fd);
  CHECK(lseek(fd, 0, SEEK_CUR) == 8);
  memset(b, 0, sizeof b);
  CHECK(read(fd, b, 3) == 2 && strcmp(b, "89") == 0);
  /* A second open has an offset of its own. */
  int other = open(path, O_RDONLY);
  memset(b, 0, sizeof b);
  CHECK(read(other, b, 2) == 2 && strcmp(b, "01") == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 10);
  close(other);
  close(fd);
  printf("reads: done\n");

  /* O_APPEND from both. */
  fd = open(path, O_WRONLY | O_TRUNC | O_APPEND);
  CHECK(write(fd, "x", 1) == 1);
  InChild(AppendY, fd);
  CHECK(write(fd, "z", 1) == 1);
  CHECK(lseek(fd, 0, SEEK_CUR) == 3);
  close(fd);
  Contents(path, "xyz");
  printf("append: done\n");

  /* A dup in a child: still one description. */
  fd = open(path, O_RDWR | O_TRUNC);
  pid_t c = fork();
  if (c == 0) {
    int d = dup(fd);
    write(d, "dup", 3);
    _exit(0);
  }
  int status;
  CHECK(waitpid(c, &status, 0) == c);
  CHECK(write(fd, "!", 1) == 1);
  close(fd);
  Contents(path, "dup!");
  unlink(path);
  printf("dup: done\n");

  printf(failures == 0 ? "shared_offset: all ok\n" : "shared_offset: FAILED\n");
  return failures == 0 ? 0 : 1;
}
