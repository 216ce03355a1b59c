// File: tests/hostile/guests/bad_exit_report.c
//
// An exit report (struct hv_exit) full of nonsense, straight through the
// native entry: a status out of a byte's range, flags no one defined, and
// counts (unsupported, out of memory, maxrss, syscalls served, sites
// rewritten) at their largest. hvrun must take the status as a byte, print
// the counts as given under --verbose, and never crash, hang or misreport
// itself. With the argument "wraps": an exit report that runs off the end
// of the address space, which hvrun must call an unreadable report.
#include <stdio.h>
#include <string.h>

#include "tests/hostile/guests/hostile_guest.h"

int main(int argc, char** argv) {
  const struct hv_native* hv = hostile_native();
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 1 && strcmp(argv[1], "wraps") == 0) {
    printf("exiting with a wrapped report\n");
    hostile_hypercall(hv, HV_CALL_EXIT, 0xffffffffffffffe0ull);
    printf("HV_CALL_EXIT returned\n");
    return 99;
  }
  static struct hv_exit e;
  e.status = 0x7fffff07;  // a byte of 7
  e.flags = 0xfffffffcu;  // not SIGNALED, not CORE: only undefined bits
  e.unsupported = ~0ull;
  e.out_of_memory = 0;
  e.maxrss_kb = ~0ull;
  e.syscalls = ~0ull;
  e.trapless_sites = ~0ull;
  printf("exiting with nonsense\n");
  hostile_hypercall(hv, HV_CALL_EXIT, (uint64_t)(uintptr_t)&e);
  printf("HV_CALL_EXIT returned\n");
  return 99;
}
