// crash_ud2: executes ud2 (__builtin_trap). Natively SIGILL (132).
#include <stdio.h>

int main(void) {
  printf("crash_ud2: executing ud2\n");
  fflush(stdout);
  __builtin_trap();
}
