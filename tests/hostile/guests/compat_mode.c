// File: tests/hostile/guests/compat_mode.c
//
// 32-bit system calls from a 64-bit guest, which Linux would run as i386
// calls with other numbers and registers:
//   int80  `int $0x80` from 64-bit code;
//   far32  a far return into the 32-bit user code segment, `int $0x80`
//          there, and a far return back to 64-bit code.
// hvrun serves only the x86-64 ABI: on sim the call fails with ENOSYS (and
// the program says so); on kvm there is no gate for vector 0x80, so it is a
// #GP (or #UD, on Intel's kvm_pvm) that ends the run with a crash report. Neither may hang or hurt
// hvrun. Only under hvrun: the 32-bit code needs the stack below 4 GiB.
#include "tests/hostile/guests/hostile_guest.h"

static long int80_from_64(void) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) /* i386 getpid */ : "memory");
  return r;
}

// Far-returns into (code32), runs `int $0x80` (i386 getpid) there and comes
// back through (code64). Returns eax.
static long int80_from_32(unsigned long code32, unsigned long code64) {
  long r;
  __asm__ volatile(
      "pushq %[cs32]\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "lretq\n\t"
      ".code32\n"
      "1:\n\t"
      "movl $20, %%eax\n\t"
      "int $0x80\n\t"
      "pushl %k[cs64]\n\t"
      "pushl $2f\n\t"
      "lretl\n\t"
      ".code64\n"
      "2:\n\t"
      : "=&a"(r)
      : [cs32] "d"(code32), [cs64] "c"(code64)  // registers that exist in 32-bit mode
      : "memory", "cc");
  return r;
}

int main(int argc, char** argv) {
  const struct hv_native* hv = hostile_native();
  setvbuf(stdout, NULL, _IONBF, 0);
  const int kvm = hv->backend == HV_BACKEND_KVM;
  // The 32- and 64-bit user code selectors: Linux's (sim) or hvrun's GDT (kvm).
  const unsigned long cs32 = kvm ? (KVM_SEL_UCODE32 | 3) : 0x23;
  const unsigned long cs64 = kvm ? KVM_SEL_UCODE : 0x33;
  if (argc > 1 && argv[1][0] == 'i') {
    printf("int80 from 64-bit code: %ld\n", int80_from_64());
  } else {
    printf("int80 from 32-bit code: %ld\n", int80_from_32(cs32, cs64));
  }
  return 0;
}
