/* Signal handler semantics within one process: SA_SIGINFO, the mask while a
 * handler runs (and SA_NODEFER), nesting, SA_RESETHAND, a signal pending
 * while blocked and delivered on unblock, sigsuspend, the alternate stack
 * (SA_ONSTACK, SS_ONSTACK seen from inside), registers and vector state kept
 * across a handler. Deterministic output, for the differential suite. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail_count.h"

static volatile sig_atomic_t hits[65];
static volatile int order[8];
static volatile int norder;

static void count(int sig) { hits[sig]++; }

static void with_info(int sig, siginfo_t* si, void* ucv) {
  ucontext_t* uc = ucv;
  hits[sig]++;
  /* The mask in the frame is the one from before the handler. */
  order[norder++] = si->si_signo == sig && !sigismember(&uc->uc_sigmask, sig) ? sig : -sig;
}

/* While in the SIGUSR1 handler, SIGUSR1 is blocked (no SA_NODEFER): a
 * raise() of it stays pending until the handler returns. */
static void nested_outer(int sig) {
  static int runs;
  order[norder++] = 100 + sig;
  if (runs++ == 0) {
    raise(SIGUSR2); /* SIGUSR2's handler runs inside this one */
    raise(SIGUSR1); /* pending: runs again after this handler */
  }
  order[norder++] = 200 + sig;
}
static void nested_inner(int sig) { order[norder++] = 300 + sig; }

static volatile uintptr_t handler_sp;
static void on_alt(int sig) {
  int here;
  handler_sp = (uintptr_t)&here;
  stack_t cur;
  sigaltstack(NULL, &cur);
  hits[sig] = (cur.ss_flags & SS_ONSTACK) ? 1 : 2;
}

static void clobber(int sig) {
  /* Uses vector registers and callee-saved ones freely. */
  volatile double x = sig;
  for (int i = 0; i < 10; i++) x = x * 1.5 + i;
  hits[sig] = (int)x > 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;

  /* SA_SIGINFO: signo, and the frame's mask. */
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = with_info;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  CHECK(raise(SIGUSR1) == 0);
  printf("siginfo: hits %d order %d\n", hits[SIGUSR1], order[0]);

  /* Nesting and the mask during a handler. */
  norder = 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = nested_outer;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  sa.sa_handler = nested_inner;
  CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
  CHECK(raise(SIGUSR1) == 0);
  /* outer, inner (nested in it), outer's end, then outer again for the
   * SIGUSR1 it raised while it was blocked. */
  printf("nesting: %d %d %d %d %d (%d)\n", order[0], order[1], order[2], order[3], order[4],
         norder);
  signal(SIGUSR1, SIG_IGN);
  norder = 0;

  /* SA_NODEFER: the same signal nests into its own handler. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = count;
  sa.sa_flags = SA_NODEFER | SA_RESETHAND;
  CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
  CHECK(raise(SIGHUP) == 0);
  struct sigaction now;
  CHECK(sigaction(SIGHUP, NULL, &now) == 0);
  printf("resethand: hits %d, action reset to default %d\n", hits[SIGHUP],
         now.sa_handler == SIG_DFL);

  /* Blocked, pending, delivered on unblock. */
  signal(SIGURG, count);
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGURG);
  CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
  CHECK(raise(SIGURG) == 0);
  sigset_t pending;
  CHECK(sigpending(&pending) == 0);
  printf("blocked: hits %d pending %d\n", hits[SIGURG], sigismember(&pending, SIGURG));
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  printf("unblocked: hits %d\n", hits[SIGURG]);

  /* sigsuspend: wakes for a handler, -1 EINTR, the old mask back. */
  signal(SIGALRM, count);
  CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
  CHECK(raise(SIGURG) == 0);
  sigset_t empty;
  sigemptyset(&empty);
  int r = sigsuspend(&empty);
  CHECK(sigprocmask(SIG_SETMASK, NULL, &old) == 0);
  printf("sigsuspend: %d EINTR %d hits %d mask back %d\n", r, errno == EINTR, hits[SIGURG],
         sigismember(&old, SIGURG));
  sigprocmask(SIG_UNBLOCK, &set, NULL);

  /* The alternate stack. */
  static char alt[64 * 1024];
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alt;
  sa.sa_flags = SA_ONSTACK;
  CHECK(sigaction(SIGWINCH, &sa, NULL) == 0);
  CHECK(raise(SIGWINCH) == 0);
  printf("altstack: SS_ONSTACK inside %d, sp inside %d\n", hits[SIGWINCH] == 1,
         handler_sp > (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt);

  /* Registers and vector state across a handler that uses both. */
  signal(SIGTERM, clobber);
  double a = 1.25, b = 3.5;
  register long keep asm("r12") = 0x1234567890abcdefL;
  asm volatile("" : "+r"(keep));
  CHECK(raise(SIGTERM) == 0);
  asm volatile("" : "+r"(keep));
  printf("state kept: fp %.3f, r12 %d, handler ran %d\n", a * b, keep == 0x1234567890abcdefL,
         hits[SIGTERM]);

  printf("signals: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
