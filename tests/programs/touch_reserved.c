// touch_reserved: reserves 4 GiB with PROT_NONE and reads a byte 1 GiB into
// it without making it accessible: 3 GiB below its top, so never in
// the GiB of anything mapped above it (the stack). Natively: SIGSEGV. Prints
// "touch_reserved: read N" if the read returned (hvrun enforces no page
// protection where guest memory is backed; see GuestFaults).
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
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
