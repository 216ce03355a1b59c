/* Page protection under random mprotect/munmap/mmap over a 2 MiB-aligned
 * region of 8 MiB (on kvm: 2 MiB pages split into tables, and partly put
 * back), checked against a model by probing pages for reads and stores with
 * a SIGSEGV handler. Deterministic (fixed seed): the differential suite
 * compares the one line it prints. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fail_count.h"

#define PAGES 2048 /* 8 MiB */
static sigjmp_buf jump;
static void to_jump(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)si;
  (void)uc;
  siglongjmp(jump, 1);
}

static uint64_t seed = 42;
static uint64_t Next(uint64_t n) {
  seed = seed * 6364136223846793005ull + 1442695040888963407ull;
  return (seed >> 33) % n;
}

/* 0: no access, 1: read, 3: read and write. */
static int Probe(volatile char* p, int store) {
  if (sigsetjmp(jump, 1) != 0) return 0;
  if (store) {
    char v = *p;
    *p = v;
  } else {
    (void)*p;
  }
  return 1;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = to_jump;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  const uint64_t page = 4096;
  char* raw = mmap(NULL, (PAGES + 512) * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(raw != MAP_FAILED);
  char* r = (char*)(((uintptr_t)raw + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
  CHECK(mmap(r, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0) == r);
  static unsigned char model[PAGES];
  memset(model, 3, sizeof model);
  int mismatches = 0;
  for (int step = 0; step < 400; step++) {
    /* Mostly small ranges, sometimes whole 2 MiB pages and more. */
    uint64_t len = Next(4) == 0 ? 1 + Next(1024) : 1 + Next(8);
    uint64_t lo = Next(PAGES - len + 1);
    const int prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE};
    const int model_of[] = {0, 1, 3};
    int k = (int)Next(3);
    CHECK(mprotect(r + lo * page, len * page, prots[k]) == 0);
    for (uint64_t p = lo; p < lo + len; p++) model[p] = (unsigned char)model_of[k];
    for (int i = 0; i < 16; i++) {
      uint64_t p = Next(PAGES);
      int got = Probe(r + p * page + Next(page), 0) ? 1 : 0;
      if (got) got = Probe(r + p * page + Next(page), 1) ? 3 : 1;
      if (got != model[p]) mismatches++;
    }
  }
  CHECK(mismatches == 0);
  if (mismatches != 0) printf("%d probes disagreed with the model\n", mismatches);
  printf(failures == 0 ? "protect_random: all ok\n" : "protect_random: FAILED\n");
  return failures == 0 ? 0 : 1;
}
