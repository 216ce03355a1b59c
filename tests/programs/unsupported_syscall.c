// unsupported_syscall: makes syscalls the runtime does not support and prints
// each result as an errno name, e.g. "1000: ENOSYS".
//
// Usage: unsupported_syscall CALL...
// CALL is a number, or "io_setup" (Linux AIO: supported natively, not by the
// runtime; the e2e suite uses it only under hvrun).
#define _GNU_SOURCE  // strerrorname_np
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    long r;
    errno = 0;
    if (strcmp(argv[i], "io_setup") == 0) {
      unsigned long ctx = 0;
      r = syscall(SYS_io_setup, 1, &ctx);
    } else {
      char* end;
      long nr = strtol(argv[i], &end, 0);
      if (*end) {
        fprintf(stderr, "unsupported_syscall: bad call %s\n", argv[i]);
        return 64;
      }
      r = syscall(nr, 0, 0, 0, 0, 0, 0);
    }
    if (r == -1)
      printf("%s: %s\n", argv[i], strerrorname_np(errno));
    else
      printf("%s: ok\n", argv[i]);
  }
  return 0;
}
