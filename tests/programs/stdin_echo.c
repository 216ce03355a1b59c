// stdin_echo: copies stdin to stdout upper-cased, with read(2)/write(2), until
// EOF, then reports the byte count on stderr.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  unsigned long long total = 0;
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      perror("stdin_echo: read");
      return 1;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(1, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        perror("stdin_echo: write");
        return 1;
      }
      off += w;
    }
    total += (unsigned long long)n;
  }
  fprintf(stderr, "stdin_echo: %llu bytes\n", total);
  return 0;
}
