// File: tests/hostile/guests/console_flood.c
//
// Floods stdout forever, for a stdout pipe that nobody drains: hvrun must
// still end on --timeout, SIGINT and SIGTERM. Mode "hypercall" writes 1 MiB
// at a time straight through the native HV_CALL_CONSOLE_WRITE (the door that
// once blocked hvrun's mailbox thread in write(2)); mode "write" uses
// write(2) through the runtime.
#include <string.h>
#include <unistd.h>

#include "tests/hostile/guests/hostile_guest.h"

static char buf[1 << 20];

int main(int argc, char** argv) {
  const int use_hypercall = argc > 1 && strcmp(argv[1], "hypercall") == 0;
  const struct hv_native* hv = hostile_native();
  memset(buf, 'x', sizeof buf);
  fprintf(stderr, "flooding\n");
  for (;;) {
    if (use_hypercall) {
      struct hv_console_io io = {.fd = 1, .data = (uint64_t)(uintptr_t)buf, .len = sizeof buf};
      hostile_hypercall(hv, HV_CALL_CONSOLE_WRITE, (uint64_t)(uintptr_t)&io);
    } else {
      (void)!write(1, buf, sizeof buf);
    }
  }
}
