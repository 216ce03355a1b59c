/* Says it is spinning, then spins forever without a syscall: only hvrun's
 * --timeout or a signal to hvrun can stop it. */
#include <stdio.h>

int main(void) {
  puts("spin_forever: spinning");
  fflush(stdout);
  for (volatile unsigned long i = 0;; ++i) {
  }
}
