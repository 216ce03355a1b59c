/* Shared by the process and signal test programs (procs, signals): CHECK
 * counts a failed condition and prints its line, so the program can end with
 * one deterministic "all ok" or "FAILED" line. */
#ifndef TESTS_PROGRAMS_FAIL_COUNT_H_
#define TESTS_PROGRAMS_FAIL_COUNT_H_

#include <errno.h>
#include <stdio.h>

static int failures = 0;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
      failures++;                                                      \
    }                                                                  \
  } while (0)

#endif /* TESTS_PROGRAMS_FAIL_COUNT_H_ */
