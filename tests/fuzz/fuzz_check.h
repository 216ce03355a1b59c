// File: tests/fuzz/fuzz_check.h
//
// FUZZ_CHECK(cond): what a fuzz target asserts about the code under test.
// A failed check prints where and what, then aborts, which libFuzzer
// reports as a crash and saves the input; unlike assert() it stays on in
// every build type (the fuzz preset builds with NDEBUG).
//
// Example:
//   FUZZ_CHECK(symbols.size() <= kMaxSymbols);
#ifndef TESTS_FUZZ_FUZZ_CHECK_H_
#define TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#endif  // TESTS_FUZZ_FUZZ_CHECK_H_
