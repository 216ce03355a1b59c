// File: tests/hostile/guests/exhaust.c
//
// Runs the guest out of its own resources: fds (until open fails), then
// address space (64 MiB blocks, one page of each touched so that the run
// stays far below --memory, until malloc fails), then gives everything back
// and checks that it still works. The guest's limits are the guest's: hvrun
// must report nothing and keep serving.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int fds[8192], nfds = 0, err = 0;
  while (nfds < 8192) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0) {
      err = errno;
      break;
    }
    fds[nfds++] = fd;
  }
  printf("fds: stopped by %s after %s\n", err ? strerrorname_np(err) : "nothing",
         nfds > 900 ? "hundreds" : "too few");
  for (int i = 0; i < nfds; ++i) close(fds[i]);

  enum { kBlock = 64 << 20 };
  void** blocks = calloc(1 << 16, sizeof(void*));
  size_t n = 0;
  while (n < (1u << 16)) {
    void* p = malloc(kBlock);
    if (p == NULL) break;
    memset(p, 0xa5, 4096);
    blocks[n++] = p;
  }
  // At least 128 MiB: xen's 256 MiB domain gives two or three blocks,
  // sim's and kvm's 128 GiB address space some two thousand.
  printf("memory: malloc failed after %s\n", n * 64 >= 128 ? "many MiB" : "too few MiB");
  fflush(stdout);
  for (size_t i = 0; i < n; ++i) free(blocks[i]);
  free(blocks);

  int fd = open("/dev/null", O_WRONLY);
  void* p = malloc(kBlock);
  printf("after: open %s, malloc %s\n", fd >= 0 ? "works" : "fails", p ? "works" : "fails");
  return 0;
}
