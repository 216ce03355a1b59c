// File: tests/hostile/guests/cpu_tricks.c
//
// CPU-level tricks a guest at CPL3 may try against the kvm backend (on sim
// they are plain Linux process faults):
//   port-f1     forges an exception frame on its stack and writes the fault-
//               report port itself, to make hvrun print a crash of its
//               choosing (#BP at 0x12345678);
//   port-80     writes a port hvrun never opened;
//   cli         clears the interrupt flag (allowed only with IOPL 3);
//   write-idt   overwrites the IDT, write-gdt the GDT, write-code the CPL0
//               stubs, write-pt the page tables: the way to CPL0;
// Each prints what it did if the CPU let it; a fault ends it instead.
#include <string.h>

#include "tests/hostile/guests/hostile_guest.h"

int main(int argc, char** argv) {
  (void)hostile_native();
  setvbuf(stdout, NULL, _IONBF, 0);
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "port-f1") == 0) {
    // [vector, error, rip, cs, rflags, rsp, ss], as a stub would push it.
    __asm__ volatile(
        "pushq $0x2b\n\tpushq %%rsp\n\tpushq $0x202\n\tpushq $0x2b\n\t"
        "pushq $0x12345678\n\tpushq $0\n\tpushq $3\n\t"
        "outb %%al, $0xf1\n\t"
        "addq $56, %%rsp" ::
            : "memory");
    printf("port 0xf1 written\n");
  } else if (strcmp(mode, "port-80") == 0) {
    __asm__ volatile("outb %%al, $0x80" ::: "memory");
    printf("port 0x80 written\n");
  } else if (strcmp(mode, "cli") == 0) {
    __asm__ volatile("cli\n\tsti" ::: "memory");
    printf("cli and sti ran\n");
  } else if (strncmp(mode, "write-", 6) == 0) {
    uintptr_t at = 0;
    if (strcmp(mode, "write-idt") == 0) at = KVM_IDT;
    if (strcmp(mode, "write-gdt") == 0) at = KVM_GDT;
    if (strcmp(mode, "write-code") == 0) at = KVM_CODE + 0x100;
    if (strcmp(mode, "write-pt") == 0) at = 0x40000;  // vmm/base/layout.h kPageTables
    if (at == 0) return 2;
    *(volatile uint64_t*)at = 0;
    printf("%s: the write went through\n", mode);
  } else {
    fprintf(stderr,
            "usage: cpu_tricks port-f1|port-80|cli|write-idt|write-gdt|write-code|write-pt\n");
    return 2;
  }
  return 0;
}
