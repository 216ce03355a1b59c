/* proc_self: /proc/self/maps and /proc/self/fd. Prints only what holds both
 * natively and under hvrun: which kind of line (path, perms) covers main(),
 * a local, a big malloc and brk growth, that every line is well formed and
 * in order, and the fds /proc/self/fd lists with what readlink says of each
 * (a /tmp file, a directory, a pipe, /dev/null, a host file when a
 * directory is given as argv[1]), never addresses or inode numbers.
 * Usage: proc_self [DIR]   (DIR: an existing writable directory) */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fs_check.h"

struct MapLine {
  unsigned long start, end, offset;
  char perms[5];
  char path[PATH_MAX];
  int path_col; /* where the path starts, -1 if none */
};

/* Parses one line; 0 if it is not in Linux's format. */
static int ParseLine(const char* s, struct MapLine* m) {
  unsigned dev_major, dev_minor;
  unsigned long ino;
  int n = 0;
  if (sscanf(s, "%lx-%lx %4s %lx %x:%x %lu %n", &m->start, &m->end, m->perms, &m->offset,
             &dev_major, &dev_minor, &ino, &n) != 7)
    return 0;
  size_t len = strlen(s);
  if (len == 0 || s[len - 1] != '\n') return 0;
  m->path[0] = '\0';
  m->path_col = -1;
  if ((size_t)n < len - 1) {
    m->path_col = n;
    snprintf(m->path, sizeof m->path, "%.*s", (int)(len - 1 - n), s + n);
  }
  return 1;
}

/* The line of /proc/self/maps (read with stdio) covering (addr); 1 if one
 * does. Also checks every line: well formed, page-aligned, in order. */
static int FindMapping(uintptr_t addr, struct MapLine* out, int* well_formed) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    printf("fopen /proc/self/maps: %s\n", ErrnoName(errno));
    return 0;
  }
  static char line[PATH_MAX + 128];
  struct MapLine m;
  unsigned long prev_end = 0;
  int found = 0, lines = 0;
  *well_formed = 1;
  while (fgets(line, sizeof line, f) != NULL) {
    lines++;
    if (!ParseLine(line, &m) || m.start >= m.end || (m.start & 4095) != 0 || (m.end & 4095) != 0 ||
        m.start < prev_end || strlen(m.perms) != 4)
      *well_formed = 0;
    prev_end = m.end;
    if (!found && addr >= m.start && addr < m.end) {
      *out = m;
      found = 1;
    }
  }
  fclose(f);
  if (lines < 3) *well_formed = 0;
  return found;
}

static void ShowMapping(const char* what, uintptr_t addr, const char* exe) {
  struct MapLine m;
  int ok;
  if (!FindMapping(addr, &m, &ok)) {
    printf("%s: no line covers it\n", what);
    return;
  }
  int named = m.path[0] != '\0';
  printf("%s: lines well formed %d, r%d w%d x%d %c, path %s, column 73 %d\n", what, ok,
         m.perms[0] == 'r', m.perms[1] == 'w', m.perms[2] == 'x', m.perms[3],
         !named                     ? "none"
         : strcmp(m.path, exe) == 0 ? "exe"
                                    : m.path,
         !named || m.path_col == 73);
  if (m.perms[0] == 'r') {
    /* The line is true: its first and last bytes can be read. */
    volatile const char* p = (const char*)m.start;
    volatile const char* q = (const char*)(m.end - 1);
    (void)*p;
    (void)*q;
  }
}

/* The whole file with read(2) in small pieces: it must end in a newline
 * and hold the exe's line. */
static void ReadWhole(const char* exe) {
  int fd = open("/proc/self/maps", O_RDONLY);
  if (fd < 0) {
    printf("open /proc/self/maps: %s\n", ErrnoName(errno));
    return;
  }
  static char text[1 << 16];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof text - 1 && (n = read(fd, text + len, 7)) > 0) len += (size_t)n;
  text[len] = '\0';
  close(fd);
  printf("read(2) of maps: ends in newline %d, names the exe %d\n",
         len > 0 && text[len - 1] == '\n', strstr(text, exe) != NULL);
}

static int CompareInts(const void* a, const void* b) { return *(const int*)a - *(const int*)b; }

/* The fds /proc/self/fd lists (its own dir fd included, as on Linux). */
static void ListFds(void) {
  DIR* d = opendir("/proc/self/fd");
  if (d == NULL) {
    printf("opendir /proc/self/fd: %s\n", ErrnoName(errno));
    return;
  }
  int fds[64], n = 0, dots = 0, links = 1;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      dots++;
    } else if (n < 64) {
      fds[n++] = atoi(e->d_name);
      if (e->d_type != DT_LNK) links = 0;
    }
  }
  printf("/proc/self/fd: dir fd %d, . and .. %d, all DT_LNK %d, fds", dirfd(d), dots, links);
  qsort(fds, (size_t)n, sizeof fds[0], CompareInts);
  for (int i = 0; i < n; i++) printf(" %d", fds[i]);
  printf("\n");
  closedir(d);
}

/* readlink of /proc/self/fd/(fd) into (buf); its length or -1 (errno). */
static ssize_t FdLink(int fd, char* buf, size_t cap) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, buf, cap - 1);
  buf[n < 0 ? 0 : n] = '\0';
  return n;
}

int main(int argc, char** argv) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    printf("readlink /proc/self/exe: %s\n", ErrnoName(errno));
    return 1;
  }
  exe[n] = '\0';

  /* /proc/self/maps. */
  int local = 0;
  ShowMapping("main()", (uintptr_t)&main, exe);
  ShowMapping("a local", (uintptr_t)&local, exe);
  char* big = malloc(64 << 20); /* far past the mmap threshold */
  big[0] = big[(64 << 20) - 1] = 1;
  ShowMapping("malloc(64 MiB)", (uintptr_t)big + (32 << 20), exe);
  free(big);
  char* old_brk = sbrk(1 << 20);
  if (old_brk == (char*)-1) {
    printf("sbrk: %s\n", ErrnoName(errno));
  } else {
    old_brk[0] = 1;
    ShowMapping("sbrk(1 MiB)", (uintptr_t)old_brk + (1 << 19), exe);
  }
  ReadWhole(exe);

  /* /proc/self/fd. */
  EnterTempDir("proc_self");
  char cwd[PATH_MAX], link[PATH_MAX], want[PATH_MAX + 8];
  if (getcwd(cwd, sizeof cwd) == NULL) return 2;
  int file = CHECK(open("f", O_CREAT | O_RDWR, 0600));
  CHECK(write(file, "hello", 5));
  int p[2];
  CHECK(pipe(p));
  int dir = CHECK(open(".", O_RDONLY | O_DIRECTORY));
  int null = CHECK(open("/dev/null", O_WRONLY));
  ListFds();

  snprintf(want, sizeof want, "%s/f", cwd);
  FdLink(file, link, sizeof link);
  printf("file: readlink is its path %d\n", strcmp(link, want) == 0);
  FdLink(dir, link, sizeof link);
  printf("directory: readlink is its path %d\n", strcmp(link, cwd) == 0);
  FdLink(null, link, sizeof link);
  printf("/dev/null: readlink [%s]\n", link);
  char link2[64];
  FdLink(p[0], link, sizeof link);
  FdLink(p[1], link2, sizeof link2);
  struct stat st;
  CHECK(fstat(p[0], &st));
  char pipe_name[64];
  snprintf(pipe_name, sizeof pipe_name, "pipe:[%lu]", (unsigned long)st.st_ino);
  printf("pipe: readlink is pipe:[ino] %d, both ends alike %d\n", strcmp(link, pipe_name) == 0,
         strcmp(link, link2) == 0);
  printf("stdout: readlink works %d\n", FdLink(1, link, sizeof link) > 0);
  n = readlink("/dev/stdin", link, sizeof link - 1);
  link[n < 0 ? 0 : n] = '\0';
  printf("/dev/stdin: readlink [%s]\n", link);

  /* Through the links: stat follows, lstat does not, open reopens. */
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  CHECK(stat(path, &st));
  printf("stat: a FIFO %d\n", S_ISFIFO(st.st_mode));
  CHECK(lstat(path, &st));
  printf("lstat: a link %d, owner-only %d\n", S_ISLNK(st.st_mode), (st.st_mode & 077) == 0);
  snprintf(path, sizeof path, "/proc/self/fd/%d", file);
  int again = CHECK(open(path, O_RDONLY));
  char buf[16] = {0};
  CHECK(read(again, buf, sizeof buf - 1)); /* a new description: from offset 0 */
  printf("reopened: [%s]\n", buf);
  CHECK(close(again));

  /* Closed and never-open fds are not there. */
  CHECK(close(file));
  CHECK(FdLink(file, link, sizeof link));
  CHECK(FdLink(999, link, sizeof link));
  CHECK(readlink("/proc/self/fd/01", link, sizeof link));
  CHECK(readlink("/proc/self/fd/x", link, sizeof link));
  CHECK(stat("/proc/self/fd/999", &st));
  CHECK(open("/proc/self/fd/999", O_RDONLY));

  /* A file in a host directory (mounted under hvrun). */
  if (argc > 1) {
    char real[PATH_MAX];
    if (realpath(argv[1], real) == NULL) return 3;
    snprintf(want, sizeof want, "%s/g", real);
    int host = CHECK(open(want, O_CREAT | O_RDWR, 0600));
    int hdir = CHECK(open(real, O_RDONLY | O_DIRECTORY));
    FdLink(host, link, sizeof link);
    printf("host file: readlink is its path %d\n", strcmp(link, want) == 0);
    FdLink(hdir, link, sizeof link);
    printf("host directory: readlink is its path %d\n", strcmp(link, real) == 0);
    ListFds();
    CHECK(close(host));
    CHECK(close(hdir));
    CHECK(unlink(want));
  }

  int fds[] = {p[0], p[1], dir, null};
  for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) CHECK(close(fds[i]));
  ListFds();
  CHECK(unlink("f"));
  LeaveTempDir();
  printf("proc_self: done\n");
  return 0;
}
