// File: tests/hostile/guests/code_page_syscall.c
//
// Makes a host system call from the backend's code page, the one place
// where sim's Syscall User Dispatch lets a `syscall` reach the host kernel:
// it finds a `syscall` instruction in the page at 0x2000 and jumps to it.
// seccomp must stop anything but the stub's own calls (sim: the child dies
// of SIGSYS, and must not leave a core file); on kvm a `syscall` only ever
// reaches the runtime. Either way hvrun must end cleanly.
//   getpid         an ordinary forbidden call
//   arch-prctl     calls the backend's own arch_prctl stub (boot info's
//                  segment_base_entry, sim on hosts without FSGSBASE) with
//                  ARCH_SET_CPUID instead of ARCH_SET_FS: only FS and GS may
//                  pass (the program says so when there is no such stub)
//   futex-requeue  FUTEX_REQUEUE on the mailbox word, which could move
//                  hvrun's own waiter if it were allowed
//   mmap-stdin     mmap of fd 0 (MAP_SHARED | MAP_FIXED) through the code
//                  page's syscall: sim's seccomp lets mmap through only for
//                  the child's own memfd (hv_sim_remap_own) and the fds
//                  hvrun passed it (5 and up, hv_sim_map_file)
//   mmap-channel   the same of fd 4, the file channel
//   close-memfd    close(3), the child's own memfd: only passed fds close
//   recvmsg-stdin  recvmsg on fd 0: only the file channel (fd 4) may
//   mprotect       calls the backend's host mprotect stub (boot info's
//                  protect_entry, sim) with PROT_GROWSDOWN besides
//                  read/write: only the read, write and execute bits may
//                  pass (the program says so when there is no such stub)
#include <string.h>
#include <sys/syscall.h>

#include "tests/hostile/guests/hostile_guest.h"

#define FUTEX_REQUEUE_OP 3

int main(int argc, char** argv) {
  const struct hv_native* hv = hostile_native();
  const char* mode = argc > 1 ? argv[1] : "getpid";
  if (strcmp(mode, "arch-prctl") == 0) {
    const struct hv_boot_info* boot = (const struct hv_boot_info*)(uintptr_t)0x1000;
    if (boot->segment_base_entry == 0) {
      printf("no segment base stub here\n");
      return 0;
    }
    typedef int64_t (*set_base_fn)(uint32_t, uint64_t);
    fprintf(stderr, "calling the segment base stub with ARCH_SET_CPUID\n");
    const int64_t r = ((set_base_fn)(uintptr_t)boot->segment_base_entry)(0x1012, 0);
    printf("ARCH_SET_CPUID through the stub returned %lld\n", (long long)r);
    return 1;
  }
  if (strcmp(mode, "mprotect") == 0) {
    const struct hv_boot_info* boot = (const struct hv_boot_info*)(uintptr_t)0x1000;
    if (boot->protect_entry == 0) {
      printf("no protect stub here\n");
      return 0;
    }
    typedef int64_t (*protect_fn)(uint64_t, uint64_t, uint64_t);
    static char page_of_ours[8192] __attribute__((aligned(4096)));
    fprintf(stderr, "calling the protect stub with PROT_GROWSDOWN\n");
    const int64_t r = ((protect_fn)(uintptr_t)boot->protect_entry)(
        (uint64_t)(uintptr_t)page_of_ours, 4096, 3 | 0x01000000);
    printf("PROT_GROWSDOWN through the stub returned %lld\n", (long long)r);
    return 1;
  }
  const uint8_t* page = (const uint8_t*)(uintptr_t)0x2000;
  const uint8_t* insn = NULL;
  for (int i = 0; i + 1 < 0x2000 && insn == NULL; ++i) {
    if (page[i] == 0x0f && page[i + 1] == 0x05) insn = page + i;
  }
  if (insn == NULL) {
    printf("no syscall instruction in the code page\n");
    return 0;
  }
  long nr = SYS_getpid, a1 = 0, a2 = 0, a3 = 0;
  long flags = 0x7fffffff, fd = (long)(uintptr_t)(hostile_mailbox(hv) + MB_HOST_SLEEPING);
  if (strcmp(mode, "mmap-stdin") == 0) {
    nr = SYS_mmap;
    a1 = 0x10000000; /* somewhere in guest memory */
    a2 = 4096;
    a3 = 3;       /* PROT_READ | PROT_WRITE */
    flags = 0x11; /* MAP_SHARED | MAP_FIXED */
    fd = 0;
  }
  if (strcmp(mode, "mmap-channel") == 0) { /* the file channel: a socket */
    nr = SYS_mmap;
    a1 = 0x10000000;
    a2 = 4096;
    a3 = 3;
    flags = 0x11;
    fd = 4;
  }
  if (strcmp(mode, "close-memfd") == 0) { /* the child's own memfd */
    nr = SYS_close;
    a1 = 3;
  }
  if (strcmp(mode, "recvmsg-stdin") == 0) { /* recvmsg, not on the channel */
    nr = SYS_recvmsg;
    a1 = 0;
  }
  if (strcmp(mode, "futex-requeue") == 0) {
    nr = SYS_futex;
    a1 = (long)(uintptr_t)(hostile_mailbox(hv) + MB_STATE);
    a2 = FUTEX_REQUEUE_OP;
    a3 = 1;
  }
  fprintf(stderr, "jumping to the syscall at %p\n", (const void*)insn);
  fflush(stderr);
  register long r10 __asm__("r10") = flags;
  register long r8 __asm__("r8") = fd;
  __asm__ volatile("jmp *%[insn]"
                   :
                   : [insn] "r"(insn), "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
                   : "memory");
  __builtin_unreachable();
}
