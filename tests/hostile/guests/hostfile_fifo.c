// File: tests/hostile/guests/hostfile_fifo.c
//
// hostfile_fifo DIR: DIR is a writable host mount holding two FIFOs made on
// the host: "wfifo", whose host writer is blocked in open(O_WRONLY) waiting
// for a reader, and "rfifo", whose host reader is blocked in open(O_RDONLY)
// waiting for a writer. Tries every way to open or truncate them; each would
// be the peer the host process waits for, if hvrun opened the FIFO for it.
// hvrun must refuse them all without opening anything. Prints one line per
// attempt, "NAME: ok" or "NAME: ERRNO"; the test
// (tests/hostile/host_files_attacks_test.cc) checks that both host processes
// are still blocked.
//
// hostfile_fifo DIR wait|wait-child: makes its own FIFO in DIR and opens it
// for reading with no writer ever coming, so the open waits in hvrun for
// good: in this process ("wait"; the run must still end at --timeout), or in
// a forked child while the first process exits 0 at once ("wait-child"; the
// run must end with it).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static char path[2][4096];

static void Show(const char* what, long rc) {
  if (rc < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
  } else {
    printf("%s: ok\n", what);
  }
}

static int WaitForever(const char* dir, int in_child) {
  char own[4200];
  snprintf(own, sizeof own, "%s/own_fifo", dir);
  if (mkfifo(own, 0600) != 0) {
    perror("mkfifo");
    return 1;
  }
  if (in_child && fork() != 0) {
    printf("hostfile_fifo: parent exits\n");
    fflush(stdout);
    return 0;
  }
  printf("hostfile_fifo: waiting in open\n");
  fflush(stdout);
  int fd = open(own, O_RDONLY);
  printf("hostfile_fifo: open returned %d\n", fd);
  return 3;
}

int main(int argc, char** argv) {
  if (argc == 3) return WaitForever(argv[1], strcmp(argv[2], "wait-child") == 0);
  if (argc != 2) {
    fprintf(stderr, "usage: hostfile_fifo DIR [wait|wait-child]\n");
    return 2;
  }
  snprintf(path[0], sizeof path[0], "%s/wfifo", argv[1]);
  snprintf(path[1], sizeof path[1], "%s/rfifo", argv[1]);
  const char* w = path[0];
  const char* r = path[1];
  struct stat st;
  // stat is harmless and allowed: the FIFOs are there.
  Show("stat wfifo", stat(w, &st) == 0 && S_ISFIFO(st.st_mode) ? 0 : -1);
  Show("open wfifo O_RDONLY", open(w, O_RDONLY));
  Show("open wfifo O_RDONLY|O_NONBLOCK", open(w, O_RDONLY | O_NONBLOCK));
  Show("open wfifo O_RDWR", open(w, O_RDWR));
  Show("open wfifo O_CREAT|O_RDONLY", open(w, O_CREAT | O_RDONLY, 0644));
  Show("open rfifo O_WRONLY", open(r, O_WRONLY));
  Show("open rfifo O_WRONLY|O_NONBLOCK", open(r, O_WRONLY | O_NONBLOCK));
  Show("open rfifo O_WRONLY|O_TRUNC", open(r, O_WRONLY | O_TRUNC));
  Show("truncate rfifo", truncate(r, 0));
  Show("truncate wfifo", truncate(w, 0));
  printf("hostfile_fifo: done\n");
  return 0;
}
