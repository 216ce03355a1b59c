// args_env: prints its arguments, selected environment variables and a few
// auxiliary vector entries, all deterministic.
//
// Usage: args_env [ARGS...]
// Reads HV_TEST_A, HV_TEST_B, HV_TEST_EMPTY and HV_TEST_UNSET (the e2e suite
// passes them natively in the environment and under hvrun with -e KEY=VAL).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char _start[];  // the ELF entry point of a glibc static program

int main(int argc, char** argv, char** envp) {
  int bad = 0;
  const char* slash = strrchr(argv[0], '/');
  printf("argc=%d\n", argc);
  printf("argv[0] basename=[%s]\n", slash ? slash + 1 : argv[0]);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
  if (envp != argv + argc + 1) {
    printf("envp does not follow argv on the initial stack\n");
    bad = 1;
  }

  static const char* const kNames[] = {"HV_TEST_A", "HV_TEST_B", "HV_TEST_EMPTY", "HV_TEST_UNSET"};
  for (size_t i = 0; i < sizeof kNames / sizeof kNames[0]; ++i) {
    const char* v = getenv(kNames[i]);
    if (v)
      printf("%s=[%s]\n", kNames[i], v);
    else
      printf("%s is unset\n", kNames[i]);
  }

  // The auxiliary vector the runtime builds (DESIGN.md contract 2).
  printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
  printf("AT_ENTRY is _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
  printf("AT_PHDR present: %s\n", getauxval(AT_PHDR) != 0 ? "yes" : "no");
  printf("AT_PHNUM > 0: %s\n", getauxval(AT_PHNUM) > 0 ? "yes" : "no");
  const unsigned char* rnd = (const unsigned char*)getauxval(AT_RANDOM);
  int rnd_zero = 1;
  if (rnd)
    for (int i = 0; i < 16; ++i) rnd_zero &= rnd[i] == 0;
  printf("AT_RANDOM present and not all zero: %s\n", rnd && !rnd_zero ? "yes" : "no");
  return bad;
}
