// random: getrandom(2) works and is random. (/dev/urandom is not available to
// guests yet, so only the syscall is used.) Exits 0 only if all passed.
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static int all_zero(const unsigned char* b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (b[i]) return 0;
  return 1;
}

int main(void) {
  unsigned char a[32], b[32], c[300];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  memset(c, 0, sizeof c);
  ssize_t ra = getrandom(a, sizeof a, 0);
  ssize_t rb = getrandom(b, sizeof b, 0);
  ssize_t rc = getrandom(c, sizeof c, GRND_NONBLOCK);
  int ok = 1;
  printf("getrandom 32 bytes: returned %zd\n", ra);
  printf("getrandom 32 bytes again: returned %zd\n", rb);
  printf("getrandom 300 bytes GRND_NONBLOCK: returned %zd\n", rc);
  ok &= ra == 32 && rb == 32 && rc == 300;
  int differ = memcmp(a, b, sizeof a) != 0;
  printf("two draws differ: %s\n", differ ? "yes" : "no");
  int nonzero = !all_zero(a, sizeof a) && !all_zero(b, sizeof b) && !all_zero(c + 268, 32);
  printf("not all zero: %s\n", nonzero ? "yes" : "no");
  ok &= differ && nonzero;
  printf("random: %s\n", ok ? "all ok" : "FAILURES");
  return ok ? 0 : 1;
}
