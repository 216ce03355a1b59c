// big_bss: a program with a 200 MiB .bss (its PT_LOAD memsz), touched. Runs
// natively; under hvrun --memory=64M it loads and is stopped at the limit
// (137, out of memory).
#include <stdio.h>

static char big[200 << 20];

int main(void) {
  for (unsigned long i = 0; i < sizeof big; i += 4096) big[i] = 1;
  unsigned long sum = 0;
  for (unsigned long i = 0; i < sizeof big; i += 4096) sum += (unsigned char)big[i];
  printf("big_bss: touched %lu pages\n", sum);
  return 0;
}
