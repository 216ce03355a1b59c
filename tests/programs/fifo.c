/* Named FIFOs in a host directory (argv[1]), then in a fresh directory of
 * /tmp (under hvrun, the guest's own tmpfs): mkfifo and mknod, the open
 * rules (O_NONBLOCK reader at once, O_NONBLOCK writer ENXIO without a
 * reader, O_RDWR never waits, a blocking reader and writer wait for each
 * other: here two threads, then a parent and a forked child), data and EOF
 * through it, and what a FIFO refuses (lseek, truncate). Deterministic
 * output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static char path[4096];
static int writer_fd = -1;

static void* OpenWriter(void* arg) {
  (void)arg;
  writer_fd = open(path, O_WRONLY);
  return NULL;
}

static void Exercise(const char* dir) {
  snprintf(path, sizeof path, "%s/fifo", dir);
  CHECK(mkfifo(path, 0600) == 0);
  CHECK(mkfifo(path, 0600) == -1 && errno == EEXIST);
  struct stat st;
  CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0600);

  /* No reader yet: a non-blocking writer is refused. */
  CHECK(open(path, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO);
  int r = open(path, O_RDONLY | O_NONBLOCK);
  CHECK(r >= 0);
  int w = open(path, O_WRONLY | O_NONBLOCK);
  CHECK(w >= 0);
  CHECK(write(w, "abc", 3) == 3);
  char buf[64] = {0};
  CHECK(read(r, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0);
  CHECK(read(r, buf, sizeof buf) == -1 && errno == EAGAIN);
  CHECK(lseek(r, 0, SEEK_SET) == -1 && errno == ESPIPE);
  CHECK(ftruncate(w, 0) == -1 && errno == EINVAL);
  CHECK(truncate(path, 0) == -1 && errno == EINVAL);
  CHECK(fstat(r, &st) == 0 && S_ISFIFO(st.st_mode));
  close(w);
  CHECK(read(r, buf, sizeof buf) == 0); /* every writer gone: EOF */
  close(r);

  /* O_RDWR never waits, and is both ends. */
  int rw = open(path, O_RDWR);
  CHECK(rw >= 0);
  CHECK(write(rw, "xy", 2) == 2 && read(rw, buf, 2) == 2 && memcmp(buf, "xy", 2) == 0);
  close(rw);

  /* A blocking reader and a blocking writer, each waiting for the other. */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, OpenWriter, NULL) == 0);
  r = open(path, O_RDONLY);
  CHECK(r >= 0);
  pthread_join(t, NULL);
  CHECK(writer_fd >= 0);
  CHECK(write(writer_fd, "threads", 7) == 7);
  memset(buf, 0, sizeof buf);
  CHECK(read(r, buf, sizeof buf) == 7 && strcmp(buf, "threads") == 0);
  close(writer_fd);
  close(r);

  /* Between processes: the child writes, the parent reads until EOF. */
  pid_t pid = fork();
  if (pid == 0) {
    int cw = open(path, O_WRONLY);
    if (cw < 0) _exit(3);
    const char msg[] = "from the child";
    _exit(write(cw, msg, sizeof msg - 1) == sizeof msg - 1 ? 0 : 4);
  }
  r = open(path, O_RDONLY);
  CHECK(r >= 0);
  size_t got = 0;
  ssize_t n;
  memset(buf, 0, sizeof buf);
  while ((n = read(r, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  CHECK(n == 0 && strcmp(buf, "from the child") == 0);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(r);
  printf("fifo: child said '%s'\n", buf);

  /* mknod: a regular file yes, a device node no. */
  char other[4200];
  snprintf(other, sizeof other, "%s/plain", dir);
  CHECK(mknod(other, S_IFREG | 0644, 0) == 0);
  CHECK(stat(other, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
  snprintf(other, sizeof other, "%s/node", dir);
  CHECK(mknod(other, S_IFDIR | 0700, 0) == -1 && errno == EPERM);
  snprintf(other, sizeof other, "%s/fifo2", dir);
  CHECK(mknod(other, S_IFIFO | 0640, 0) == 0);
  CHECK(stat(other, &st) == 0 && S_ISFIFO(st.st_mode));
  CHECK(unlink(path) == 0 && unlink(other) == 0);
  CHECK(stat(path, &st) == -1 && errno == ENOENT);
  snprintf(other, sizeof other, "%s/plain", dir);
  unlink(other);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  Exercise(argv[1]);
  char tmp[] = "/tmp/fifo_XXXXXX";
  CHECK(mkdtemp(tmp) != NULL);
  Exercise(tmp);
  CHECK(rmdir(tmp) == 0);

  if (failures == 0) printf("fifo: all ok\n");
  return failures == 0 ? 0 : 1;
}
