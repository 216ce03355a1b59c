// crash_div0: integer division by zero (#DE). Natively SIGFPE (136).
#include <stdio.h>

int main(void) {
  volatile int a = 7;
  volatile int b = 0;
  printf("crash_div0: dividing by zero\n");
  fflush(stdout);
  int c = a / b;
  printf("crash_div0: still alive? %d\n", c);
  return 0;
}
