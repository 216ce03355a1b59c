/* Processes between themselves: fork, wait statuses and signal deaths, pipes
 * (large, and EOF when the last writer goes), getppid, process groups and
 * sessions, WNOHANG, kill between processes, close-on-exec and dup2 across
 * execve of this program itself, and a fork chain. Every line it prints is
 * deterministic, so the differential suite compares it with a native run.
 *
 *   procs            the whole test
 *   procs exec-child FD   (run by execve) reports what it inherited
 * Under hvrun the directory of argv[0] must be visible at the same path. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static int exec_child(int fd) {
  /* fd was O_CLOEXEC in the parent: gone. stdout is the pipe dup2'd onto 1. */
  int gone = fcntl(fd, F_GETFD) == -1 && errno == EBADF;
  printf("exec child: cloexec fd closed %d, ppid is parent %d\n", gone,
         getppid() == atoi(getenv("PROCS_PARENT")));
  return 5;
}

/* Forks a child that runs (fn) and exits with its value. */
static pid_t spawn(int (*fn)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    fflush(stdout);
    _exit(fn());
  }
  return pid;
}

static int exit_7(void) { return 7; }
static int sleep_forever(void) {
  for (;;) pause();
  return 0;
}
static int segv(void) {
  volatile int* p = NULL;
  *p = 1;
  return 0;
}
static volatile sig_atomic_t g_sigchld;
static void on_sigchld(int sig) { g_sigchld = sig; }
static pid_t g_parent;
static int check_parent(void) { return getppid() == g_parent ? 0 : 1; }

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 3 && strcmp(argv[1], "exec-child") == 0) return exec_child(atoi(argv[2]));

  /* Exit statuses and signal deaths, as wait reports them. */
  g_parent = getpid();
  int st = 0;
  pid_t c = spawn(exit_7);
  CHECK(c > 0);
  CHECK(waitpid(c, &st, 0) == c);
  printf("exit: exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
  c = spawn(segv);
  CHECK(waitpid(c, &st, 0) == c);
  printf("segv: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  c = spawn(check_parent);
  CHECK(waitpid(c, &st, 0) == c);
  printf("getppid: %d\n", WEXITSTATUS(st));

  /* WNOHANG on a live child, then kill it. */
  c = spawn(sleep_forever);
  CHECK(waitpid(c, &st, WNOHANG) == 0);
  CHECK(kill(c, 0) == 0);
  CHECK(kill(c, SIGTERM) == 0);
  CHECK(waitpid(c, &st, 0) == c);
  printf("kill: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
  CHECK(kill(c, 0) == -1 && errno == ESRCH);

  /* A pipe: 1 MiB from a child, EOF once it (the last writer) exits. */
  int p[2];
  CHECK(pipe(p) == 0);
  c = fork();
  if (c == 0) {
    close(p[0]);
    char buf[4096];
    memset(buf, 'p', sizeof buf);
    for (int i = 0; i < 256; i++) {
      if (write(p[1], buf, sizeof buf) != (ssize_t)sizeof buf) _exit(1);
    }
    _exit(0);
  }
  close(p[1]);
  long total = 0;
  char buf[8192];
  for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;) total += n;
  close(p[0]);
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("pipe: %ld bytes, then EOF\n", total);

  /* Process groups and sessions. */
  c = fork();
  if (c == 0) {
    int ok = getpgid(0) == getpgid(getppid());
    ok &= setpgid(0, 0) == 0 && getpgid(0) == getpid() && getpgrp() == getpid();
    pid_t sid = setsid();
    ok &= sid == -1 && errno == EPERM; /* a group leader cannot */
    _exit(ok ? 0 : 1);
  }
  CHECK(waitpid(c, &st, 0) == c);
  printf("setpgid: %d\n", WEXITSTATUS(st));
  c = fork();
  if (c == 0) {
    pid_t sid = setsid();
    _exit(sid == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
  }
  CHECK(waitpid(c, &st, 0) == c);
  printf("setsid: %d\n", WEXITSTATUS(st));

  /* execve of this program: close-on-exec, dup2 onto stdout, the status. */
  int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CHECK(cloexec >= 0);
  CHECK(pipe(p) == 0);
  char parent[16];
  snprintf(parent, sizeof parent, "%d", getpid());
  setenv("PROCS_PARENT", parent, 1);
  c = fork();
  if (c == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    char fd[16];
    snprintf(fd, sizeof fd, "%d", cloexec);
    char* args[] = {argv[0], "exec-child", fd, NULL};
    execv(argv[0], args); /* under hvrun, its directory is mounted at the same path */
    _exit(127);
  }
  close(p[1]);
  ssize_t n = read(p[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  close(p[0]);
  CHECK(waitpid(c, &st, 0) == c);
  printf("via pipe: %sexec: status %d\n", buf, WEXITSTATUS(st));
  CHECK(fcntl(cloexec, F_GETFD) == FD_CLOEXEC); /* still open here */

  /* SIGCHLD: a handler runs when a child ends, and sigsuspend wakes for it. */
  signal(SIGCHLD, on_sigchld);
  sigset_t chld, old_mask, none;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigemptyset(&none);
  CHECK(sigprocmask(SIG_BLOCK, &chld, &old_mask) == 0);
  c = spawn(exit_7);
  while (g_sigchld == 0) sigsuspend(&none);
  CHECK(waitpid(c, &st, 0) == c);
  CHECK(sigprocmask(SIG_SETMASK, &old_mask, NULL) == 0);
  printf("sigchld: handler ran %d, status %d\n", g_sigchld, WEXITSTATUS(st));
  signal(SIGCHLD, SIG_DFL);

  /* An orphan is re-parented away from its dead parent (to init). */
  int op[2];
  CHECK(pipe(op) == 0);
  c = fork();
  if (c == 0) {
    const pid_t parent = getpid();
    if (fork() == 0) {
      for (int i = 0; i < 500 && getppid() == parent; i++) usleep(10000);
      const char r = getppid() != parent ? 'y' : 'n';
      write(op[1], &r, 1);
      _exit(0);
    }
    _exit(0);
  }
  close(op[1]);
  CHECK(waitpid(c, &st, 0) == c);
  char orphan = '?';
  CHECK(read(op[0], &orphan, 1) == 1);
  close(op[0]);
  printf("orphan re-parented: %c\n", orphan);

  /* A chain of 8: each forks the next and passes its status up, plus one. */
  int depth = 0;
  for (; depth < 8; depth++) {
    c = fork();
    if (c != 0) break;
  }
  if (c == 0) _exit(0);
  CHECK(waitpid(c, &st, 0) == c);
  if (depth > 0) _exit(WEXITSTATUS(st) + 1);
  printf("chain: %d\n", WEXITSTATUS(st) + 1);

  printf("procs: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
