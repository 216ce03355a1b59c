/* Runs off the end of the main thread's stack by recursion: natively a
 * SIGSEGV from the stack guard gap. Prints one line first, so the
 * differential suite sees that it started. */
#include <stdio.h>

static int Depth(int n) {
  volatile char frame[4096];
  frame[0] = (char)n;
  return n == 0 ? frame[0] : Depth(n - 1) + frame[0];
}

int main(void) {
  printf("stack_overflow: recursing\n");
  fflush(stdout);
  printf("%d\n", Depth(1 << 20)); /* 4 GiB of frames: far past any stack */
  return 0;
}
