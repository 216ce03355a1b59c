// exit_codes: ends in the way MODE says, with status N.
//
// Usage: exit_codes MODE N
//   exit    printf without a newline, then exit(N): stdio must be flushed.
//   return  return N from main.
//   _exit   one write(2), one buffered printf, then _exit(N): the buffered
//           text is lost when stdout is a pipe or file (no flush).
//   atexit  two atexit handlers, which run in reverse order, then exit(N).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void first_registered(void) { puts("atexit: first registered, runs last"); }
static void second_registered(void) { puts("atexit: second registered, runs first"); }

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: exit_codes exit|return|_exit|atexit N\n");
    return 64;
  }
  int n = atoi(argv[2]);
  if (strcmp(argv[1], "exit") == 0) {
    printf("exit(%d) with unflushed output", n);
    exit(n);
  }
  if (strcmp(argv[1], "return") == 0) {
    printf("return %d from main\n", n);
    return n;
  }
  if (strcmp(argv[1], "_exit") == 0) {
    static const char kMsg[] = "written with write(2)\n";
    if (write(1, kMsg, sizeof kMsg - 1) != (ssize_t)(sizeof kMsg - 1)) return 65;
    printf("buffered, lost at _exit unless stdout is a terminal\n");
    _exit(n);
  }
  if (strcmp(argv[1], "atexit") == 0) {
    atexit(first_registered);
    atexit(second_registered);
    puts("main: calling exit");
    exit(n);
  }
  fprintf(stderr, "exit_codes: unknown mode %s\n", argv[1]);
  return 64;
}
