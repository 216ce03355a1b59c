// File: tests/hostile/guests/hostfile_fd_flood.c
//
// hostfile_fd_flood DIR: DIR is a writable host mount holding "data". Opens
// host files until the guest is refused (each open holds one host fd in
// hvrun), then, closing nothing, asks for work that needs hvrun to open fds
// of its own: a stat by path, a mkdir, a symlink, a read of a host file
// already open, and an open(O_CREAT), which must fail with EMFILE and leave
// no file behind (the test checks the host). Prints one line per step and
// exits 0 only if every step went as it should.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[4][4096];

static const char* P(const char* dir, const char* name) {
  static int i;
  char* b = buf[i++ & 3];
  snprintf(b, sizeof buf[0], "%s/%s", dir, name);
  return b;
}

static int failed;

static void Expect(const char* what, int ok) {
  printf("%s: %s%s\n", what, ok ? "ok" : "FAILED ", ok ? "" : strerrorname_np(errno));
  if (!ok) failed = 1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: hostfile_fd_flood DIR\n");
    return 2;
  }
  const char* dir = argv[1];
  int first = -1;
  int count = 0;
  for (;;) {
    int fd = open(P(dir, "data"), O_RDONLY);
    if (fd < 0) break;
    if (first < 0) first = fd;
    count++;
  }
  printf("flood: stopped after %d: %s\n", count, strerrorname_np(errno));
  if (count == 0) return 1;

  struct stat st;
  Expect("stat data", stat(P(dir, "data"), &st) == 0 && st.st_size == 5);
  Expect("mkdir newdir", mkdir(P(dir, "newdir"), 0755) == 0);
  Expect("symlink newlink", symlink("data", P(dir, "newlink")) == 0);
  Expect("lstat newlink", lstat(P(dir, "newlink"), &st) == 0 && S_ISLNK(st.st_mode));
  char text[16] = {0};
  Expect("read data", pread(first, text, sizeof text - 1, 0) == 5 && strcmp(text, "hello") == 0);
  const int created = open(P(dir, "newfile"), O_CREAT | O_WRONLY, 0644);
  printf("open O_CREAT newfile: %s\n", created < 0 ? strerrorname_np(errno) : "ok");
  if (created >= 0 || errno != EMFILE) failed = 1;
  printf("hostfile_fd_flood: %s\n", failed ? "FAILED" : "done");
  return failed;
}
