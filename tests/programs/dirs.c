/* Directories and names: mkdir/rmdir (ENOTEMPTY), getdents64 listings
 * (sorted by name here), rename/renameat2(RENAME_NOREPLACE), link,
 * symlink/readlink (and ELOOP), chdir/getcwd with relative paths and "..",
 * unlinkat(AT_REMOVEDIR), fchdir, *at() with a directory fd. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "fs_check.h"

static int CompareNames(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

/* The old getdents(2)'s record (struct linux_dirent): no d_type field, the
 * type is the record's last byte. */
struct OldDirent {
  unsigned long d_ino;
  unsigned long d_off;
  unsigned short d_reclen;
  char d_name[];
};

/* Prints the names in (path), sorted, with a type letter, read with
 * getdents64, or (old) with getdents and then the directory's lseek
 * positions at the start and after a rewind. */
static void ListWith(const char* path, int old) {
  const char* what = old ? "list-old" : "list";
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    printf("%s %s: %s\n", what, path, ErrnoName(errno));
    return;
  }
  if (old) printf("lseek cur at the start: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  static char buf[4096];
  static char names[64][280];
  const char* sorted[64];
  int count = 0;
  long n;
  /* small: several calls */
  while ((n = syscall(old ? SYS_getdents : SYS_getdents64, fd, buf, 100)) > 0) {
    for (long off = 0; off < n;) {
      const char* name;
      unsigned char type;
      unsigned short reclen;
      if (old) {
        struct OldDirent* d = (struct OldDirent*)(buf + off);
        name = d->d_name;
        reclen = d->d_reclen;
        type = (unsigned char)buf[off + reclen - 1];
      } else {
        struct dirent64* d = (struct dirent64*)(buf + off);
        name = d->d_name;
        reclen = d->d_reclen;
        type = d->d_type;
      }
      if (count < 64) {
        char t = type == DT_DIR ? 'd' : type == DT_LNK ? 'l' : type == DT_REG ? 'f' : '?';
        snprintf(names[count], sizeof names[count], "%s(%c)", name, t);
        sorted[count] = names[count];
        count++;
      }
      off += reclen;
    }
  }
  if (n < 0) printf("%s: %s\n", old ? "getdents" : "getdents64", ErrnoName(errno));
  qsort(sorted, count, sizeof sorted[0], CompareNames);
  printf("%s %s:", what, path);
  for (int i = 0; i < count; i++) printf(" %s", sorted[i]);
  printf("\n");
  if (old) printf("lseek set 0: %ld\n", (long)lseek(fd, 0, SEEK_SET));
  close(fd);
}

static void List(const char* path) { ListWith(path, 0); }

/* Prints the cwd relative to the temporary directory. */
static void Cwd(void) {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == NULL) {
    printf("getcwd: %s\n", ErrnoName(errno));
    return;
  }
  size_t n = strlen(g_tmpdir);
  printf("cwd: %s\n", strncmp(buf, g_tmpdir, n) == 0 ? (buf[n] ? buf + n : "<tmp>") : buf);
}

int main(void) {
  EnterTempDir("dirs");
  struct stat st;
  char buf[256];

  CHECK(mkdir("d", 0755));
  CHECK(mkdir("d", 0755));
  CHECK(mkdir("d/e", 0700));
  CHECK(mkdir("d/e/", 0700));
  CHECK(mkdir("x/y", 0700));
  CHECK(stat("d", &st));
  printf("d: dir %d nlink %ld\n", S_ISDIR(st.st_mode), (long)st.st_nlink);
  int fd = CHECK(open("d/f", O_CREAT | O_WRONLY, 0644));
  CHECK(write(fd, "data", 4));
  CHECK(close(fd));
  CHECK(mkdir("d/f/g", 0700));
  List("d");
  List(".");
  ListWith(".", 1);
  List("d/f");

  CHECK(rmdir("d"));
  CHECK(rmdir("d/f"));
  CHECK(rmdir("d/e/."));
  CHECK(rmdir("missing"));
  CHECK(unlink("d/e"));

  /* rename */
  CHECK(rename("d/f", "d/f2"));
  CHECK(stat("d/f", &st));
  CHECK(stat("d/f2", &st));
  printf("f2 size %ld\n", (long)st.st_size);
  CHECK(rename("d/f2", "d/e"));
  CHECK(rename("d/e", "d/f2"));
  CHECK(rename("d", "d/e/inside"));
  CHECK(rename("missing", "z"));
  fd = CHECK(open("other", O_CREAT | O_WRONLY, 0644));
  CHECK(close(fd));
  CHECK(syscall(SYS_renameat2, AT_FDCWD, "other", AT_FDCWD, "d/f2", 1 /* RENAME_NOREPLACE */));
  CHECK(syscall(SYS_renameat2, AT_FDCWD, "other", AT_FDCWD, "d/new", 1 /* RENAME_NOREPLACE */));
  CHECK(rename("d/new", "d/f2")); /* replaces */
  CHECK(mkdir("empty", 0755));
  CHECK(rename("d/e", "empty")); /* a directory over an empty one */
  CHECK(stat("empty", &st));
  printf("d/e moved: dir %d\n", S_ISDIR(st.st_mode));
  List("d");
  CHECK(rename("empty", "d/e"));

  /* hard links */
  CHECK(link("d/f2", "hard"));
  CHECK(stat("hard", &st));
  printf("nlink %ld\n", (long)st.st_nlink);
  CHECK(link("d/f2", "hard"));
  CHECK(link("d", "dirlink"));
  CHECK(unlink("hard"));
  CHECK(stat("d/f2", &st));
  printf("nlink %ld\n", (long)st.st_nlink);

  /* symlinks */
  CHECK(symlink("d/f2", "sym"));
  CHECK(symlink("d/f2", "sym"));
  memset(buf, 0, sizeof buf);
  CHECK(readlink("sym", buf, sizeof buf));
  printf("readlink: [%s]\n", buf);
  CHECK(readlink("sym", buf, 3));
  CHECK(readlink("d", buf, sizeof buf));
  CHECK(lstat("sym", &st));
  printf("lstat: link %d size %ld\n", S_ISLNK(st.st_mode), (long)st.st_size);
  CHECK(stat("sym", &st));
  printf("stat through link: reg %d\n", S_ISREG(st.st_mode));
  fd = CHECK(open("sym", O_RDONLY));
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, sizeof buf));
  CHECK(close(fd));
  CHECK(open("sym", O_RDONLY | O_NOFOLLOW));
  CHECK(symlink("loop2", "loop1"));
  CHECK(symlink("loop1", "loop2"));
  CHECK(open("loop1", O_RDONLY));
  CHECK(stat("loop1/x", &st));
  CHECK(symlink("d", "dsym"));
  CHECK(stat("dsym/f2", &st));
  CHECK(symlink("nowhere", "dangling"));
  CHECK(stat("dangling", &st));
  CHECK(lstat("dangling", &st));
  List(".");

  /* chdir, getcwd, relative paths, "..", and no escape above "/" */
  Cwd();
  CHECK(chdir("d/e"));
  Cwd();
  CHECK(stat("../f2", &st));
  CHECK(chdir(".."));
  Cwd();
  CHECK(chdir("f2"));
  CHECK(chdir("missing"));
  CHECK(chdir("../d/./e/../.."));
  Cwd();
  CHECK(stat("/../../..", &st));
  printf("/.. is a dir %d\n", S_ISDIR(st.st_mode));
  int dfd = CHECK(open("d", O_RDONLY | O_DIRECTORY));
  CHECK(fstatat(dfd, "f2", &st, 0));
  CHECK(mkdirat(dfd, "sub", 0755));
  CHECK(fchdir(dfd));
  Cwd();
  CHECK(chdir(".."));
  CHECK(unlinkat(dfd, "sub", 0));
  CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR));
  CHECK(unlinkat(dfd, "f2", AT_REMOVEDIR));
  CHECK(close(dfd));

  /* clean up */
  CHECK(unlink("sym"));
  CHECK(unlink("loop1"));
  CHECK(unlink("loop2"));
  CHECK(unlink("dsym"));
  CHECK(unlink("dangling"));
  CHECK(unlink("d/f2"));
  CHECK(rmdir("d/e"));
  CHECK(rmdir("d"));
  List(".");
  LeaveTempDir();
  printf("dirs: all ok\n");
  return 0;
}
