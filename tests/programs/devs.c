/* The device and proc files every program may look at: /dev/null,
 * /dev/zero, /dev/urandom, /proc/self/exe, /proc/cpuinfo, /proc/meminfo;
 * and sendfile/copy_file_range, access, chmod, utimensat, fallocate on a
 * /tmp file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "fs_check.h"

/* Whether file (path) contains (needle) in its first 64 KiB. */
static int Contains(const char* path, const char* needle) {
  static char text[65536];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n, len = 0;
  while (len < (ssize_t)sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) > 0)
    len += n;
  close(fd);
  text[len] = 0;
  return strstr(text, needle) != NULL;
}

int main(int argc, char** argv) {
  (void)argc;
  char buf[256];
  struct stat st;

  int fd = CHECK(open("/dev/null", O_RDWR));
  CHECK(read(fd, buf, sizeof buf));
  CHECK(write(fd, "gone", 4));
  CHECK(fstat(fd, &st));
  printf("null: chr %d\n", S_ISCHR(st.st_mode));
  CHECK(close(fd));
  fd = CHECK(open("/dev/zero", O_RDONLY));
  memset(buf, 0x5a, sizeof buf);
  CHECK(read(fd, buf, 100));
  int zeros = 1;
  for (int i = 0; i < 100; i++) zeros &= buf[i] == 0;
  printf("zero: %d untouched %d\n", zeros, buf[100] == 0x5a);
  CHECK(close(fd));
  fd = CHECK(open("/dev/urandom", O_RDONLY));
  unsigned char r1[16] = {0}, r2[16] = {0};
  CHECK(read(fd, r1, 16));
  CHECK(read(fd, r2, 16));
  printf("urandom differs: %d\n", memcmp(r1, r2, 16) != 0);
  CHECK(close(fd));
  CHECK(access("/dev/random", R_OK));
  memset(buf, 0, sizeof buf);
  CHECK(readlink("/dev/stdout", buf, sizeof buf));
  printf("/dev/stdout -> %s\n", buf);
  CHECK(lstat("/dev/stderr", &st));
  printf("stderr is a link %d\n", S_ISLNK(st.st_mode));
  fd = CHECK(open("/dev/stdout", O_WRONLY));
  fflush(stdout);
  CHECK(write(fd, "written via /dev/stdout\n", 24));
  CHECK(close(fd));
  CHECK(open("/dev/nonexistent", O_RDONLY));

  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1); /* its length varies */
  if (n > 0) buf[n] = 0;
  const char* base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  printf("exe absolute %d ends with name %d\n", buf[0] == '/',
         n >= (ssize_t)strlen(base) && strcmp(buf + n - strlen(base), base) == 0);
  printf("cpuinfo has processor: %d\n", Contains("/proc/cpuinfo", "processor"));
  printf("meminfo has MemTotal: %d\n", Contains("/proc/meminfo", "MemTotal"));
  CHECK(stat("/proc/self", &st));
  CHECK(stat("/tmp", &st));
  printf("/tmp: dir %d sticky %d\n", S_ISDIR(st.st_mode), (st.st_mode & S_ISVTX) != 0);

  EnterTempDir("devs");
  fd = CHECK(open("src", O_CREAT | O_RDWR, 0644));
  CHECK(write(fd, "sendfile and copy_file_range", 28));
  int out = CHECK(open("dst", O_CREAT | O_RDWR, 0644));
  off_t off = 9;
  CHECK(sendfile(out, fd, &off, 3));
  printf("off %ld\n", (long)off);
  CHECK(lseek(fd, 0, SEEK_SET));
  CHECK(sendfile(out, fd, NULL, 8));
  loff_t in_off = 13;
  CHECK(copy_file_range(fd, &in_off, out, NULL, 100, 0));
  memset(buf, 0, sizeof buf);
  CHECK(pread(out, buf, sizeof buf, 0));
  printf("dst: [%s]\n", buf);
  CHECK(sendfile(1, fd, &off, 5));
  printf("\n");
  CHECK(copy_file_range(fd, NULL, out, NULL, 1, 1));

  /* attributes */
  CHECK(chmod("src", 0600));
  CHECK(stat("src", &st));
  printf("mode %o\n", (unsigned)(st.st_mode & 07777));
  CHECK(fchmod(fd, 0640));
  CHECK(fstat(fd, &st));
  printf("mode %o\n", (unsigned)(st.st_mode & 07777));
  CHECK(access("src", R_OK | W_OK));
  CHECK(access("src", 99));
  CHECK(access("nothere", F_OK));
  struct timespec ts[2] = {{1000000000, 5}, {1234567890, 0}};
  CHECK(utimensat(AT_FDCWD, "src", ts, 0));
  CHECK(stat("src", &st));
  printf("times %ld %ld %ld\n", (long)st.st_atim.tv_sec, (long)st.st_atim.tv_nsec,
         (long)st.st_mtim.tv_sec);
  CHECK(chown("src", getuid(), getgid()));
  CHECK(fallocate(out, 0, 0, 100000));
  CHECK(fstat(out, &st));
  printf("fallocated size %ld\n", (long)st.st_size);
  CHECK(fsync(out));
  CHECK(fdatasync(out));
  CHECK(truncate("dst", 3));
  CHECK(fstat(out, &st));
  printf("truncated size %ld\n", (long)st.st_size);
  mode_t old = umask(077);
  printf("umask was %o\n", (unsigned)old);
  int u = CHECK(open("masked", O_CREAT | O_WRONLY, 0666));
  CHECK(fstat(u, &st));
  printf("mode %o\n", (unsigned)(st.st_mode & 07777));
  umask(old);
  CHECK(close(u));
  CHECK(close(fd));
  CHECK(close(out));
  CHECK(unlink("masked"));
  CHECK(unlink("src"));
  CHECK(unlink("dst"));
  LeaveTempDir();
  printf("devs: all ok\n");
  return 0;
}
