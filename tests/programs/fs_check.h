/* Shared by the filesystem test programs (files_basic, dirs, fds, devs):
 * CHECK(expr) prints the expression and its result, or -1 and the errno
 * NAME, so output is deterministic and the same natively and under hvrun
 * (never inode numbers, times or the temporary directory's name).
 * Each program works in a fresh mkdtemp directory under /tmp, made the cwd,
 * and removes it at the end. */
#ifndef TESTS_PROGRAMS_FS_CHECK_H_
#define TESTS_PROGRAMS_FS_CHECK_H_

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char* ErrnoName(int e) {
  switch (e) {
#define E(x) \
  case x:    \
    return #x;
    E(EPERM)
    E(ENOENT)
    E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV)
        E(ENOTDIR) E(EISDIR) E(EINVAL) E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS)
            E(EPIPE) E(ERANGE) E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(EOPNOTSUPP)
                E(EOVERFLOW)
#undef E
                    default : return "E?";
  }
}

/* Prints "expr = value" or "expr = -1 ENAME"; evaluates to the value. */
#define CHECK(expr) Check(#expr, (long)(expr))
static long Check(const char* what, long r) {
  if (r < 0) {
    printf("%s = %ld %s\n", what, r, ErrnoName(errno));
  } else {
    printf("%s = %ld\n", what, r);
  }
  fflush(stdout);
  return r;
}

/* fd numbers are printed, so start from 0-2 only: a test runner (ctest)
 * may leave other fds open in the native run. */
__attribute__((constructor)) static void CloseInheritedFds(void) {
  for (int fd = 3; fd < 1024; fd++) close(fd);
}

static char g_tmpdir[64];

/* Makes and enters /tmp/<prog>.XXXXXX. */
static void EnterTempDir(const char* prog) {
  snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/%s.XXXXXX", prog);
  if (mkdtemp(g_tmpdir) == NULL || chdir(g_tmpdir) != 0) {
    perror("mkdtemp/chdir");
    exit(100);
  }
}

/* Leaves and removes it (it must be empty by then). */
static void LeaveTempDir(void) {
  if (chdir("/") != 0 || rmdir(g_tmpdir) != 0) {
    printf("cleanup failed: %s\n", ErrnoName(errno));
    exit(101);
  }
}

#endif /* TESTS_PROGRAMS_FS_CHECK_H_ */
