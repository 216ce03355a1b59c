/* Named shared memory between processes: POSIX shm_open objects (/dev/shm)
 * mapped across fork and opened again by a child on its own, two mappings of
 * one object in one process, the EEXIST/ENOENT errors, shm_unlink with a
 * mapping still live, pwrite/pread against the mapping, ftruncate growth, a
 * named semaphore (sem_open: a temp file written, mapped and link()ed into
 * /dev/shm), a PTHREAD_PROCESS_SHARED mutex in an shm object, and SysV
 * shmget/shmat/shmctl with IPC_PRIVATE and with a key. Children report
 * through their exit status. Every name and id is removed at the start and
 * the end, so native reruns start clean. Deterministic output, for the
 * differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

enum { kPage = 4096, kChildren = 4, kRounds = 2000 };

/* Names and the SysV key carry the pid (Names), so that native runs of this
 * program at once (the differential suite under ctest -j) never meet in the
 * host's /dev/shm. */
static char kShmA[64], kShmB[64], kShmC[64], kShmMissing[64], kSem[64];
static key_t kKey;

static void Names(void) {
  const int pid = (int)getpid();
  snprintf(kShmA, sizeof kShmA, "/hvrun_shm_a_%d", pid);
  snprintf(kShmB, sizeof kShmB, "/hvrun_shm_b_%d", pid);
  snprintf(kShmC, sizeof kShmC, "/hvrun_shm_c_%d", pid);
  snprintf(kShmMissing, sizeof kShmMissing, "/hvrun_shm_missing_%d", pid);
  snprintf(kSem, sizeof kSem, "/hvrun_sem_%d", pid);
  kKey = (key_t)(0x48560000 | (pid & 0xffff));
}

/* Removes every name and keyed segment this program makes, ignoring errors. */
static void CleanUp(void) {
  shm_unlink(kShmA);
  shm_unlink(kShmB);
  shm_unlink(kShmC);
  shm_unlink(kShmMissing);
  sem_unlink(kSem);
  int id = shmget(kKey, 0, 0);
  if (id >= 0) shmctl(id, IPC_RMID, NULL);
}

/* Reaps (pid): 1 if it exited with status 0. */
static int ExitedOk(pid_t pid) {
  int status = 0;
  return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

/* Fills (p) with a pattern seeded by (seed). */
static void Fill(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
}

static int Matches(const unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != (unsigned char)(seed + i * 7)) return 0;
  }
  return 1;
}

/* 1: an shm object mapped across fork, a child's own shm_open of it, and two
 * mappings of one fd in one process. */
static void PosixAcrossFork(void) {
  int fd = shm_open(kShmA, O_CREAT | O_EXCL | O_RDWR, 0600);
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(ftruncate(fd, 3 * kPage) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 3 * kPage && S_ISREG(st.st_mode) &&
        (st.st_mode & 0777) == 0600);
  unsigned char* p = mmap(NULL, 3 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  if (p == MAP_FAILED) {
    close(fd);
    shm_unlink(kShmA);
    return;
  }
  CHECK(p[0] == 0 && p[3 * kPage - 1] == 0); /* a new object reads as zeros */

  /* The child stores through the inherited mapping. */
  pid_t c = fork();
  if (c == 0) {
    Fill(p, 3 * kPage, 11);
    _exit(0);
  }
  CHECK(ExitedOk(c));
  CHECK(Matches(p, 3 * kPage, 11));

  /* The child maps the object by name on its own. */
  c = fork();
  if (c == 0) {
    int cfd = shm_open(kShmA, O_RDWR, 0);
    if (cfd < 0) _exit(2);
    unsigned char* q = mmap(NULL, 3 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    if (q == MAP_FAILED) _exit(3);
    if (!Matches(q, 3 * kPage, 11)) _exit(4); /* sees the first child's stores */
    Fill(q + kPage, kPage, 23);
    munmap(q, 3 * kPage);
    close(cfd);
    _exit(0);
  }
  CHECK(ExitedOk(c));
  CHECK(Matches(p, kPage, 11));
  CHECK(Matches(p + kPage, kPage, 23));
  CHECK(Matches(p + 2 * kPage, kPage, 11 + 2 * kPage * 7));

  /* A second mapping of the same fd, at another address, aliases the first;
   * one at an offset too. */
  unsigned char* q = mmap(NULL, 3 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  unsigned char* r = mmap(NULL, kPage, PROT_READ, MAP_SHARED, fd, 2 * kPage);
  CHECK(q != MAP_FAILED && q != p && r != MAP_FAILED);
  if (q != MAP_FAILED && r != MAP_FAILED) {
    p[100] = 0xa5;
    CHECK(q[100] == 0xa5);
    q[2 * kPage + 5] = 0x5a;
    CHECK(p[2 * kPage + 5] == 0x5a && r[5] == 0x5a);
  }
  if (q != MAP_FAILED) munmap(q, 3 * kPage);
  if (r != MAP_FAILED) munmap(r, kPage);
  CHECK(munmap(p, 3 * kPage) == 0);
  CHECK(close(fd) == 0);
  CHECK(shm_unlink(kShmA) == 0);
  printf("posix shm across fork: done\n");
}

/* 2: EEXIST, ENOENT, and a mapping that outlives shm_unlink. */
static void PosixNames(void) {
  int fd = shm_open(kShmB, O_CREAT | O_EXCL | O_RDWR, 0600);
  CHECK(fd >= 0);
  if (fd < 0) return;
  errno = 0;
  CHECK(shm_open(kShmB, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST);
  errno = 0;
  CHECK(shm_open(kShmMissing, O_RDWR, 0) == -1 && errno == ENOENT);
  int again = shm_open(kShmB, O_RDWR, 0); /* an existing name opens */
  CHECK(again >= 0);
  if (again >= 0) close(again);

  CHECK(ftruncate(fd, kPage) == 0);
  unsigned char* p = mmap(NULL, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  p[0] = 'x';
  CHECK(close(fd) == 0); /* the mapping holds the object */
  CHECK(shm_unlink(kShmB) == 0);
  errno = 0;
  CHECK(shm_open(kShmB, O_RDWR, 0) == -1 && errno == ENOENT);
  errno = 0;
  CHECK(shm_unlink(kShmB) == -1 && errno == ENOENT);
  errno = 0;
  CHECK(shm_unlink(kShmMissing) == -1 && errno == ENOENT);
  if (p != MAP_FAILED) {
    /* Still readable and writable after the unlink, and still shared with a
     * child. */
    CHECK(p[0] == 'x');
    p[1] = 'y';
    pid_t c = fork();
    if (c == 0) {
      if (p[0] != 'x' || p[1] != 'y') _exit(2);
      p[2] = 'z';
      _exit(0);
    }
    CHECK(ExitedOk(c));
    CHECK(p[2] == 'z');
    CHECK(munmap(p, kPage) == 0);
  }
  printf("posix shm names: done\n");
}

/* 3 and 4: write/pwrite/pread on the fd against the mapping, and ftruncate
 * growth. */
static void PosixFileIo(void) {
  int fd = shm_open(kShmC, O_CREAT | O_EXCL | O_RDWR, 0600);
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK(ftruncate(fd, kPage) == 0);
  unsigned char* p = mmap(NULL, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  if (p != MAP_FAILED) {
    CHECK(pwrite(fd, "hello", 5, 10) == 5);
    CHECK(memcmp(p + 10, "hello", 5) == 0);
    memcpy(p + 200, "world", 5);
    char buf[8] = {0};
    CHECK(pread(fd, buf, 5, 200) == 5 && memcmp(buf, "world", 5) == 0);
    CHECK(write(fd, "abc", 3) == 3); /* at the file offset, 0 */
    CHECK(memcmp(p, "abc", 3) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 3);
    CHECK(munmap(p, kPage) == 0);
  }

  /* Grow to 2 pages, then map both: the old bytes stay, the new page is
   * zero and shared with the fd. */
  CHECK(ftruncate(fd, 2 * kPage) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 2 * kPage);
  p = mmap(NULL, 2 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  if (p != MAP_FAILED) {
    CHECK(memcmp(p + 10, "hello", 5) == 0);
    CHECK(p[kPage] == 0 && p[2 * kPage - 1] == 0);
    p[2 * kPage - 1] = 'E';
    char e = 0;
    CHECK(pread(fd, &e, 1, 2 * kPage - 1) == 1 && e == 'E');
    CHECK(pread(fd, &e, 1, 2 * kPage) == 0); /* end of the object */
    CHECK(munmap(p, 2 * kPage) == 0);
  }
  CHECK(close(fd) == 0);
  CHECK(shm_unlink(kShmC) == 0);
  printf("posix shm file io and growth: done\n");
}

/* 5: a named semaphore posted by a child after it writes an shm object. */
static void NamedSemaphore(void) {
  sem_t* sem = sem_open(kSem, O_CREAT, 0600, 0);
  CHECK(sem != SEM_FAILED);
  if (sem == SEM_FAILED) return;
  int fd = shm_open(kShmA, O_CREAT | O_EXCL | O_RDWR, 0600);
  CHECK(fd >= 0);
  volatile int* p = MAP_FAILED;
  if (fd >= 0) {
    CHECK(ftruncate(fd, kPage) == 0);
    p = mmap(NULL, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
  }
  if (p != MAP_FAILED) {
    pid_t c = fork();
    if (c == 0) {
      /* The child opens the semaphore by name again (a separate mapping). */
      sem_t* s2 = sem_open(kSem, 0);
      if (s2 == SEM_FAILED) _exit(2);
      for (int i = 0; i < 3; i++) {
        p[i] = 100 + i;
        if (sem_post(i == 0 ? sem : s2) != 0) _exit(3);
        usleep(1000);
      }
      sem_close(s2);
      _exit(0);
    }
    for (int i = 0; i < 3; i++) {
      CHECK(sem_wait(sem) == 0);
      CHECK(p[i] == 100 + i);
    }
    CHECK(ExitedOk(c));
    errno = 0;
    CHECK(sem_trywait(sem) == -1 && errno == EAGAIN);
    int v = -1;
    CHECK(sem_getvalue(sem, &v) == 0 && v == 0);
    munmap((void*)p, kPage);
  }
  if (fd >= 0) close(fd);
  shm_unlink(kShmA);
  CHECK(sem_close(sem) == 0);
  CHECK(sem_unlink(kSem) == 0);
  errno = 0;
  CHECK(sem_open(kSem, 0) == SEM_FAILED && errno == ENOENT);
  printf("named semaphore: done\n");
}

struct Counter {
  pthread_mutex_t mu;
  long counter;
};

/* 6: a process-shared mutex inside an shm object; half the children use the
 * inherited mapping, half map the object by name themselves. */
static void SharedMutex(void) {
  int fd = shm_open(kShmB, O_CREAT | O_EXCL | O_RDWR, 0600);
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK(ftruncate(fd, sizeof(struct Counter)) == 0);
  struct Counter* s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(s != MAP_FAILED);
  if (s != MAP_FAILED) {
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    CHECK(pthread_mutex_init(&s->mu, &ma) == 0);
    pthread_mutexattr_destroy(&ma);
    pid_t kids[kChildren];
    for (int i = 0; i < kChildren; i++) {
      kids[i] = fork();
      if (kids[i] == 0) {
        struct Counter* m = s;
        if (i % 2 == 1) {
          int cfd = shm_open(kShmB, O_RDWR, 0);
          if (cfd < 0) _exit(2);
          m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
          if (m == MAP_FAILED) _exit(3);
          close(cfd);
        }
        for (int r = 0; r < kRounds; r++) {
          if (pthread_mutex_lock(&m->mu) != 0) _exit(4);
          long v = m->counter;
          if (r % 97 == 0) sched_yield(); /* let the others contend */
          m->counter = v + 1;
          pthread_mutex_unlock(&m->mu);
        }
        _exit(0);
      }
      CHECK(kids[i] > 0);
    }
    int ok = 0;
    for (int i = 0; i < kChildren; i++) ok += ExitedOk(kids[i]);
    CHECK(ok == kChildren);
    CHECK(s->counter == kChildren * kRounds);
    printf("shared mutex: counter %ld (want %d)\n", s->counter, kChildren * kRounds);
    munmap(s, sizeof *s);
  }
  close(fd);
  CHECK(shm_unlink(kShmB) == 0);
}

/* 7: SysV segments, IPC_PRIVATE and keyed. */
static void SysV(void) {
  int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
  CHECK(id >= 0);
  if (id >= 0) {
    unsigned char* p = shmat(id, NULL, 0);
    CHECK(p != (void*)-1);
    if (p != (void*)-1) {
      CHECK(p[0] == 0 && p[8191] == 0);
      pid_t c = fork();
      if (c == 0) {
        /* The attach is inherited; a second attach aliases it. */
        unsigned char* q = shmat(id, NULL, 0);
        if (q == (void*)-1) _exit(2);
        if (q == p) _exit(3);
        Fill(q, 8192, 41);
        if (!Matches(p, 8192, 41)) _exit(4);
        if (shmdt(q) != 0) _exit(5);
        _exit(0);
      }
      CHECK(ExitedOk(c));
      CHECK(Matches(p, 8192, 41));
      struct shmid_ds ds;
      memset(&ds, 0, sizeof ds);
      CHECK(shmctl(id, IPC_STAT, &ds) == 0);
      CHECK(ds.shm_segsz == 8192);
      CHECK((ds.shm_perm.mode & 0777) == 0600);
      CHECK(ds.shm_nattch == 1); /* the child's attaches went with it */
      CHECK(shmdt(p) == 0);
    }
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    errno = 0;
    void* gone = shmat(id, NULL, 0);
    CHECK(gone == (void*)-1 && (errno == EINVAL || errno == EIDRM));
    if (gone != (void*)-1) shmdt(gone);
  }

  int k = shmget(kKey, 4096, IPC_CREAT | IPC_EXCL | 0600);
  CHECK(k >= 0);
  if (k < 0) return;
  errno = 0;
  CHECK(shmget(kKey, 4096, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
  CHECK(shmget(kKey, 0, 0) == k);
  volatile int* p = shmat(k, NULL, 0);
  CHECK(p != (void*)-1);
  if (p != (void*)-1) {
    pid_t c = fork();
    if (c == 0) {
      /* Detach the inherited one and find the segment by key alone. */
      if (shmdt((void*)p) != 0) _exit(2);
      int ck = shmget(kKey, 0, 0);
      if (ck != k) _exit(3);
      volatile int* q = shmat(ck, NULL, 0);
      if (q == (void*)-1) _exit(4);
      q[0] = 1234;
      q[1023] = 5678;
      _exit(0);
    }
    CHECK(ExitedOk(c));
    CHECK(p[0] == 1234 && p[1023] == 5678);
    CHECK(shmdt((void*)p) == 0);
  }
  CHECK(shmctl(k, IPC_RMID, NULL) == 0);
  errno = 0;
  CHECK(shmget(kKey, 0, 0) == -1 && errno == ENOENT);
  printf("sysv shm: done\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  Names();
  CleanUp();
  PosixAcrossFork();
  PosixNames();
  PosixFileIo();
  NamedSemaphore();
  SharedMutex();
  SysV();
  CleanUp();
  printf(failures == 0 ? "shm: all ok\n" : "shm: FAILED\n");
  return failures == 0 ? 0 : 1;
}
