// mem_reserve: what Go, Java and V8 do at start: reserve a large range with
// PROT_NONE, then make small parts of it usable. 64 GiB are reserved; one
// page in every GiB is made read/write, written and read back; then all of
// it is released. Prints "mem_reserve: all ok" and exits 0, or says what
// failed and exits 1.
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
  const uint64_t kGiB = 1ull << 30, kSize = 64 * kGiB;
  char* base = mmap(NULL, kSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    perror("mem_reserve: mmap of 64 GiB PROT_NONE");
    return 1;
  }
  for (uint64_t g = 0; g < 64; g++) {
    char* p = base + g * kGiB + (g % 7) * 4096;
    if (mprotect(p, 4096, PROT_READ | PROT_WRITE) != 0) {
      perror("mem_reserve: mprotect");
      return 1;
    }
    for (int i = 0; i < 4096; i += 512) p[i] = (char)(g + i / 512);
  }
  uint64_t sum = 0;
  for (uint64_t g = 0; g < 64; g++) {
    char* p = base + g * kGiB + (g % 7) * 4096;
    for (int i = 0; i < 4096; i += 512) sum += (unsigned char)p[i];
  }
  printf("mem_reserve: sum %llu\n", (unsigned long long)sum);
  if (munmap(base, kSize) != 0) {
    perror("mem_reserve: munmap");
    return 1;
  }
  printf("mem_reserve: all ok\n");
  return 0;
}
