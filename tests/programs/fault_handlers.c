/* CPU faults delivered to the app's handlers, as Linux does: SIGSEGV with
 * si_code and si_addr for a null write, SIGFPE for a division by zero,
 * SIGILL for ud2 with a handler that edits its context (skips the
 * instruction) and returns, every register (rcx and r11 too) back after it,
 * a fault taken on the alternate stack, a fault inside a handler
 * (nested, SA_NODEFER), and a blocked SIGSEGV that still ends the process
 * (checked by the test through the exit status). Deterministic output, for
 * the differential suite. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "fail_count.h"

static sigjmp_buf jump;
static volatile int got_sig, got_code, on_alt, depth;
static void* volatile got_addr;

static void to_jump(int sig, siginfo_t* si, void* ucv) {
  (void)ucv;
  got_sig = sig;
  got_code = si->si_code;
  got_addr = si->si_addr;
  stack_t ss;
  sigaltstack(NULL, &ss);
  on_alt = (ss.ss_flags & SS_ONSTACK) != 0;
  siglongjmp(jump, 1);
}

static void skip_ud2(int sig, siginfo_t* si, void* ucv) {
  (void)si;
  ucontext_t* uc = ucv;
  got_sig = sig;
  uc->uc_mcontext.gregs[REG_RIP] += 2;
}

/* Faults again inside itself once (SA_NODEFER), then jumps out. */
static void nested(int sig, siginfo_t* si, void* ucv) {
  (void)si;
  (void)ucv;
  if (depth++ == 0) *(volatile int*)24 = sig;
  siglongjmp(jump, 1);
}

static void on(int sig, void (*fn)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | flags;
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  on(SIGSEGV, to_jump, 0);
  on(SIGFPE, to_jump, 0);
  if (sigsetjmp(jump, 1) == 0) *(volatile int*)16 = 1;
  printf("null write: sig %d, code %d (SEGV_MAPERR %d), addr %p\n", got_sig, got_code, SEGV_MAPERR,
         got_addr);

  volatile int zero = 0;
  if (sigsetjmp(jump, 1) == 0) {
    volatile int x = 10 / zero;
    (void)x;
  }
  printf("divide by zero: sig %d, code %d (FPE_INTDIV %d)\n", got_sig, got_code, FPE_INTDIV);

  on(SIGILL, skip_ud2, 0);
  uint64_t rcx_out, r11_out;
  __asm__ volatile(
      "movq $0x1111, %%rcx\n"
      "movq $0x2222, %%r11\n"
      "ud2\n"
      "movq %%rcx, %0\n"
      "movq %%r11, %1\n"
      : "=r"(rcx_out), "=r"(r11_out)
      :
      : "rcx", "r11");
  printf("ud2 skipped by its handler: sig %d, rcx %#lx, r11 %#lx\n", got_sig,
         (unsigned long)rcx_out, (unsigned long)r11_out);

  /* SA_ONSTACK: the handler runs on the alternate stack. (Not a stack
   * overflow: hvrun keeps no guard page below a stack yet, see
   * docs/ARCHITECTURE.md "Signals".) */
  stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  on(SIGSEGV, to_jump, SA_ONSTACK);
  got_sig = 0;
  if (sigsetjmp(jump, 1) == 0) *(volatile long*)0x7ff000000000 = 1;
  printf("far write: sig %d, handler on the alternate stack: %s\n", got_sig, on_alt ? "yes" : "no");

  on(SIGSEGV, nested, SA_NODEFER);
  if (sigsetjmp(jump, 1) == 0) *(volatile int*)32 = 1;
  printf("fault inside a handler: depth %d\n", depth);

  for (volatile int i = 0; i < 100; i++) {
    if (sigsetjmp(jump, 1) == 0) *(volatile int*)40 = i;
  }
  printf("faults after that: still handled\n");

  if (argc > 1 && strcmp(argv[1], "blocked") == 0) {
    /* A blocked SIGSEGV from a fault ends the process (Linux unblocks it
     * and takes the default action). */
    on(SIGSEGV, to_jump, 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    sigprocmask(SIG_BLOCK, &set, NULL);
    printf("blocked: faulting\n");
    *(volatile int*)48 = 1;
    printf("blocked: survived (wrong)\n");
  }
  printf("fault_handlers: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
