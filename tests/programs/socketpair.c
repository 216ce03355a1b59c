/* AF_UNIX socket pairs: a stream pair between a parent and a forked child
 * (both directions, EOF after the peer closes), datagram boundaries, a
 * non-blocking recv, shutdown, EPIPE without SIGPIPE under MSG_NOSIGNAL,
 * recvfrom's unnamed peer, fstat's S_IFSOCK, lseek's ESPIPE and the calls'
 * errors. Deterministic output, for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

int main(void) {
  int sv[2];
  CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP);
  CHECK(socketpair(AF_UNIX, 77, 0, sv) == -1);
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL) == -1 && errno == EFAULT);

  /* Stream between processes. */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  struct stat st;
  CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode));
  CHECK(lseek(sv[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    char buf[32] = {0};
    if (read(sv[1], buf, 4) != 4 || strcmp(buf, "ping") != 0) _exit(2);
    if (send(sv[1], "pong", 4, 0) != 4) _exit(3);
    _exit(0);
  }
  close(sv[1]);
  CHECK(write(sv[0], "ping", 4) == 4);
  char buf[64] = {0};
  CHECK(recv(sv[0], buf, sizeof buf, MSG_WAITALL) == 4 && memcmp(buf, "pong", 4) == 0);
  CHECK(recv(sv[0], buf, sizeof buf, 0) == 0); /* the child closed its end */
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* The peer is gone: EPIPE, and no SIGPIPE with MSG_NOSIGNAL. */
  CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
  close(sv[0]);

  /* Datagrams keep their boundaries; a non-blocking recv of none. */
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "three", 5, 0) == 5);
  struct sockaddr_un from;
  socklen_t fromlen = sizeof from;
  memset(buf, 0, sizeof buf);
  CHECK(recvfrom(sv[1], buf, sizeof buf, 0, (struct sockaddr*)&from, &fromlen) == 3);
  CHECK(fromlen == 0); /* the peer is unnamed */
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 5 && memcmp(buf, "three", 5) == 0);
  CHECK(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  close(sv[0]);
  close(sv[1]);

  /* shutdown: the reader sees the end, the writer may not write. */
  CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) == 0);
  CHECK(shutdown(sv[0], SHUT_WR) == 0);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 0);
  signal(SIGPIPE, SIG_IGN);
  CHECK(write(sv[0], "x", 1) == -1 && errno == EPIPE);
  CHECK(shutdown(sv[0], 9) == -1 && errno == EINVAL);
  CHECK(shutdown(0 + 1000, SHUT_RD) == -1 && errno == EBADF);
  close(sv[0]);
  close(sv[1]);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(send(p[1], "x", 1, 0) == -1 && errno == ENOTSOCK);
  printf(failures == 0 ? "socketpair: all ok\n" : "socketpair: FAILED\n");
  return failures == 0 ? 0 : 1;
}
