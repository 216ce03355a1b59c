// escape DIR: tries to reach files outside DIR (a host mount at /data
// whose host directory holds prepared symlinks, see tests/e2e/mounts_test.cc)
// through those links and through "..", and prints one line per attempt:
// "NAME: ok" or "NAME: ERRNO", plus any bytes a read got. Every attempt must
// fail; the test checks that, and that the target outside is unchanged.
//
// escape ro DIR: DIR is a read-only mount holding in.txt: prints what reading
// it and each kind of write got (writes must be EROFS).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char pbuf[4][4096];

static const char* P(const char* dir, const char* rel) {
  static int i;
  char* b = pbuf[i++ & 3];
  snprintf(b, sizeof pbuf[0], "%s/%s", dir, rel);
  return b;
}

static void Show(const char* what, long r) {
  if (r < 0)
    printf("%s: %s\n", what, strerrorname_np(errno));
  else
    printf("%s: ok\n", what);
}

// Opens (path) and prints what a read got.
static void TryRead(const char* what, const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    Show(what, fd);
    return;
  }
  char buf[256] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("%s: ok read %zd [%s]\n", what, n, n > 0 ? buf : "");
  close(fd);
}

static int Ro(const char* d) {
  TryRead("read in.txt", P(d, "in.txt"));
  Show("create new.txt", open(P(d, "new.txt"), O_CREAT | O_WRONLY, 0644));
  Show("open in.txt for write", open(P(d, "in.txt"), O_WRONLY));
  Show("open in.txt O_TRUNC", open(P(d, "in.txt"), O_RDONLY | O_TRUNC));
  Show("unlink in.txt", unlink(P(d, "in.txt")));
  Show("mkdir newdir", mkdir(P(d, "newdir"), 0755));
  Show("rename in.txt", rename(P(d, "in.txt"), P(d, "moved.txt")));
  Show("chmod in.txt", chmod(P(d, "in.txt"), 0777));
  Show("truncate in.txt", truncate(P(d, "in.txt"), 0));
  Show("symlink", symlink("in.txt", P(d, "new.lnk")));
  Show("link", link(P(d, "in.txt"), P(d, "hard.txt")));
  Show("utimes", utimensat(AT_FDCWD, P(d, "in.txt"), NULL, 0));
  Show("access W_OK", access(P(d, "in.txt"), W_OK));
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "ro") == 0) return Ro(argv[2]);
  if (argc != 2) {
    fprintf(stderr, "usage: escape DIR | escape ro DIR\n");
    return 2;
  }
  const char* d = argv[1];
  const char* const kFileLinks[] = {"rel.lnk", "abs.lnk", "proc.lnk", "deep.lnk", "sub/rel2.lnk"};
  char what[256];
  for (size_t i = 0; i < sizeof kFileLinks / sizeof kFileLinks[0]; i++) {
    const char* l = kFileLinks[i];
    snprintf(what, sizeof what, "open %s", l);
    TryRead(what, P(d, l));
    struct stat st;
    snprintf(what, sizeof what, "stat %s", l);
    Show(what, stat(P(d, l), &st));
    snprintf(what, sizeof what, "chmod %s", l);
    Show(what, chmod(P(d, l), 0777));
    snprintf(what, sizeof what, "truncate %s", l);
    Show(what, truncate(P(d, l), 0));
    snprintf(what, sizeof what, "open O_WRONLY|O_TRUNC %s", l);
    Show(what, open(P(d, l), O_WRONLY | O_TRUNC));
    snprintf(what, sizeof what, "link-follow %s", l);
    Show(what, linkat(AT_FDCWD, P(d, l), AT_FDCWD, P(d, "stolen"), AT_SYMLINK_FOLLOW));
    snprintf(what, sizeof what, "utimens %s", l);
    Show(what, utimensat(AT_FDCWD, P(d, l), NULL, 0));
  }
  // Through a link to a directory outside.
  const char* const kDirLinks[] = {"up.lnk", "root.lnk", "procroot.lnk"};
  for (size_t i = 0; i < sizeof kDirLinks / sizeof kDirLinks[0]; i++) {
    char rel[256];
    struct stat st;
    snprintf(rel, sizeof rel, "%s/secret", kDirLinks[i]);
    snprintf(what, sizeof what, "open %s", rel);
    TryRead(what, P(d, rel));
    snprintf(what, sizeof what, "stat %s", rel);
    Show(what, stat(P(d, rel), &st));
    snprintf(what, sizeof what, "chmod %s", rel);
    Show(what, chmod(P(d, rel), 0777));
    snprintf(what, sizeof what, "unlink %s", rel);
    Show(what, unlink(P(d, rel)));
    snprintf(what, sizeof what, "rename %s", rel);
    Show(what, rename(P(d, rel), P(d, "stolen")));
    snprintf(what, sizeof what, "create %s/planted", kDirLinks[i]);
    snprintf(rel, sizeof rel, "%s/planted", kDirLinks[i]);
    Show(what, open(P(d, rel), O_CREAT | O_WRONLY, 0644));
    snprintf(what, sizeof what, "mkdir %s/planted_dir", kDirLinks[i]);
    snprintf(rel, sizeof rel, "%s/planted_dir", kDirLinks[i]);
    Show(what, mkdir(P(d, rel), 0755));
    snprintf(what, sizeof what, "symlink %s/planted_lnk", kDirLinks[i]);
    snprintf(rel, sizeof rel, "%s/planted_lnk", kDirLinks[i]);
    Show(what, symlink("x", P(d, rel)));
  }
  // Lexical "..": out of the mount is the guest's tree, never the host's.
  TryRead("open DIR/../secret", P(d, "../secret"));
  TryRead("open DIR/../../secret", P(d, "../../secret"));
  TryRead("open DIR/sub/../../secret", P(d, "sub/../../secret"));
  TryRead("open DIR/sub/../sub/../../secret", P(d, "sub/../sub/../../secret"));
  Show("rename into DIR/../planted", rename(P(d, "sub/victim"), P(d, "../planted")));
  printf("escape: done\n");
  return 0;
}
