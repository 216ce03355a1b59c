// shared_map: MAP_SHARED file mappings stay coherent with read/write, as
// SQLite's WAL index and LMDB need. In directory DIR (argv[1], e.g. a mount)
// and in /tmp: a file is written and mapped MAP_SHARED read/write, then
//   - a pwrite is seen through the mapping;
//   - a store through the mapping is seen by pread;
//   - after msync and munmap the file holds the stores;
//   - a store past the file's end (in the mapping's last page) is not the file's.
// Prints one line per check and "shared_map: all ok", or exits 1.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
static void check(const char* what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  fails += !ok;
}

static void run(const char* dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/shared_map.dat", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    perror("open");
    fails++;
    return;
  }
  char page[4096];
  memset(page, 'a', sizeof page);
  for (int i = 0; i < 3; i++) write(fd, page, sizeof page);  // 3 pages
  write(fd, "tail", 4);                                       // + 4 bytes
  char* m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check("mmap MAP_SHARED", m != MAP_FAILED);
  if (m == MAP_FAILED) return;
  check("mapping holds the file", m[0] == 'a' && memcmp(m + 3 * 4096, "tail", 4) == 0);
  pwrite(fd, "PW", 2, 100);
  check("pwrite is seen through the mapping", m[100] == 'P' && m[101] == 'W');
  memcpy(m + 5000, "STORE", 5);
  char buf[8] = {0};
  pread(fd, buf, 5, 5000);
  check("a store is seen by pread", memcmp(buf, "STORE", 5) == 0);
  m[3 * 4096 + 10] = 'X';  // past the end of the file (size is 3 pages + 4)
  check("msync", msync(m, 4 * 4096, MS_SYNC) == 0);
  check("munmap", munmap(m, 4 * 4096) == 0);
  close(fd);
  fd = open(path, O_RDONLY);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 5, 5000);
  check("the file holds the store after munmap", memcmp(buf, "STORE", 5) == 0);
  off_t size = lseek(fd, 0, SEEK_END);
  check("a store past the end is not the file's", size == 3 * 4096 + 4);
  close(fd);
  unlink(path);
}

int main(int argc, char** argv) {
  run(argc > 1 ? argv[1] : ".");
  run("/tmp");
  if (fails != 0) return 1;
  printf("shared_map: all ok\n");
  return 0;
}
