/* What a program asks of a pipe besides reading and writing it: fstatfs
 * (pipefs), statfs of /proc, F_GETPIPE_SZ / F_SETPIPE_SZ (rounded up to a
 * page; more than pipe-max-size refused), /proc/self/fdinfo, FIONREAD, and SIGPIPE for a
 * write after the reader is gone. Deterministic output, for the
 * differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fail_count.h"

static volatile int sigpipes;
static void on_sigpipe(int sig) { sigpipes += sig == SIGPIPE; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fds[2];
  CHECK(pipe(fds) == 0);

  struct statfs st;
  CHECK(fstatfs(fds[0], &st) == 0);
  printf("pipe fs: 0x%lx, bsize %ld, namelen %ld\n", (long)st.f_type, (long)st.f_bsize,
         (long)st.f_namelen);
  CHECK(statfs("/proc", &st) == 0);
  printf("/proc fs: 0x%lx\n", (long)st.f_type);
  CHECK(statfs("/no/such/dir", &st) == -1 && errno == ENOENT);

  printf("capacity: %d %d\n", fcntl(fds[0], F_GETPIPE_SZ), fcntl(fds[1], F_GETPIPE_SZ));
  printf("set to 0: %d\n", fcntl(fds[0], F_SETPIPE_SZ, 0));
  printf("set to 10000: %d\n", fcntl(fds[1], F_SETPIPE_SZ, 10000));
  /* Past pipe-max-size (1 MiB): EPERM without CAP_SYS_RESOURCE, which
   * hvrun never grants; natively root may get it, so nothing is printed. */
  int big = fcntl(fds[1], F_SETPIPE_SZ, 1 << 30);
  CHECK(big == -1 || big >= (1 << 30));

  /* /proc/self/fdinfo: the write end's flags line. */
  char path[64], info[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fds[1]);
  FILE* fi = fopen(path, "r");
  CHECK(fi != NULL);
  while (fi != NULL && fgets(info, sizeof info, fi) != NULL) {
    if (strncmp(info, "flags:", 6) == 0) printf("fdinfo of the write end: %s", info);
  }
  if (fi != NULL) fclose(fi);

  int n = -1;
  CHECK(ioctl(fds[0], FIONREAD, &n) == 0);
  printf("readable when empty: %d\n", n);
  CHECK(write(fds[1], "hello", 5) == 5);
  CHECK(ioctl(fds[0], FIONREAD, &n) == 0);
  printf("readable after 5 bytes: %d\n", n);

  signal(SIGPIPE, on_sigpipe);
  close(fds[0]);
  errno = 0;
  CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
  printf("SIGPIPEs: %d\n", sigpipes);
  close(fds[1]);

  printf("pipe_info: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
