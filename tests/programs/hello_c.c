// hello_c: stdio basics. Usage: hello_c [STATUS]
//
// Writes with printf (numbers and a float, which exercises the SSE state),
// puts and fputs to stderr, then returns STATUS (default 0) from main.
// Also built as hello_pie (-static-pie) from this same file.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  printf("hello from C: %d %s %.3f %#x\n", 42, "str", 3.14159, 0xbeefu);
  puts("puts line");
  fputs("hello_c: this line goes to stderr\n", stderr);
  printf("long line: ");
  for (int i = 0; i < 40; ++i) printf("%d,", i * i);
  printf("\n");
  return argc > 1 ? atoi(argv[1]) : 0;
}
