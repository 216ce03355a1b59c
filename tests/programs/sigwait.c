/* sigtimedwait and friends: a pending blocked signal taken at once (with
 * its siginfo), a timeout (EAGAIN), a signal another thread sends while the
 * main thread waits, and one another process sends; signalfd: empty
 * (EAGAIN), poll, a read that takes the signal, a blocking read another
 * process's kill ends. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static pthread_t main_thread;

static void* poke(void* arg) {
  (void)arg;
  struct timespec d = {0, 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  pthread_kill(main_thread, SIGUSR2);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

  CHECK(raise(SIGUSR1) == 0);
  siginfo_t info;
  struct timespec zero = {0, 0};
  int sig = sigtimedwait(&set, &info, &zero);
  printf("pending one: %d (SIGUSR1 %d), si_signo %d\n", sig, SIGUSR1, info.si_signo);

  struct timespec short_wait = {0, 50 * 1000 * 1000};
  errno = 0;
  sig = sigtimedwait(&set, &info, &short_wait);
  printf("nothing pending: %d %s\n", sig, errno == EAGAIN ? "EAGAIN" : "?");
  struct timespec bad = {0, 1000000000};
  CHECK(sigtimedwait(&set, &info, &bad) == -1 && errno == EINVAL);

  main_thread = pthread_self();
  pthread_t t;
  CHECK(pthread_create(&t, NULL, poke, NULL) == 0);
  CHECK(sigwait(&set, &sig) == 0);
  printf("from another thread: %d (SIGUSR2 %d)\n", sig, SIGUSR2);
  CHECK(pthread_join(t, NULL) == 0);

  pid_t child = fork();
  if (child == 0) {
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  sig = sigwaitinfo(&set, &info);
  printf("from another process: %d\n", sig);
  CHECK(waitpid(child, NULL, 0) == child);

  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  int sfd = signalfd(-1, &one, SFD_NONBLOCK | SFD_CLOEXEC);
  CHECK(sfd >= 0);
  struct signalfd_siginfo ssi;
  errno = 0;
  ssize_t got = read(sfd, &ssi, sizeof ssi);
  printf("signalfd, nothing pending: %zd %s\n", got, errno == EAGAIN ? "EAGAIN" : "?");
  struct pollfd p = {sfd, POLLIN, 0};
  int ready = poll(&p, 1, 0);
  printf("poll before: %d\n", ready);
  CHECK(raise(SIGUSR1) == 0);
  ready = poll(&p, 1, 0);
  printf("poll after raise: %d, revents %#x\n", ready, p.revents);
  ssize_t n = read(sfd, &ssi, sizeof ssi);
  printf("read: %zd bytes, ssi_signo %u\n", n, ssi.ssi_signo);
  CHECK(read(sfd, &ssi, 8) == -1 && errno == EINVAL);
  close(sfd);

  sfd = signalfd(-1, &one, 0);
  child = fork();
  if (child == 0) {
    struct timespec d = {0, 20 * 1000 * 1000};
    nanosleep(&d, NULL);
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  n = read(sfd, &ssi, sizeof ssi);
  printf("blocking read ended by another process's kill: %zd bytes, ssi_signo %u\n", n,
         ssi.ssi_signo);
  CHECK(waitpid(child, NULL, 0) == child);

  printf("sigwait: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
