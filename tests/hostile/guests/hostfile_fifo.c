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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[2][4096];

static void Show(const char* what, long rc) {
  if (rc < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
  } else {
    printf("%s: ok\n", what);
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: hostfile_fifo DIR\n");
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
