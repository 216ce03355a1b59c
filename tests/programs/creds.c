/* Credentials as Linux changes them, in a child that drops root: setgroups,
 * setresgid, setresuid with a saved id, getres[ug]id, seteuid back to the
 * saved id but not to root, the capabilities gone, and a new file owned by
 * the new ids; then kill's permission check: the unprivileged child may not
 * signal its root parent (EPERM, for signal 0 too) except SIGCONT within its
 * session, and the root parent may signal it. Run as root natively and under
 * hvrun (its default is uid 0).
 * Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static int EffectiveCaps(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) != 0) return -1;
  return d[0].effective != 0 || d[1].effective != 0;
}

int main(void) {
  if (getuid() != 0) {
    printf("creds: not root, nothing to drop\n");
    return 0;
  }
  pid_t pid = fork();
  if (pid == 0) {
    gid_t groups[2] = {4242, 4343};
    CHECK(setgroups(2, groups) == 0);
    gid_t got[4];
    CHECK(getgroups(4, got) == 2 && got[0] == 4242 && got[1] == 4343);
    CHECK(setresgid(65534, 65534, 65534) == 0);
    CHECK(setresuid(1000, 65534, 1000) == 0);
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 65534 && s == 1000);
    CHECK(getuid() == 1000 && geteuid() == 65534 && getegid() == 65534);
    CHECK(EffectiveCaps() == 0);
    errno = 0;
    CHECK(setuid(0) == -1 && errno == EPERM);
    errno = 0;
    CHECK(setgroups(0, NULL) == -1 && errno == EPERM);
    CHECK(seteuid(1000) == 0 && geteuid() == 1000);
    char path[] = "/tmp/creds_XXXXXX";
    int fd = mkstemp(path);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == 1000 && st.st_gid == 65534);
    if (fd >= 0) close(fd);
    unlink(path);
    const pid_t parent = getppid();
    errno = 0;
    CHECK(kill(parent, SIGUSR1) == -1 && errno == EPERM);
    errno = 0;
    CHECK(kill(parent, 0) == -1 && errno == EPERM);
    CHECK(kill(parent, SIGCONT) == 0); /* same session */
    CHECK(kill(getpid(), 0) == 0);
    _exit(failures == 0 ? 0 : 1);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0);
  CHECK(getuid() == 0 && EffectiveCaps() == 1);
  /* Root may signal a child that dropped root. */
  pid = fork();
  if (pid == 0) {
    CHECK(setresuid(1000, 1000, 1000) == 0);
    pause();
    _exit(1);
  }
  usleep(100000);
  CHECK(kill(pid, SIGTERM) == 0);
  CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  printf("a child drops root as Linux does; the parent keeps it\n");
  printf(failures == 0 ? "creds: all ok\n" : "creds: FAILED\n");
  return failures == 0 ? 0 : 1;
}
