/* Memory shared between processes: a MAP_SHARED|MAP_ANONYMOUS region
 * inherited across fork holds a PTHREAD_PROCESS_SHARED mutex, a counter,
 * and a process-shared semaphore; 4 children add to the counter under the
 * mutex and post the semaphore; the parent waits on it, reaps them, and
 * checks the sum. A MAP_PRIVATE region stays private; a grandchild sees the
 * region too; each child reports through a pipe; a raw futex wake in the
 * parent wakes (and counts) a child's wait; and one child execs this
 * program again. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

enum { kChildren = 4, kRounds = 2000 };

struct Shared {
  pthread_mutex_t mu;
  sem_t done;
  long counter;
  int grandchild_saw;
  int flag;
  unsigned futex_word;
};

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
    printf("exec-child: running as %s\n", argv[2]);
    return 7;
  }
  struct Shared* s =
      mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int* priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(s != MAP_FAILED && priv != MAP_FAILED);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  CHECK(pthread_mutex_init(&s->mu, &ma) == 0);
  CHECK(sem_init(&s->done, 1, 0) == 0);
  *priv = 1;

  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t kids[kChildren];
  for (int i = 0; i < kChildren; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      close(fds[0]);
      for (int r = 0; r < kRounds; r++) {
        pthread_mutex_lock(&s->mu);
        long v = s->counter;
        if (r % 97 == 0) sched_yield(); /* let the others contend */
        s->counter = v + 1;
        pthread_mutex_unlock(&s->mu);
      }
      *priv = 100 + i; /* private: the parent must not see it */
      if (i == 0) {
        /* A grandchild maps the same region. */
        pid_t g = fork();
        if (g == 0) {
          s->grandchild_saw = 1;
          _exit(0);
        }
        waitpid(g, NULL, 0);
      }
      char line[64];
      int n = snprintf(line, sizeof line, "child %d done\n", i);
      if (write(fds[1], line, (size_t)n) != n) _exit(2);
      sem_post(&s->done);
      _exit(0);
    }
    CHECK(kids[i] > 0);
  }
  close(fds[1]);
  for (int i = 0; i < kChildren; i++) CHECK(sem_wait(&s->done) == 0);
  int reaped = 0;
  for (int i = 0; i < kChildren; i++) {
    int status;
    if (waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      reaped++;
    }
  }
  char buf[512];
  size_t got = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = '\0';
  int lines = 0;
  for (size_t i = 0; i < got; i++) lines += buf[i] == '\n';
  printf("children reaped: %d, reports through the pipe: %d\n", reaped, lines);
  printf("counter: %ld (want %d)\n", s->counter, kChildren * kRounds);
  printf("grandchild wrote the shared region: %s\n", s->grandchild_saw ? "yes" : "no");
  printf("private page after the children wrote theirs: %d\n", *priv);

  /* The parent writes after the fork; a child reads it. */
  pid_t c = fork();
  if (c == 0) {
    while (s->flag == 0) sched_yield();
    _exit(s->flag == 42 ? 0 : 1);
  }
  s->flag = 42;
  int status;
  CHECK(waitpid(c, &status, 0) == c);
  printf("a child saw the parent's later write: %s\n",
         WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");

  /* A raw futex wait in a child, woken by the parent: the wake counts the
   * other process's waiter (Linux returns 1). The word does not change, so
   * only a real wake ends the wait. */
  s->flag = 0;
  c = fork();
  if (c == 0) {
    s->flag = 1; /* about to wait */
    long r = syscall(SYS_futex, &s->futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
    _exit(r == 0 ? 0 : 1);
  }
  while (s->flag == 0) sched_yield();
  long woken = 0;
  for (int i = 0; i < 2000 && woken == 0; i++) {
    usleep(1000); /* until the child is in its wait */
    woken = syscall(SYS_futex, &s->futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);
  }
  CHECK(waitpid(c, &status, 0) == c);
  printf("a futex wake woke the other process's waiter: %ld, child %s\n", woken,
         WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "woken" : "not woken");

  /* A child execs this program again. */
  c = fork();
  if (c == 0) {
    char* args[] = {argv[0], "exec-child", "a new image", NULL};
    execv("/proc/self/exe", args);
    _exit(127);
  }
  CHECK(waitpid(c, &status, 0) == c);
  printf("exec'd child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

  CHECK(munmap(s, sizeof *s) == 0);
  printf("shared_mem: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
