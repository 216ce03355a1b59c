/* An AF_UNIX client of a server outside the container, for the network e2e
 * test (tests/e2e/network_test.cc): connects to the path argv[1], prints
 * what SO_PEERCRED says of the server, then, with SO_PASSCRED, reads one
 * message and prints the credentials it came with: a host process is not
 * one of the guest's, so its pid reads as 0, its ids as the host's. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2 || strlen(argv[1]) >= sizeof(((struct sockaddr_un*)0)->sun_path)) {
    fprintf(stderr, "usage: unix_host_peer PATH\n");
    return 2;
  }
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, argv[1]);
  if (s < 0 || connect(s, (struct sockaddr*)&a, sizeof a) != 0) {
    perror("unix_host_peer: connect");
    return 1;
  }
  struct ucred c;
  socklen_t len = sizeof c;
  if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len) != 0) {
    perror("unix_host_peer: SO_PEERCRED");
    return 1;
  }
  printf("peer pid=%d uid=%u gid=%u\n", c.pid, c.uid, c.gid);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  if (write(s, "ready", 5) != 5) return 1;
  char data[16];
  struct iovec iov = {data, sizeof data};
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  ssize_t n = recvmsg(s, &m, 0);
  struct cmsghdr* h = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
  if (h == NULL || h->cmsg_type != SCM_CREDENTIALS) {
    printf("message without credentials\n");
    return 1;
  }
  memcpy(&c, CMSG_DATA(h), sizeof c);
  printf("message %.*s pid=%d uid=%u gid=%u\n", (int)n, data, c.pid, c.uid, c.gid);
  return 0;
}
