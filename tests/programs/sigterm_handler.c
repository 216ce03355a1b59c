/* A server's shutdown path: waits in pause() with a SIGTERM handler that
 * says so and exits 0. `hvrun` forwards the SIGTERM it gets to this, its
 * first process, as `docker stop` would. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_term(int sig) {
  static const char msg[] = "sigterm_handler: got SIGTERM, shutting down\n";
  (void)sig;
  write(1, msg, sizeof msg - 1);
  _exit(0);
}

int main(void) {
  signal(SIGTERM, on_term);
  printf("sigterm_handler: ready\n");
  fflush(stdout);
  for (;;) pause();
}
