// File: tests/hostile/guests/fault_tricks.c
//
// Attacks on the path a CPU fault takes to the app's signal handler. argv[1]:
//   forge-entry    re-registers (HV_CALL_REGISTER, straight to hvrun) a wild
//                  syscall entry, fault entry and fault stack, then faults:
//                  the backend's stub must end the run, not jump into them
//                  for good or hang.
//   fault-forever  a SIGSEGV handler (SA_NODEFER) that faults again, each
//                  time one frame deeper: the run must end (the stack runs
//                  out, or the memory limit), never hang or crash hvrun.
//   fault-in-exit  a handler that calls _exit(40 + sig): a fault handler
//                  still makes syscalls.
// Prints what it tried; the test checks how hvrun ended.
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tests/hostile/guests/hostile_guest.h"

static void fault_again(int sig) {
  (void)sig;
  *(volatile int*)64 = 1;
}

static void exit_from_handler(int sig) { _exit(40 + sig); }

int main(int argc, char** argv) {
  const struct hv_native* hv = hostile_native();
  setvbuf(stdout, NULL, _IONBF, 0);
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "forge-entry") == 0) {
    struct hv_register reg = {.syscall_entry = 0xfffffffffffff000ull,
                              .fault_entry = 0xdead0000ull,
                              .fault_stack = 0x10ull};
    printf("register wild entries: %lld\n",
           (long long)hostile_hypercall(hv, HV_CALL_REGISTER, (uint64_t)(uintptr_t)&reg));
    *(volatile int*)16 = 1;  // no syscall on the way: the entry is wild now
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  if (strcmp(mode, "fault-forever") == 0) {
    sa.sa_handler = fault_again;
    sa.sa_flags = SA_NODEFER;
  } else if (strcmp(mode, "fault-in-exit") == 0) {
    sa.sa_handler = exit_from_handler;
  } else {
    fprintf(stderr, "fault_tricks: unknown mode\n");
    return 2;
  }
  sigaction(SIGSEGV, &sa, NULL);
  printf("faulting\n");
  *(volatile int*)16 = 1;
  printf("came back (wrong)\n");
  return 0;
}
