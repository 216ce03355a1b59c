// crash_null: writes through a null pointer. Natively SIGSEGV (139); under
// hvrun, exit 139 and a report naming the signal, rip and fault address 0.
#include <stdio.h>

int main(void) {
  // Both volatile: the compiler must neither see that p is null (it would
  // emit ud2) nor drop the store as unobservable.
  volatile int* volatile p = NULL;
  printf("crash_null: writing through a null pointer\n");
  fflush(stdout);
  *p = 42;
  printf("crash_null: still alive?\n");
  return 0;
}
