// mounted_files DIR: exercises files, directories and links in DIR (a fresh
// empty directory: natively a host temp dir, under hvrun a -v mount at
// /data) and prints what it sees, so that the two runs can be compared
// byte for byte. Nothing printed depends on DIR's own path, inode numbers or
// times. Errors print their errno name.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char* dir;
static char pbuf[4][4096];

// DIR/rel in one of four rotating buffers.
static const char* P(const char* rel) {
  static int i;
  char* b = pbuf[i++ & 3];
  snprintf(b, sizeof pbuf[0], "%s/%s", dir, rel);
  return b;
}

static const char* ErrName(int e) {
  switch (e) {
    case ENOENT:
      return "ENOENT";
    case EEXIST:
      return "EEXIST";
    case ENOTDIR:
      return "ENOTDIR";
    case EISDIR:
      return "EISDIR";
    case ENOTEMPTY:
      return "ENOTEMPTY";
    case EINVAL:
      return "EINVAL";
    case EBADF:
      return "EBADF";
    case EXDEV:
      return "EXDEV";
    case ELOOP:
      return "ELOOP";
    case EACCES:
      return "EACCES";
    case EPERM:
      return "EPERM";
    case EROFS:
      return "EROFS";
    case EBUSY:
      return "EBUSY";
    default:
      return "E?";
  }
}

// Prints "what: ok" or "what: ENAME" for a call's result (-1 with errno).
static void Show(const char* what, long r) {
  if (r < 0)
    printf("%s: %s\n", what, ErrName(errno));
  else
    printf("%s: ok\n", what);
}

static int Cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// A sorted listing of DIR/rel with each entry's type and size.
static void List(const char* rel) {
  int fd = open(P(rel), O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    printf("list %s: %s\n", rel, ErrName(errno));
    return;
  }
  char buf[4096];
  char* names[64];
  int n = 0;
  long got;
  while ((got = syscall(217 /* getdents64 */, fd, buf, sizeof buf)) > 0) {
    for (long pos = 0; pos < got;) {
      struct {
        unsigned long ino;
        long off;
        unsigned short reclen;
        unsigned char type;
        char name[];
      }* d = (void*)(buf + pos);
      if (n < 64) names[n++] = strdup(d->name);
      pos += d->reclen;
    }
  }
  close(fd);
  qsort(names, n, sizeof names[0], Cmp);
  printf("list %s:", rel);
  for (int i = 0; i < n; i++) {
    char sub[512];
    snprintf(sub, sizeof sub, "%s/%s", rel, names[i]);
    struct stat st;
    if (strcmp(names[i], ".") == 0 || strcmp(names[i], "..") == 0 || lstat(P(sub), &st) < 0) {
      printf(" %s", names[i]);
    } else {
      char t = S_ISDIR(st.st_mode)   ? 'd'
               : S_ISLNK(st.st_mode) ? 'l'
               : S_ISREG(st.st_mode) ? 'f'
                                     : '?';
      printf(" %s(%c%ld)", names[i], t, S_ISDIR(st.st_mode) ? 0L : (long)st.st_size);
    }
    free(names[i]);
  }
  printf("\n");
}

static void Cat(const char* rel) {
  FILE* f = fopen(P(rel), "r");
  if (f == NULL) {
    printf("cat %s: %s\n", rel, ErrName(errno));
    return;
  }
  char line[256];
  printf("cat %s: [", rel);
  size_t n;
  while ((n = fread(line, 1, sizeof line, f)) > 0) fwrite(line, 1, n, stdout);
  printf("]\n");
  fclose(f);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: mounted_files DIR\n");
    return 2;
  }
  dir = argv[1];
  umask(022);

  // Create, write, read back, sizes.
  int fd = open(P("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0640);
  Show("create a.txt", fd);
  Show("write", write(fd, "hello, mount\n", 13));
  Show("write 2", write(fd, "second line\n", 12));
  Show("close", close(fd));
  Show("create again excl", open(P("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0640));
  Cat("a.txt");
  struct stat st;
  Show("stat a.txt", stat(P("a.txt"), &st));
  printf("a.txt size %ld mode %o nlink %ld\n", (long)st.st_size, st.st_mode & 07777,
         (long)st.st_nlink);

  // pread/pwrite, lseek SEEK_END, O_APPEND, ftruncate.
  fd = open(P("a.txt"), O_RDWR);
  char buf[64] = {0};
  printf("pread %zd [%.5s]\n", pread(fd, buf, 5, 7), buf);
  Show("pwrite", pwrite(fd, "HELLO", 5, 0));
  printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
  printf("lseek set %ld\n", (long)lseek(fd, 2, SEEK_SET));
  memset(buf, 0, sizeof buf);
  printf("read %zd [%s]\n", read(fd, buf, 8), buf);
  Show("ftruncate 12", ftruncate(fd, 12));
  Show("fsync", fsync(fd));
  Show("fstat", fstat(fd, &st));
  printf("fstat size %ld\n", (long)st.st_size);
  close(fd);
  fd = open(P("a.txt"), O_WRONLY | O_APPEND);
  Show("append", write(fd, "+tail\n", 6));
  printf("offset after append %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  Cat("a.txt");
  Show("truncate 5", truncate(P("a.txt"), 5));
  Cat("a.txt");

  // mmap of a host file (a private copy).
  fd = open(P("a.txt"), O_RDONLY);
  char* m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    printf("mmap: %s\n", ErrName(errno));
  } else {
    printf("mmap [%.5s] %d\n", m, m[5]);
    munmap(m, 4096);
  }
  // sendfile into a new file.
  int out = open(P("copy.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  off_t off = 0;
  printf("sendfile %zd\n", sendfile(out, fd, &off, 100));
  close(out);
  close(fd);
  Cat("copy.txt");

  // Directories.
  Show("mkdir sub", mkdir(P("sub"), 0750));
  Show("mkdir sub again", mkdir(P("sub"), 0750));
  Show("mkdir sub/deep", mkdir(P("sub/deep"), 0755));
  Show("mkdir missing/x", mkdir(P("missing/x"), 0755));
  fd = open(P("sub/deep/f"), O_CREAT | O_WRONLY, 0600);
  Show("write sub/deep/f", write(fd, "deep", 4));
  close(fd);
  Show("rmdir sub (not empty)", rmdir(P("sub")));
  Show("stat sub/deep/../deep/f", stat(P("sub/deep/../deep/f"), &st));
  printf("size %ld\n", (long)st.st_size);
  Show("open a.txt/x", open(P("a.txt/x"), O_RDONLY));
  Show("open missing", open(P("missing"), O_RDONLY));
  Show("open dir for write", open(P("sub"), O_WRONLY));
  Show("unlink dir", unlink(P("sub")));
  Show("access a.txt R_OK", access(P("a.txt"), R_OK));
  Show("access missing", access(P("missing"), F_OK));
  Show("chmod a.txt 600", chmod(P("a.txt"), 0600));
  stat(P("a.txt"), &st);
  printf("mode %o\n", st.st_mode & 07777);
  struct timespec ts[2] = {{1000000000, 0}, {1200000000, 500}};
  Show("utimensat", utimensat(AT_FDCWD, P("a.txt"), ts, 0));
  stat(P("a.txt"), &st);
  printf("mtime %ld.%ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  Show("chown to self", chown(P("a.txt"), getuid(), getgid()));

  // Rename, link, symlink, readlink.
  Show("rename a.txt b.txt", rename(P("a.txt"), P("b.txt")));
  Show("rename missing", rename(P("a.txt"), P("c.txt")));
  Show("rename sub into itself", rename(P("sub"), P("sub/deep/x")));
  Show("link b.txt hard.txt", link(P("b.txt"), P("hard.txt")));
  stat(P("b.txt"), &st);
  printf("nlink %ld\n", (long)st.st_nlink);
  Show("symlink rel", symlink("b.txt", P("rel.lnk")));
  Show("symlink dir", symlink("sub/deep", P("dir.lnk")));
  Show("symlink dangling", symlink("nowhere", P("dangling.lnk")));
  char lb[256] = {0};
  ssize_t ln = readlink(P("rel.lnk"), lb, sizeof lb - 1);
  printf("readlink rel.lnk %zd [%s]\n", ln, ln > 0 ? lb : "");
  Show("readlink b.txt", readlink(P("b.txt"), lb, sizeof lb));
  Cat("rel.lnk");
  Cat("dir.lnk/f");
  Cat("dangling.lnk");
  Show("lstat rel.lnk", lstat(P("rel.lnk"), &st));
  printf("lstat is link %d size %ld\n", S_ISLNK(st.st_mode), (long)st.st_size);
  Show("stat rel.lnk", stat(P("rel.lnk"), &st));
  printf("stat is reg %d\n", S_ISREG(st.st_mode));
  // Absolute links to paths in the same tree (under hvrun, guest paths in
  // the same mount, which the host's RESOLVE_BENEATH alone would refuse):
  // followed at the end and in the middle of a path, for reading and for
  // making a file; one that names itself is ELOOP.
  Show("symlink abs", symlink(P("b.txt"), P("abs.lnk")));
  Show("symlink abs dir", symlink(P("sub/deep"), P("absdir.lnk")));
  Show("symlink abs loop", symlink(P("loop.lnk"), P("loop.lnk")));
  Cat("abs.lnk");
  Cat("absdir.lnk/f");
  int made = open(P("absdir.lnk/made"), O_CREAT | O_WRONLY, 0644);
  Show("create through abs dir", made);
  if (made >= 0) close(made);
  Show("stat made", stat(P("sub/deep/made"), &st));
  Show("open abs loop", open(P("loop.lnk"), O_RDONLY));
  Show("unlink through abs dir", unlink(P("absdir.lnk/made")));
  Show("unlink abs.lnk", unlink(P("abs.lnk")));
  Show("unlink absdir.lnk", unlink(P("absdir.lnk")));
  Show("unlink loop.lnk", unlink(P("loop.lnk")));
  List(".");
  List("sub");
  List("sub/deep");
  // readdir twice over one DIR*: rewinddir is lseek(fd, 0, SEEK_SET).
  DIR* d = opendir(P("sub/deep"));
  int first = 0, second = 0;
  while (readdir(d) != NULL) first++;
  rewinddir(d);
  while (readdir(d) != NULL) second++;
  closedir(d);
  printf("readdir %d, after rewinddir %d\n", first, second);
  // "." and ".." as the last component.
  Show("rmdir sub/.", rmdir(P("sub/.")));
  Show("rmdir sub/deep/..", rmdir(P("sub/deep/..")));
  Show("rename sub/. x", rename(P("sub/."), P("x")));

  // chdir into the directory, relative paths, getcwd's tail.
  Show("chdir sub", chdir(P("sub")));
  Show("stat deep/f relative", stat("deep/f", &st));
  fd = open("deep/rel", O_CREAT | O_WRONLY, 0644);
  Show("create deep/rel relative", fd);
  close(fd);
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) != NULL) {
    const char* tail = strrchr(cwd, '/');
    printf("cwd ends in %s\n", tail ? tail : cwd);
  }
  Show("chdir ..", chdir(".."));
  // openat relative to a directory fd.
  int dfd = open(P("sub"), O_RDONLY | O_DIRECTORY);
  fd = openat(dfd, "deep/f", O_RDONLY);
  memset(buf, 0, sizeof buf);
  printf("openat read %zd [%s]\n", read(fd, buf, sizeof buf - 1), buf);
  close(fd);
  Show("fstatat", fstatat(dfd, "deep", &st, 0));
  printf("fstatat is dir %d\n", S_ISDIR(st.st_mode));
  Show("unlinkat dir", unlinkat(dfd, "deep/rel", 0));
  close(dfd);

  // Cleanup, with the error paths.
  Show("unlink b.txt", unlink(P("b.txt")));
  Show("unlink b.txt again", unlink(P("b.txt")));
  Show("unlink hard.txt", unlink(P("hard.txt")));
  Show("unlink rel.lnk", unlink(P("rel.lnk")));
  Show("unlink dir.lnk", unlink(P("dir.lnk")));
  Show("unlink dangling.lnk", unlink(P("dangling.lnk")));
  Show("unlink copy.txt", unlink(P("copy.txt")));
  Show("unlink sub/deep/f", unlink(P("sub/deep/f")));
  Show("rmdir sub/deep", rmdir(P("sub/deep")));
  Show("rmdir sub", rmdir(P("sub")));
  List(".");
  printf("mounted_files: done\n");
  return 0;
}
