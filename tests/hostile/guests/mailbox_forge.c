// File: tests/hostile/guests/mailbox_forge.c
//
// Writes the hypercall mailbox by hand instead of through the stub.
//   exit-then-spin  forges an HV_CALL_EXIT request (status 7), then spins
//                   without ever exiting the CPU: hvrun must end the run
//                   with status 7 (kvm must pull the vCPU out, as sim kills
//                   its child).
//   dead-then-spin  writes the DEAD state only hvrun may write, then spins:
//                   hvrun must not take that for an exit (it ends on
//                   --timeout, or says the protocol was broken).
//   scribble [N]    writes junk into every mailbox word between ordinary
//                   hypercalls, N times (default 5000), then exits 0 by itself.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostile/guests/hostile_guest.h"

static void spin(void) {
  for (;;) __asm__ volatile("pause");
}

int main(int argc, char** argv) {
  const struct hv_native* hv = hostile_native();
  volatile uint8_t* mb = hostile_mailbox(hv);
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "exit-then-spin") == 0) {
    static struct hv_exit e = {.status = 7};
    HOSTILE_MB_U64(mb, MB_NR) = HV_CALL_EXIT;
    HOSTILE_MB_U64(mb, MB_ARG) = (uint64_t)(uintptr_t)&e;
    __atomic_exchange_n((uint32_t*)(mb + MB_STATE), MB_STATE_REQUEST, __ATOMIC_SEQ_CST);
    spin();
  }
  if (strcmp(mode, "dead-then-spin") == 0) {
    __atomic_store_n((uint32_t*)(mb + MB_STATE), MB_STATE_DEAD, __ATOMIC_SEQ_CST);
    spin();
  }
  if (strcmp(mode, "scribble") == 0) {
    uint64_t x = 0x9e3779b97f4a7c15ull;
    const int rounds = argc > 2 ? atoi(argv[2]) : 5000;
    for (int i = 0; i < rounds; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      HOSTILE_MB_U32(mb, MB_STATE) = (uint32_t)(x % 6);  // IDLE..DEAD and beyond
      HOSTILE_MB_U32(mb, MB_HOST_SLEEPING) = (uint32_t)(x >> 8) & 1;
      HOSTILE_MB_U32(mb, MB_GUEST_SLEEPING) = (uint32_t)(x >> 9) & 1;
      HOSTILE_MB_U64(mb, MB_NR) = x;
      HOSTILE_MB_U64(mb, MB_ARG) = x >> 3;
      HOSTILE_MB_U64(mb, MB_RESULT) = x;
      hostile_hypercall(hv, HV_CALL_NOP, 0);
    }
    printf("scribble done\n");
    return 0;
  }
  fprintf(stderr, "usage: mailbox_forge exit-then-spin|dead-then-spin|scribble\n");
  return 2;
}
