// File: tests/hostile/guests/hostile_guest.h
//
// What every hostile guest program needs: the runtime's native hypercall
// entry (AT_HV_NATIVE, the door an SDK app uses, so a hostile app can too),
// and plain output that does not depend on the runtime behaving. These
// programs attack hvrun on purpose; each prints what it tried and what came
// back, so the tests in tests/hostile/ can assert both hvrun's end and the
// guest's view.
//
// Example:
//   const struct hv_native* hv = hostile_native();   // exits 3 when not under hvrun
//   int64_t r = hostile_hypercall(hv, HV_CALL_CONSOLE_WRITE, 0xdead0000);
#ifndef TESTS_HOSTILE_GUESTS_HOSTILE_GUEST_H_
#define TESTS_HOSTILE_GUESTS_HOSTILE_GUEST_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "hv-backends/kvm/kvm_layout.h"
#include "hv-backends/mailbox/mailbox_abi.h"
#include "hv-backends/sim/sim_mailbox.h"
#include "hv/abi.h"

// The runtime's struct hv_native, or exits 3 with a message when the program
// does not run under hvrun (natively there is nothing to attack).
static inline const struct hv_native* hostile_native(void) {
  const struct hv_native* hv = (const struct hv_native*)getauxval(AT_HV_NATIVE);
  if (hv == NULL || hv->magic != HV_NATIVE_MAGIC) {
    fprintf(stderr, "hostile guest: not under hvrun (no AT_HV_NATIVE)\n");
    exit(3);
  }
  return hv;
}

// Makes hypercall (nr) with argument (arg) through the runtime's entry.
static inline int64_t hostile_hypercall(const struct hv_native* hv, uint64_t nr, uint64_t arg) {
  typedef int64_t (*hypercall_fn)(uint64_t, uint64_t);
  return ((hypercall_fn)(uintptr_t)hv->hypercall)(nr, arg);
}

// Makes hypercall (nr) and prints "(what) -> answer", the answer as -ENAME
// for an error: the one line per call that the bad-argument guests print.
static inline void hostile_report_call(const struct hv_native* hv, const char* what, uint64_t nr,
                                       uint64_t arg) {
  const int64_t r = hostile_hypercall(hv, nr, arg);
  if (r < 0 && -r < 4096) {
    printf("%-44s -> -%s\n", what, strerrorname_np((int)-r));
  } else {
    printf("%-44s -> %lld\n", what, (long long)r);
  }
}

// The hypercall mailbox (mailbox_abi.h) of the backend the guest runs on: a
// page of guest memory the guest can write like any other.
static inline volatile uint8_t* hostile_mailbox(const struct hv_native* hv) {
  switch (hv->backend) {
    case HV_BACKEND_SIM:
      return (volatile uint8_t*)(uintptr_t)(0x2000 + SIM_MAILBOX_OFFSET);
    case HV_BACKEND_KVM:
    case HV_BACKEND_XEN:  // xen keeps kvm's memory picture (xen_layout.h)
      return (volatile uint8_t*)(uintptr_t)KVM_MAILBOX;
    default:
      fprintf(stderr, "hostile guest: no mailbox known for backend %u\n", hv->backend);
      exit(3);
  }
}

#define HOSTILE_MB_U32(mb, off) (*(volatile uint32_t*)((mb) + (off)))
#define HOSTILE_MB_U64(mb, off) (*(volatile uint64_t*)((mb) + (off)))

#endif  // TESTS_HOSTILE_GUESTS_HOSTILE_GUEST_H_
