// touch_reserved: reserves 4 GiB with PROT_NONE and reads a byte 1 GiB into
// it without making it accessible: 3 GiB below its top, so never in
// the GiB of anything mapped above it (the stack). Natively: SIGSEGV. Prints
// "touch_reserved: read N" if the read returned (hvrun enforces no page
// protection where guest memory is backed; see GuestFaults). With the
// argument "unmapped": reads a page it mapped and unmapped instead.
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "unmapped") == 0) {
    /* A page read after munmap: natively SIGSEGV (SEGV_MAPERR). */
    volatile char* q = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                            -1, 0);
    if (q == MAP_FAILED || munmap((void*)q, 1 << 20) != 0) return 1;
    printf("touch_reserved: unmapped\n");
    fflush(stdout);
    printf("touch_reserved: read %d\n", q[4096]);
    return 0;
  }
  volatile char* p = mmap(NULL, 4ul << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                          -1, 0);
  if (p == MAP_FAILED) {
    perror("touch_reserved: mmap");
    return 1;
  }
  printf("touch_reserved: mapped\n");
  fflush(stdout);
  char c = p[1ul << 30];
  printf("touch_reserved: read %d\n", c);
  return 0;
}
