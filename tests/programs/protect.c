/* Page protection as Linux enforces it: stores to read-only pages and any
 * access to PROT_NONE pages raise SIGSEGV (SEGV_ACCERR, si_addr the page),
 * mprotect back makes them usable with their bytes kept, mprotect of one
 * page in the middle leaves its neighbours alone, mremap keeps the
 * protection, syscalls given such buffers fail with EFAULT instead of
 * faulting, and a file mapping's pages wholly past the end of the file
 * raise SIGBUS (BUS_ADRERR), also after ftruncate shrinks a MAP_SHARED
 * mapping's file, and no more once it grows back; a private file mapping
 * gets its file's bytes back after MADV_DONTNEED and shows the file's next
 * page when mremap grows it; a forked child has no MADV_DONTFORK range.
 * Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static sigjmp_buf jump;
static volatile int got_sig, got_code;
static void* volatile got_addr;

static void to_jump(int sig, siginfo_t* si, void* ucv) {
  (void)ucv;
  got_sig = sig;
  got_code = si->si_code;
  got_addr = si->si_addr;
  siglongjmp(jump, 1);
}

/* Stores (or loads, with !store) a byte at (p); returns the signal it
 * raised (0: none) and checks si_addr. */
static int Touch(volatile char* p, int store) {
  got_sig = 0;
  if (sigsetjmp(jump, 1) == 0) {
    if (store) {
      *p = 7;
    } else {
      (void)*p;
    }
    return 0;
  }
  CHECK(got_addr == (void*)p);
  return got_sig;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = to_jump;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  CHECK(sigaction(SIGBUS, &sa, NULL) == 0);
  const long page = sysconf(_SC_PAGESIZE);

  /* Read-only, PROT_NONE, and back. */
  char* m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  memset(m, 'a', 4 * page);
  CHECK(mprotect(m + page, page, PROT_READ) == 0);
  CHECK(Touch(m + page, 0) == 0);
  CHECK(Touch(m + page + 5, 1) == SIGSEGV && got_code == SEGV_ACCERR);
  CHECK(Touch(m, 1) == 0 && Touch(m + 2 * page, 1) == 0);  /* the neighbours */
  CHECK(mprotect(m + page, page, PROT_NONE) == 0);
  CHECK(Touch(m + page + 9, 0) == SIGSEGV && got_code == SEGV_ACCERR);
  printf("read-only and PROT_NONE pages fault\n");

  /* Syscalls refuse such buffers. */
  int fds[2];
  CHECK(pipe(fds) == 0);
  errno = 0;
  CHECK(write(fds[1], m + page, 16) == -1 && errno == EFAULT);
  CHECK(mprotect(m + page, page, PROT_READ) == 0);
  CHECK(write(fds[1], m + page, 16) == 16);
  errno = 0;
  CHECK(read(fds[0], m + page, 16) == -1 && errno == EFAULT);
  CHECK(read(fds[0], m, 16) == 16);
  printf("syscalls get EFAULT for them\n");

  /* /proc/self/maps tells the same (read and write; execute is not
   * enforced everywhere, so not compared). */
  CHECK(mprotect(m + 2 * page, page, PROT_NONE) == 0);
  FILE* maps = fopen("/proc/self/maps", "r");
  CHECK(maps != NULL);
  char line[256], seen[4][3] = {{0}};
  while (maps != NULL && fgets(line, sizeof line, maps) != NULL) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    for (int i = 0; i < 4; i++) {
      unsigned long at = (unsigned long)m + (unsigned long)i * page;
      if (at >= lo && at < hi) memcpy(seen[i], perms, 2);
    }
  }
  if (maps != NULL) fclose(maps);
  CHECK(strcmp(seen[0], "rw") == 0 && strcmp(seen[1], "r-") == 0);
  CHECK(strcmp(seen[2], "--") == 0 && strcmp(seen[3], "rw") == 0);
  CHECK(mprotect(m + 2 * page, page, PROT_READ | PROT_WRITE) == 0);
  printf("/proc/self/maps shows the protection\n");

  CHECK(mprotect(m + page, page, PROT_READ | PROT_WRITE) == 0);
  CHECK(Touch(m + page + 5, 1) == 0 && m[page + 6] == 'a');
  printf("mprotect back: usable, bytes kept\n");

  /* mremap moves the protection with the bytes. */
  CHECK(mprotect(m, 4 * page, PROT_READ) == 0);
  char* moved = mremap(m, 4 * page, 64 * page, MREMAP_MAYMOVE);
  CHECK(moved != MAP_FAILED);
  CHECK(moved[page + 5] == 7 && moved[3 * page] == 'a');
  CHECK(Touch(moved + 2 * page, 1) == SIGSEGV);
  CHECK(Touch(moved + 40 * page, 1) == SIGSEGV); /* grown pages: read-only too */
  CHECK(munmap(moved, 64 * page) == 0);
  printf("mremap keeps the protection\n");

  /* A file mapping past the end of the file. */
  char path[] = "/tmp/protect_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789", 10) == 10);
  char* f = mmap(NULL, 3 * page, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(f != MAP_FAILED);
  CHECK(Touch(f + 9, 0) == 0 && f[9] == '9' && f[page - 1] == 0);
  CHECK(Touch(f + page, 0) == SIGBUS && got_code == BUS_ADRERR);
  CHECK(Touch(f + 2 * page + 100, 0) == SIGBUS);
  CHECK(munmap(f, 3 * page) == 0);
  printf("pages past the end of a file raise SIGBUS\n");

  /* A shared mapping whose file shrinks, then grows back. */
  CHECK(ftruncate(fd, 2 * page) == 0);
  char* s = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(s != MAP_FAILED);
  CHECK(Touch(s + page, 1) == 0);
  CHECK(ftruncate(fd, 100) == 0);
  CHECK(Touch(s + 50, 0) == 0);
  CHECK(Touch(s + page, 0) == SIGBUS && got_code == BUS_ADRERR);
  CHECK(ftruncate(fd, 2 * page) == 0);
  CHECK(Touch(s + page, 0) == 0 && s[page] == 0);
  CHECK(munmap(s, 2 * page) == 0);
  printf("ftruncate: SIGBUS past the new end, none once it grows back\n");

  /* A private file mapping: MADV_DONTNEED gives the file's bytes back,
   * growing it with mremap shows the file's next page, then SIGBUS. */
  CHECK(ftruncate(fd, 0) == 0);
  char buf[4096];
  memset(buf, 'x', sizeof buf);
  CHECK(pwrite(fd, buf, sizeof buf, 0) == 4096);
  memset(buf, 'y', sizeof buf);
  CHECK(pwrite(fd, buf, sizeof buf, 4096) == 4096);
  char* pv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  CHECK(pv != MAP_FAILED);
  pv[0] = 'p';
  CHECK(madvise(pv, page, MADV_DONTNEED) == 0 && pv[0] == 'x');
  pv[1] = 'q';
  char* grown = mremap(pv, page, 3 * page, MREMAP_MAYMOVE);
  CHECK(grown != MAP_FAILED);
  CHECK(grown[1] == 'q' && grown[page] == 'y');
  CHECK(Touch(grown + 2 * page, 0) == SIGBUS);
  CHECK(munmap(grown, 3 * page) == 0);
  printf("private file mappings: DONTNEED and mremap see the file\n");
  close(fd);
  unlink(path);

  /* MADV_DONTFORK: the child does not have the range. */
  char* df = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(df != MAP_FAILED && madvise(df + page, page, MADV_DONTFORK) == 0);
  df[0] = 1;
  df[page] = 2;
  pid_t child = fork();
  if (child == 0) {
    int ok = df[0] == 1 && msync(df + page, page, MS_ASYNC) == -1 && errno == ENOMEM &&
             msync(df, page, MS_ASYNC) == 0;
    _exit(ok ? 0 : 1);
  }
  int status = -1;
  CHECK(child > 0 && waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(df[page] == 2);
  printf("MADV_DONTFORK: the child has no such range\n");

  printf(failures == 0 ? "protect: all ok\n" : "protect: FAILED\n");
  return failures == 0 ? 0 : 1;
}
