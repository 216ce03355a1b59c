// File: tests/hostile/guests/write_past_fsize.c
//
// Writes 4 KiB blocks to PATH (a file in a mount) three times. Run under a
// 4 KiB RLIMIT_FSIZE on hvrun, the second write crosses the limit: the host
// kernel raises SIGXFSZ in hvrun, which must survive it and give the guest
// EFBIG.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  static char block[4096];
  memset(block, 'b', sizeof block);
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  for (int i = 0; i < 3; ++i) {
    ssize_t n = write(fd, block, sizeof block);
    if (n < 0) {
      printf("write %d: %s\n", i, strerrorname_np(errno));
    } else {
      printf("write %d: %zd\n", i, n);
    }
  }
  close(fd);
  printf("still here\n");
  return 0;
}
