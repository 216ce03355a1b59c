// abort_prog: calls abort(). Natively the process dies of SIGABRT (a shell
// reports 134); under hvrun, hvrun must exit 134 with a report on stderr.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("abort_prog: before abort\n");
  fflush(stdout);
  fputs("abort_prog: calling abort()\n", stderr);
  abort();
}
