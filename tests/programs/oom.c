// oom: allocates and touches 1 MiB chunks until malloc fails, then prints
// "oom after N MiB" and exits 3. Meant for hvrun with a small --memory.
//
// Usage: oom [CAP_MIB]
// CAP_MIB (default 1024) bounds the run when memory is not limited: on
// reaching it the program prints "cap reached after N MiB" and exits 4.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  long cap = argc > 1 ? atol(argv[1]) : 1024;
  // Print first: stdio allocates its buffer now, not when memory is gone.
  printf("oom: allocating 1 MiB chunks, cap %ld MiB\n", cap);
  fflush(stdout);
  long n = 0;
  for (;;) {
    if (n >= cap) {
      printf("cap reached after %ld MiB\n", n);
      return 4;
    }
    char* p = malloc(1 << 20);
    if (!p) break;
    memset(p, (int)(n & 0xff) | 1, 1 << 20);  // touch every page
    ++n;
  }
  printf("oom after %ld MiB\n", n);
  return 3;
}
