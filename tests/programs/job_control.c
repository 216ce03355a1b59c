/* Job control as Linux does it: SIGSTOP stops a child (it writes nothing
 * while stopped), wait4(WUNTRACED) tells it once, SIGCONT resumes it and
 * runs its handler, wait4(WCONTINUED) tells that, waitid(WSTOPPED) gives
 * CLD_STOPPED, SIGTSTP with its default action stops too, and SIGKILL ends a
 * stopped child. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static volatile sig_atomic_t conts, chlds;
static void OnChld(int sig) {
  (void)sig;
  chlds++;
}
static void OnCont(int sig) {
  (void)sig;
  conts++;
}

static void Sleep(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* A child that writes 'x' every millisecond, and 'C' after each SIGCONT. */
static pid_t Writer(int fd) {
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGCONT, OnCont);
    for (int i = 0; i < 20000; i++) {
      if (write(fd, conts ? "C" : "x", 1) != 1) _exit(2);
      conts = 0;
      Sleep(1);
    }
    _exit(3);
  }
  return pid;
}

/* Reads what is there now; returns how many bytes, and whether a 'C' was. */
static int Drain(int fd, int* saw_c) {
  char buf[4096];
  int n = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r <= 0) return n;
    for (ssize_t i = 0; i < r; i++) *saw_c |= buf[i] == 'C';
    n += (int)r;
  }
}

int main(void) {
  int fds[2];
  CHECK(pipe2(fds, O_NONBLOCK) == 0);
  pid_t c = Writer(fds[1]);
  CHECK(c > 0);
  Sleep(50);
  int status = 0, saw_c = 0;
  CHECK(kill(c, SIGSTOP) == 0);
  CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
  CHECK(waitpid(c, &status, WUNTRACED | WNOHANG) == 0);
  Drain(fds[0], &saw_c);
  Sleep(100);
  CHECK(Drain(fds[0], &saw_c) == 0);
  printf("a stopped child does nothing, and is told once\n");

  CHECK(kill(c, SIGCONT) == 0);
  CHECK(waitpid(c, &status, WCONTINUED) == c && WIFCONTINUED(status));
  saw_c = 0;
  for (int i = 0; i < 500 && !saw_c; i++) { /* up to 5 s: the host may be busy */
    Sleep(10);
    Drain(fds[0], &saw_c);
  }
  CHECK(saw_c);
  printf("SIGCONT resumes it and runs its handler\n");

  CHECK(kill(c, SIGTSTP) == 0);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  CHECK(waitid(P_PID, c, &si, WSTOPPED | WEXITED) == 0);
  CHECK(si.si_pid == c && si.si_code == CLD_STOPPED && si.si_status == SIGTSTP);
  printf("SIGTSTP stops it too (waitid: CLD_STOPPED)\n");

  CHECK(kill(c, SIGKILL) == 0);
  CHECK(waitpid(c, &status, 0) == c && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  printf("SIGKILL ends a stopped child\n");

  /* SIGCHLD on a stop, unless SA_NOCLDSTOP. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnChld;
  CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
  c = Writer(fds[1]);
  Sleep(20);
  chlds = 0;
  CHECK(kill(c, SIGSTOP) == 0);
  CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status));
  for (int i = 0; i < 500 && chlds == 0; i++) Sleep(10);
  CHECK(chlds == 1);
  sa.sa_flags = SA_NOCLDSTOP;
  CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
  chlds = 0;
  CHECK(kill(c, SIGCONT) == 0);
  CHECK(waitpid(c, &status, WCONTINUED) == c && WIFCONTINUED(status));
  Sleep(20);
  CHECK(chlds == 0);
  CHECK(kill(c, SIGKILL) == 0 && waitpid(c, &status, 0) == c);
  printf("SIGCHLD on a stop, none with SA_NOCLDSTOP\n");

  printf(failures == 0 ? "job_control: all ok\n" : "job_control: FAILED\n");
  return failures == 0 ? 0 : 1;
}
