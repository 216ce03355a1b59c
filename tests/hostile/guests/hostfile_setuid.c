// File: tests/hostile/guests/hostfile_setuid.c
//
// hostfile_setuid DIR: DIR is a writable host mount. Tries every way a guest
// can hand hvrun a file mode, asking each time for setuid, setgid and sticky
// bits, first through libc (the runtime's syscalls) and then with raw
// hypercalls that bypass the runtime's umask and checks. hvrun runs as root in
// CI, so a setuid file it made for the guest would be a setuid-root program
// on the host. Prints one line per attempt, "NAME: rc=R mode=OOOO" (the
// mode the guest sees afterwards, from stat) or "NAME: ERRNO"; the test
// (tests/hostile/host_files_attacks_test.cc) checks the host's files.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostile_guest.h"

static const char* dir;

static const char* P(const char* name) {
  static char buf[4][4096];
  static int i;
  char* b = buf[i++ & 3];
  snprintf(b, sizeof buf[0], "%s/%s", dir, name);
  return b;
}

// Prints what (what) got and the mode (name) has now, as the guest sees it.
static void Show(const char* what, long rc, const char* name) {
  if (rc < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  struct stat st;
  if (stat(P(name), &st) != 0) {
    printf("%s: rc=%ld stat %s\n", what, rc, strerrorname_np(errno));
    return;
  }
  printf("%s: rc=%ld mode=%04o\n", what, rc, (unsigned)(st.st_mode & 07777));
}

// The result of a raw hypercall, which returns -errno itself.
static void ShowRaw(const char* what, int64_t rc, const char* name) {
  if (rc < 0) {
    printf("%s: %s\n", what, strerrorname_np((int)-rc));
    return;
  }
  Show(what, rc, name);
}

static struct hv_mount_path At(const char* rel) {
  struct hv_mount_path at = {0, (uint32_t)strlen(rel), (uint64_t)(uintptr_t)rel};
  return at;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: hostfile_setuid DIR\n");
    return 2;
  }
  dir = argv[1];
  const struct hv_native* hv = hostile_native();
  umask(0);  // ask for exactly the bits below

  // Through the runtime: open, openat, creat, chmod, fchmod, fchmodat, mkdir.
  int fd = open(P("open_creat"), O_CREAT | O_WRONLY, 06755);
  Show("open O_CREAT 6755", fd, "open_creat");
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  int fd2 = openat(dfd, "openat_creat", O_CREAT | O_RDWR | O_EXCL, 04777);
  Show("openat O_CREAT|O_EXCL 4777", fd2, "openat_creat");
  int fd3 = creat(P("creat"), 02755);
  Show("creat 2755", fd3, "creat");
  Show("chmod 6755", chmod(P("creat"), 06755), "creat");
  Show("fchmod 6777", fchmod(fd, 06777), "open_creat");
  Show("fchmodat 4755", fchmodat(dfd, "openat_creat", 04755, 0), "openat_creat");
  Show("chmod sticky file 1755", chmod(P("creat"), 01755), "creat");
  Show("mkdir 2777", mkdir(P("sgid_dir"), 02777), "sgid_dir");
  Show("mkdir 7777", mkdir(P("all_dir"), 07777), "all_dir");
  Show("mkdir sticky 1777", mkdir(P("sticky_dir"), 01777), "sticky_dir");
  Show("chmod dir 6777", chmod(P("sticky_dir"), 06777), "sticky_dir");
  Show("chmod dir 1777", chmod(P("sticky_dir"), 01777), "sticky_dir");
  Show("fchmod dir 3777", fchmod(dfd, 03777), ".");

  // Raw hypercalls: no umask, no runtime checks in between.
  struct hv_file_open o = {At("raw_open"), O_CREAT | O_WRONLY, 07777, 0, 0};
  const int64_t h = hostile_hypercall(hv, HV_CALL_FILE_OPEN, (uint64_t)(uintptr_t)&o);
  ShowRaw("raw open O_CREAT 7777", h, "raw_open");
  struct hv_file_fdop f = {HV_FDOP_CHMOD, (uint32_t)h, 0, 0, 07777, 0};
  ShowRaw("raw fdop chmod 7777", hostile_hypercall(hv, HV_CALL_FILE_FDOP, (uint64_t)(uintptr_t)&f),
          "raw_open");
  struct hv_file_pathop p;
  memset(&p, 0, sizeof p);
  p.op = HV_PATHOP_CHMOD;
  p.at = At("raw_open");
  p.mode = 06777;
  ShowRaw("raw pathop chmod 6777",
          hostile_hypercall(hv, HV_CALL_FILE_PATHOP, (uint64_t)(uintptr_t)&p), "raw_open");
  p.op = HV_PATHOP_MKDIR;
  p.at = At("raw_dir");
  p.mode = 07777;
  ShowRaw("raw pathop mkdir 7777",
          hostile_hypercall(hv, HV_CALL_FILE_PATHOP, (uint64_t)(uintptr_t)&p), "raw_dir");
  // O_TMPFILE makes an unnamed file in a directory (refused by the runtime,
  // so only a raw hypercall can ask).
  struct hv_file_open t = {At(""), O_TMPFILE | O_RDWR, 07777, 0, 0};
  const int64_t th = hostile_hypercall(hv, HV_CALL_FILE_OPEN, (uint64_t)(uintptr_t)&t);
  if (th < 0) {
    printf("raw open O_TMPFILE 7777: %s\n", strerrorname_np((int)-th));
  } else {
    struct stat st;
    struct hv_file_stat s = {(uint32_t)th, 0, At(""), 0, 0, (uint64_t)(uintptr_t)&st};
    const int64_t r = hostile_hypercall(hv, HV_CALL_FILE_STAT, (uint64_t)(uintptr_t)&s);
    printf("raw open O_TMPFILE 7777: rc=%ld mode=%04o\n", (long)r, (unsigned)(st.st_mode & 07777));
  }
  printf("hostfile_setuid: done\n");
  return 0;
}
