// trapless: syscalls from sites that hvrun rewrites to call the runtime
// directly (--syscall-path=auto, syscall-shim/trapless.h) behave exactly as
// trapping ones, and as Linux's: results, every register a syscall keeps
// (arguments, callee-saved, rflags with DF, vector registers), signals
// that interrupt or restart them, fork, and a call through a null function
// pointer, or a read or store through one, still faults at address 0.
//
// Each check runs its syscalls from one site many times, so that the site
// is rewritten (at its second trap) and then taken without a trap.
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;

// Prints a failed check with its explanation; the program ends with one
// deterministic "trapless: all ok" or "trapless: FAILED".
#define CHECK(cond, ...)                  \
  do {                                    \
    if (!(cond)) {                        \
      printf("FAIL line %d: ", __LINE__); \
      printf(__VA_ARGS__);                \
      printf("\n");                       \
      failures++;                         \
    }                                     \
  } while (0)

// A syscall site of its own: getpid (39) with every register a syscall
// keeps set to a known value, DF set, and xmm0/xmm8 loaded; returns 0 when
// all of them survive (rcx and r11 are the syscall's to clobber).
int check_registers(void);
__asm__(
    ".text\n"
    ".globl check_registers\n"
    "check_registers:\n"
    "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
    "  movabs $0x1111111111111111, %rbx\n"
    "  movabs $0x2222222222222222, %rbp\n"
    "  movabs $0x3333333333333333, %r12\n"
    "  movabs $0x4444444444444444, %r13\n"
    "  movabs $0x5555555555555555, %r14\n"
    "  movabs $0x6666666666666666, %r15\n"
    "  movabs $0x7777777777777777, %rdi\n"
    "  movabs $0x0808080808080808, %rsi\n"
    "  movabs $0x0909090909090909, %rdx\n"
    "  movabs $0x0a0a0a0a0a0a0a0a, %r10\n"
    "  movabs $0x0b0b0b0b0b0b0b0b, %r8\n"
    "  movabs $0x0c0c0c0c0c0c0c0c, %r9\n"
    "  movq %rbx, %xmm0\n"
    "  movq %r12, %xmm8\n"
    "  std\n"
    "  mov $39, %eax\n"
    "  syscall\n"
    "  pushfq\n"
    "  cld\n"
    "  pop %rax\n"
    "  and $0x400, %rax\n"  // DF
    "  xor $0x400, %rax\n"
    "  movabs $0x1111111111111111, %rcx; xor %rcx, %rbx; or %rbx, %rax\n"
    "  movabs $0x2222222222222222, %rcx; xor %rcx, %rbp; or %rbp, %rax\n"
    "  movabs $0x3333333333333333, %rcx; xor %rcx, %r12; or %r12, %rax\n"
    "  movabs $0x4444444444444444, %rcx; xor %rcx, %r13; or %r13, %rax\n"
    "  movabs $0x5555555555555555, %rcx; xor %rcx, %r14; or %r14, %rax\n"
    "  movabs $0x6666666666666666, %rcx; xor %rcx, %r15; or %r15, %rax\n"
    "  movabs $0x7777777777777777, %rcx; xor %rcx, %rdi; or %rdi, %rax\n"
    "  movabs $0x0808080808080808, %rcx; xor %rcx, %rsi; or %rsi, %rax\n"
    "  movabs $0x0909090909090909, %rcx; xor %rcx, %rdx; or %rdx, %rax\n"
    "  movabs $0x0a0a0a0a0a0a0a0a, %rcx; xor %rcx, %r10; or %r10, %rax\n"
    "  movabs $0x0b0b0b0b0b0b0b0b, %rcx; xor %rcx, %r8; or %r8, %rax\n"
    "  movabs $0x0c0c0c0c0c0c0c0c, %rcx; xor %rcx, %r9; or %r9, %rax\n"
    "  movq %xmm0, %rcx; movabs $0x1111111111111111, %rdx; xor %rdx, %rcx; or %rcx, %rax\n"
    "  movq %xmm8, %rcx; movabs $0x3333333333333333, %rdx; xor %rdx, %rcx; or %rcx, %rax\n"
    "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
    "  ret\n");

// getpid (0) or getppid (1) from one syscall instruction: the getppid path
// loads its number and jumps straight to the syscall after getpid's mov.
long two_entries(int which);
__asm__(
    ".text\n"
    ".globl two_entries\n"
    "two_entries:\n"
    "  test %edi, %edi\n"
    "  jz 1f\n"
    "  mov $110, %eax\n"
    "  jmp 2f\n"
    "1:\n"
    "  mov $39, %eax\n"
    "2:\n"
    "  syscall\n"
    "  ret\n");

// Unwinding through a signal frame: a handler's backtrace() reaches the
// function the signal interrupted (through the restorer's CFI; hvrun keeps
// the restorer's bytes as they are for unwinders that match them).
static volatile int g_found;

// Raises SIGUSR1; raiser_return is the address its call of raise returns
// to, which a backtrace from the handler must name. In asm, so that the
// address is exact whatever the compiler's flags.
void Raiser(void);
extern const char raiser_return[];
__asm__(
    ".text\n"
    ".globl Raiser\n"
    ".type Raiser, @function\n"
    "Raiser:\n"
    "  .cfi_startproc\n"
    "  sub $8, %rsp\n"
    "  .cfi_adjust_cfa_offset 8\n"
    "  mov $10, %edi\n"  // SIGUSR1
    "  call raise\n"
    ".globl raiser_return\n"
    "raiser_return:\n"
    "  add $8, %rsp\n"
    "  .cfi_adjust_cfa_offset -8\n"
    "  ret\n"
    "  .cfi_endproc\n"
    ".size Raiser, . - Raiser\n");

static void OnUsr1(int sig) {
  (void)sig;
  void* frames[32];
  const int n = backtrace(frames, 32);
  for (int i = 0; i < n; ++i) {
    if ((uintptr_t)frames[i] == (uintptr_t)raiser_return) g_found++;
  }
}

static sigjmp_buf g_jump;
static volatile uintptr_t g_fault_addr;
static volatile int g_fault_code;

static void OnSegv(int sig, siginfo_t* info, void* uc) {
  (void)sig;
  (void)uc;
  g_fault_addr = (uintptr_t)info->si_addr;
  g_fault_code = info->si_code;
  siglongjmp(g_jump, 1);
}

// Calls address 0 through rax, or through rdx with rax 5 (a syscall number).
static int NullCall(int through_rdx) {
  if (sigsetjmp(g_jump, 1) == 0) {
    if (through_rdx) {
      __asm__ volatile("mov $5, %%eax\n xor %%edx, %%edx\n call *%%rdx" ::: "rax", "rdx", "memory");
    } else {
      __asm__ volatile("xor %%eax, %%eax\n call *%%rax" ::: "rax", "memory");
    }
    return 0;
  }
  return 1;
}

static int g_pipe[2];
static volatile int g_alarms;

static void OnAlarm(int sig) {
  (void)sig;
  g_alarms++;
  char c = 'x';
  if (write(g_pipe[1], &c, 1) != 1) _exit(3);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // 1. A wrapper's constant-number site, many times.
  const pid_t parent = getppid();
  int same = 1;
  for (int i = 0; i < 1000; ++i) same &= getppid() == parent;
  CHECK(same, "getppid() agrees with itself 1000 times");

  // 2. Every register a syscall keeps, kept.
  int kept = 1;
  for (int i = 0; i < 50; ++i) kept &= check_registers() == 0;
  CHECK(kept, "a syscall keeps the argument, callee-saved and vector registers and DF");

  // 3. Errors: a bad fd from the same site, many times.
  int ebadf = 1;
  for (int i = 0; i < 20; ++i) {
    errno = 0;
    ebadf &= close(-1) == -1 && errno == EBADF;
  }
  CHECK(ebadf, "close(-1) is EBADF every time");

  // 4. A handler that interrupts a blocking read, restarted (SA_RESTART):
  // the handler writes the byte the read then returns. The read (xor
  // %eax,%eax; syscall), the handler's write and rt_sigreturn are each
  // rewritten after their second trap.
  CHECK(pipe(g_pipe) == 0, "pipe");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnAlarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  int restarted = 1;
  for (int i = 0; i < 5; ++i) {
    struct itimerval t = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &t, NULL);
    char c = 0;
    restarted &= read(g_pipe[0], &c, 1) == 1 && c == 'x';
  }
  CHECK(restarted && g_alarms == 5, "5 reads restarted after a SIGALRM handler");

  // 5. Without SA_RESTART: EINTR.
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  int interrupted = 1;
  for (int i = 0; i < 3; ++i) {
    struct itimerval t = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &t, NULL);
    errno = 0;
    interrupted &= pause() == -1 && errno == EINTR;
    char c;
    interrupted &= read(g_pipe[0], &c, 1) == 1;  // the handler's byte
  }
  CHECK(interrupted, "pause() ends with EINTR after a handler, 3 times");

  // 6. A forked child runs the rewritten code too.
  for (int i = 0; i < 3; ++i) {
    pid_t child = fork();
    if (child == 0) {
      int ok = 1;
      for (int j = 0; j < 100; ++j) ok &= getppid() != 0;
      _exit(ok ? 7 : 1);
    }
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
              WEXITSTATUS(status) == 7,
          "fork %d: the child's getppid loop", i);
  }

  // 7. Code the rewriter must not get wrong: a jump straight to a syscall
  // whose mov loads another number (the rewritten call must not be taken
  // for it), and a mov+syscall pair straddling a page boundary in a mapping
  // made executable by mprotect, replaced by other code at the same address
  // afterwards (a JIT's pattern).
  int jumps = 1;
  for (int i = 0; i < 20; ++i) {
    jumps &= two_entries(0) == getpid() && two_entries(1) == getppid();
  }
  CHECK(jumps, "a syscall reached by its mov and by a jump with another number");
  unsigned char* page =
      mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(page != MAP_FAILED, "mmap for code");
  if (page != MAP_FAILED) {
    // mov $39, %eax; syscall; ret   with the mov's last bytes on page 2.
    static const unsigned char kGetpid[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
    static const unsigned char kGetppid[] = {0xb8, 110, 0, 0, 0, 0x0f, 0x05, 0xc3};
    unsigned char* at = page + 4096 - 3;
    memcpy(at, kGetpid, sizeof kGetpid);
    mprotect(page, 2 * 4096, PROT_READ | PROT_EXEC);
    long (*fn)(void) = (long (*)(void))at;
    int ok = 1;
    for (int i = 0; i < 20; ++i) ok &= fn() == getpid();
    mprotect(page, 2 * 4096, PROT_READ | PROT_WRITE);
    memcpy(at, kGetppid, sizeof kGetppid);  // new code where the old was
    mprotect(page, 2 * 4096, PROT_READ | PROT_EXEC);
    for (int i = 0; i < 20; ++i) ok &= fn() == getppid();
    munmap(page, 2 * 4096);
    CHECK(ok, "generated code across a page boundary, then replaced");
  }

  // 8. A backtrace from a handler unwinds through the signal frame, again
  // and again.
  signal(SIGUSR1, OnUsr1);
  g_found = 0;
  for (int i = 0; i < 4; ++i) Raiser();
  CHECK(g_found == 4, "backtrace() from a handler reaches the interrupted function (%d of 4)",
        g_found);

  // 9. A call through a null function pointer faults at 0, as on Linux; so
  // do a read and a store through a null pointer.
  struct sigaction segv;
  memset(&segv, 0, sizeof segv);
  segv.sa_sigaction = OnSegv;
  segv.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &segv, NULL);
  for (int i = 0; i < 2; ++i) {
    g_fault_addr = 1;
    CHECK(NullCall(i) && g_fault_addr == 0 && g_fault_code == SEGV_MAPERR,
          "call *%%%s with 0: SIGSEGV at 0, SEGV_MAPERR (got %#lx, code %d)", i ? "rdx" : "rax",
          (unsigned long)g_fault_addr, g_fault_code);
  }
  if (sigsetjmp(g_jump, 1) == 0) {
    g_fault_addr = 1;
    (void)*(volatile int*)0;
    CHECK(0, "a read of address 0 faults");
  } else {
    CHECK(g_fault_addr == 0 && g_fault_code == SEGV_MAPERR,
          "a read of address 0: SIGSEGV at 0, SEGV_MAPERR (code %d)", g_fault_code);
  }
  if (sigsetjmp(g_jump, 1) == 0) {
    *(volatile int*)0 = 1;
    CHECK(0, "a store to address 0 faults");
  } else {
    CHECK(g_fault_addr == 0 && g_fault_code == SEGV_MAPERR,
          "a store to address 0: SIGSEGV at 0, SEGV_MAPERR (code %d)", g_fault_code);
  }
  printf("trapless: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
