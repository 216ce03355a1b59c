/* SCM_RIGHTS between processes over AF_UNIX sockets: a pipe's read end, a
 * file and a socket pass from a forked child to its parent, which uses
 * each (they are the same open files: the offset moves for both); a
 * control buffer too small for the fds sets MSG_CTRUNC; MSG_CMSG_CLOEXEC
 * marks the new fds; a bad fd in the message is EBADF. Deterministic
 * output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static int send_fds(int sock, const int* fds, int n) {
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int) * 8)];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * n);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  return (int)sendmsg(sock, &m, 0);
}

/* Receives up to (room) fds into (fds); returns how many, -1 on error;
 * (*flags) gets msg_flags. */
static int recv_fds(int sock, int* fds, int room, int extra_flags, int* flags) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int) * 8)];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = CMSG_SPACE(sizeof(int) * room);
  if (recvmsg(sock, &m, extra_flags) != 1) return -1;
  *flags = m.msg_flags;
  int n = 0;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      memcpy(fds + n, CMSG_DATA(c), sizeof(int) * k);
      n += k;
    }
  }
  return n;
}

int main(void) {
  char dir[] = "/tmp/hvscmXXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[64];
  snprintf(path, sizeof path, "%s/f", dir);
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    int p[2];
    if (pipe(p) != 0 || write(p[1], "through a pipe", 14) != 14) _exit(2);
    close(p[1]);
    int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (f < 0 || write(f, "0123456789", 10) != 10 || lseek(f, 2, SEEK_SET) != 2) _exit(3);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) != 0) _exit(4);
    int fds[3] = {p[0], f, pair[0]};
    if (send_fds(sv[1], fds, 3) != 1) _exit(5);
    close(p[0]);
    close(pair[0]);
    /* The file is shared: the parent read 3 bytes from offset 2. */
    char c;
    if (read(sv[1], &c, 1) != 1 || lseek(f, 0, SEEK_CUR) != 5) _exit(6);
    if (send(pair[1], "dgram", 5, 0) != 5) _exit(7);
    /* Too many for the receiver's buffer: MSG_CTRUNC there. */
    int many[4] = {f, f, f, f};
    if (send_fds(sv[1], many, 4) != 1) _exit(8);
    /* A bad fd in the message. */
    int bad = 999;
    if (send_fds(sv[1], &bad, 1) != -1 || errno != EBADF) _exit(9);
    close(f);
    _exit(0);
  }
  close(sv[1]);
  int got[8];
  int flags = -1;
  CHECK(recv_fds(sv[0], got, 3, MSG_CMSG_CLOEXEC, &flags) == 3 && flags == MSG_CMSG_CLOEXEC);
  CHECK((fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0);
  char buf[32] = {0};
  CHECK(read(got[0], buf, sizeof buf) == 14 && memcmp(buf, "through a pipe", 14) == 0);
  CHECK(read(got[0], buf, sizeof buf) == 0); /* the writer is gone */
  memset(buf, 0, sizeof buf);
  CHECK(read(got[1], buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
  CHECK(write(sv[0], "k", 1) == 1);
  memset(buf, 0, sizeof buf);
  CHECK(recv(got[2], buf, sizeof buf, 0) == 5 && memcmp(buf, "dgram", 5) == 0);
  int sock_type = 0;
  socklen_t len = sizeof sock_type;
  CHECK(getsockopt(got[2], SOL_SOCKET, SO_TYPE, &sock_type, &len) == 0 && sock_type == SOCK_DGRAM);
  int more[8];
  CHECK(recv_fds(sv[0], more, 2, 0, &flags) == 2 && (flags & MSG_CTRUNC) != 0);
  CHECK((fcntl(more[0], F_GETFD) & FD_CLOEXEC) == 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  unlink(path);
  rmdir(dir);
  printf("scm_rights: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
