// clock: checks the clocks a guest reads. Prints only pass/fail lines, never
// a time value, so its output is deterministic. Exits 0 only if all passed.
// (nanosleep is not available to guests yet, so this never sleeps.)
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static int failures = 0;

static void report(int ok, const char* what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000ll + t.tv_nsec; }

int main(void) {
  struct timespec prev, now;
  int ok = clock_gettime(CLOCK_MONOTONIC, &prev) == 0;
  long long first = ns(prev);
  for (int i = 0; i < 1000 && ok; ++i) {
    ok = clock_gettime(CLOCK_MONOTONIC, &now) == 0 && now.tv_nsec >= 0 &&
         now.tv_nsec < 1000000000 && ns(now) >= ns(prev);
    prev = now;
  }
  report(ok, "CLOCK_MONOTONIC non-decreasing over 1000 reads");

  // The clock must actually advance: spin until 2 ms have passed, bounded by
  // a read count far above what 2 ms needs on any clock that works.
  long reads = 0;
  do {
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while (ns(now) - first < 2000000 && ++reads < 200000000);
  report(ns(now) - first >= 2000000, "CLOCK_MONOTONIC advances");

  struct timespec rt;
  ok = clock_gettime(CLOCK_REALTIME, &rt) == 0;
  struct tm tm;
  ok = ok && gmtime_r(&rt.tv_sec, &tm) != NULL;
  report(ok && tm.tm_year + 1900 >= 2025 && tm.tm_year + 1900 <= 2030,
         "CLOCK_REALTIME year within 2025..2030");

  // time() is the coarse clock (Linux's vDSO reads the last tick's second),
  // which may still say the previous second just after one begins.
  time_t t = time(NULL);
  report(t + 1 >= rt.tv_sec && t - rt.tv_sec < 5, "time() agrees with CLOCK_REALTIME");

  struct timeval tv;
  ok = gettimeofday(&tv, NULL) == 0;
  report(ok && tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec < 5 && tv.tv_usec >= 0 &&
             tv.tv_usec < 1000000,
         "gettimeofday agrees with CLOCK_REALTIME");

  struct timespec res;
  ok = clock_getres(CLOCK_MONOTONIC, &res) == 0;
  report(ok && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000,
         "clock_getres(CLOCK_MONOTONIC) between 1 ns and 1 ms");

  printf("clock: %s\n", failures == 0 ? "all ok" : "FAILURES");
  return failures == 0 ? 0 : 1;
}
