/* TCP over loopback (IPv4, and an echo over IPv6 ::1): a forked client and a
 * server, accept4's peer address, getsockname/getpeername on both ends, echo
 * with send/recv, read/write, readv/writev and sendmsg/recvmsg, a 1 MiB
 * transfer with MSG_WAITALL, a blocking recv that waits for a delayed send,
 * half-close, socket options, non-blocking accept and connect, SIGPIPE and
 * EPIPE, and the calls' errors. Deterministic output, for the differential
 * suite: only booleans are printed, never ports or addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

#define BIG (1024 * 1024)

static volatile sig_atomic_t sigpipes = 0;
static void on_sigpipe(int sig) {
  (void)sig;
  sigpipes++;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in loopback4(uint16_t port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = port;
  return a;
}

static int getint(int fd, int level, int opt) {
  int v = -12345;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, opt, &v, &len) != 0 || len != sizeof v) return -12345;
  return v;
}

static void reap(pid_t pid) {
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 9)); }

/* The client, in the forked child: talks to the server at (srv). */
static void client(const struct sockaddr_in* srv) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(connect(c, (const struct sockaddr*)srv, sizeof *srv) == 0);
  struct sockaddr_in me, peer;
  socklen_t len = sizeof me;
  CHECK(getsockname(c, (struct sockaddr*)&me, &len) == 0 && len == sizeof me);
  CHECK(me.sin_family == AF_INET && me.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  len = sizeof peer;
  CHECK(getpeername(c, (struct sockaddr*)&peer, &len) == 0 && len == sizeof peer);
  CHECK(peer.sin_port == srv->sin_port && peer.sin_addr.s_addr == srv->sin_addr.s_addr);
  CHECK(send(c, &me.sin_port, 2, 0) == 2); /* the server compares it with accept's */

  char buf[64] = {0};
  CHECK(recv(c, buf, 4, MSG_WAITALL) == 4 && memcmp(buf, "ping", 4) == 0);
  CHECK(write(c, "pong", 4) == 4);
  CHECK(recv(c, buf, 6, MSG_WAITALL) == 6 && memcmp(buf, "abcdef", 6) == 0); /* writev */
  CHECK(send(c, "uvwxyz", 6, 0) == 6);                                       /* for readv */
  struct iovec iov[3] = {{"sen", 3}, {"dm", 2}, {"sg!", 3}};
  struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 3};
  CHECK(sendmsg(c, &mh, 0) == 8);
  unsigned char* big = malloc(BIG);
  for (size_t i = 0; i < BIG; i++) big[i] = pattern(i);
  size_t sent = 0;
  while (sent < BIG) {
    ssize_t n = send(c, big + sent, BIG - sent, 0);
    if (n <= 0) break;
    sent += (size_t)n;
  }
  CHECK(sent == BIG);
  free(big);
  /* The server sends "go" and then waits in recv: answer 50 ms later. */
  CHECK(recv(c, buf, 2, MSG_WAITALL) == 2 && memcmp(buf, "go", 2) == 0);
  usleep(50000);
  CHECK(send(c, "late", 4, 0) == 4);
  /* Half-close: the server sees EOF and can still send to us. */
  CHECK(shutdown(c, SHUT_WR) == 0);
  CHECK(recv(c, buf, 3, MSG_WAITALL) == 3 && memcmp(buf, "bye", 3) == 0);
  close(c);
}

static void errors(void) {
  CHECK(socket(AF_INET, 999, 0) == -1 && errno == EINVAL);
  CHECK(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
  struct sockaddr_in a = loopback4(0);
  CHECK(bind(1000, (struct sockaddr*)&a, sizeof a) == -1 && errno == EBADF);
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(bind(p[0], (struct sockaddr*)&a, sizeof a) == -1 && errno == ENOTSOCK);
  close(p[0]);
  close(p[1]);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(bind(s, (struct sockaddr*)&a, 3) == -1 && errno == EINVAL);
  CHECK(bind(s, (struct sockaddr*)(void*)1, sizeof a) == -1 && errno == EFAULT);
  CHECK(getsockname(s, (struct sockaddr*)&a, NULL) == -1 && errno == EFAULT);
  CHECK(accept(s, NULL, NULL) == -1 && errno == EINVAL); /* not listening */
  CHECK(getint(s, SOL_SOCKET, SO_ACCEPTCONN) == 0);
  close(s);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(listen(u, 1) == -1 && errno == EOPNOTSUPP);
  close(u);
  /* A port that was bound and then closed refuses connections. */
  s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in b = loopback4(0);
  socklen_t len = sizeof b;
  CHECK(bind(s, (struct sockaddr*)&b, sizeof b) == 0);
  CHECK(getsockname(s, (struct sockaddr*)&b, &len) == 0 && b.sin_port != 0);
  close(s);
  s = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(connect(s, (struct sockaddr*)&b, sizeof b) == -1 && errno == ECONNREFUSED);
  close(s);
  /* INADDR_ANY stays INADDR_ANY; the port is chosen. */
  s = socket(AF_INET, SOCK_STREAM, 0);
  b.sin_addr.s_addr = htonl(INADDR_ANY);
  b.sin_port = 0;
  len = sizeof b;
  CHECK(bind(s, (struct sockaddr*)&b, sizeof b) == 0);
  CHECK(getsockname(s, (struct sockaddr*)&b, &len) == 0 && len == sizeof b);
  CHECK(b.sin_family == AF_INET && b.sin_addr.s_addr == htonl(INADDR_ANY) && b.sin_port != 0);
  close(s);
}

/* A non-blocking listener and a non-blocking connect to it. */
static void nonblocking(void) {
  int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = loopback4(0);
  socklen_t len = sizeof a;
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0 && listen(l, 4) == 0);
  CHECK(getsockname(l, (struct sockaddr*)&a, &len) == 0);
  CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN);
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(c, (struct sockaddr*)&a, sizeof a);
  CHECK(r == 0 || (r == -1 && errno == EINPROGRESS));
  struct pollfd pf = {c, POLLOUT, 0};
  CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLOUT));
  CHECK(getint(c, SOL_SOCKET, SO_ERROR) == 0);
  pf = (struct pollfd){l, POLLIN, 0};
  CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLIN));
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  CHECK(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK));
  char buf[8];
  CHECK(recv(s, buf, sizeof buf, 0) == -1 && errno == EAGAIN);
  CHECK(send(c, "nb", 2, 0) == 2);
  pf = (struct pollfd){s, POLLIN, 0};
  CHECK(poll(&pf, 1, 2000) == 1 && recv(s, buf, sizeof buf, 0) == 2 && memcmp(buf, "nb", 2) == 0);
  close(s);
  close(c);
  close(l);
}

/* An echo over ::1 with a forked client. */
static void ipv6(void) {
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  CHECK(l >= 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  socklen_t len = sizeof a;
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0 && listen(l, 1) == 0);
  CHECK(getsockname(l, (struct sockaddr*)&a, &len) == 0 && len == sizeof a && a.sin6_port != 0);
  CHECK(getint(l, SOL_SOCKET, SO_DOMAIN) == AF_INET6);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    char buf[8] = {0};
    CHECK(connect(c, (struct sockaddr*)&a, sizeof a) == 0);
    CHECK(send(c, "six", 3, 0) == 3);
    CHECK(recv(c, buf, 3, MSG_WAITALL) == 3 && memcmp(buf, "SIX", 3) == 0);
    close(c);
    fflush(stdout);
    _exit(failures ? 1 : 0);
  }
  struct sockaddr_in6 peer;
  len = sizeof peer;
  int s = accept(l, (struct sockaddr*)&peer, &len);
  CHECK(s >= 0 && len == sizeof peer && peer.sin6_family == AF_INET6);
  CHECK(memcmp(&peer.sin6_addr, &in6addr_loopback, sizeof peer.sin6_addr) == 0);
  char buf[8] = {0};
  CHECK(recv(s, buf, 3, MSG_WAITALL) == 3 && memcmp(buf, "six", 3) == 0);
  CHECK(send(s, "SIX", 3, 0) == 3);
  reap(pid);
  close(s);
  close(l);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigpipe;
  sigaction(SIGPIPE, &sa, NULL);

  int l = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(l >= 0);
  int one = 1;
  CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
  CHECK(getint(l, SOL_SOCKET, SO_REUSEADDR) != 0);
  struct sockaddr_in srv = loopback4(0);
  socklen_t len = sizeof srv;
  CHECK(bind(l, (struct sockaddr*)&srv, sizeof srv) == 0);
  CHECK(listen(l, 8) == 0);
  CHECK(getsockname(l, (struct sockaddr*)&srv, &len) == 0 && len == sizeof srv);
  CHECK(srv.sin_family == AF_INET && srv.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  CHECK(srv.sin_port != 0);
  CHECK(getint(l, SOL_SOCKET, SO_ACCEPTCONN) == 1);
  /* The port is taken (a listener conflicts even with SO_REUSEADDR). */
  int d = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(bind(d, (struct sockaddr*)&srv, sizeof srv) == -1 && errno == EADDRINUSE);
  close(d);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(l);
    client(&srv);
    fflush(stdout);
    _exit(failures ? 1 : 0);
  }
  struct sockaddr_in peer, peer2;
  len = sizeof peer;
  int s = accept4(l, (struct sockaddr*)&peer, &len, SOCK_CLOEXEC);
  CHECK(s >= 0 && len == sizeof peer && (fcntl(s, F_GETFD) & FD_CLOEXEC));
  CHECK(peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  uint16_t port = 0;
  CHECK(recv(s, &port, 2, MSG_WAITALL) == 2 && port == peer.sin_port);
  len = sizeof peer2;
  CHECK(getpeername(s, (struct sockaddr*)&peer2, &len) == 0 && len == sizeof peer2);
  CHECK(peer2.sin_port == peer.sin_port && peer2.sin_addr.s_addr == peer.sin_addr.s_addr);
  len = sizeof peer2;
  CHECK(getsockname(s, (struct sockaddr*)&peer2, &len) == 0 && peer2.sin_port == srv.sin_port);
  CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
  CHECK(getint(s, IPPROTO_TCP, TCP_NODELAY) != 0);
  CHECK(getint(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM);
  CHECK(getint(s, SOL_SOCKET, SO_DOMAIN) == AF_INET);
  CHECK(getint(s, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP);
  CHECK(getint(s, SOL_SOCKET, SO_ERROR) == 0);
  CHECK(getint(s, SOL_SOCKET, SO_ACCEPTCONN) == 0);

  char buf[64] = {0};
  CHECK(send(s, "ping", 4, 0) == 4);
  CHECK(read(s, buf, 4) == 4 && memcmp(buf, "pong", 4) == 0);
  struct iovec wv[3] = {{"ab", 2}, {"cde", 3}, {"f", 1}};
  CHECK(writev(s, wv, 3) == 6);
  char r1[2], r2[4];
  struct iovec rv[2] = {{r1, 2}, {r2, 4}};
  ssize_t got = readv(s, rv, 2);
  CHECK(got == 6 && memcmp(r1, "uv", 2) == 0 && memcmp(r2, "wxyz", 4) == 0);
  char m1[3], m2[4], m3[1];
  struct iovec mv[3] = {{m1, 3}, {m2, 4}, {m3, 1}};
  struct msghdr mh = {.msg_iov = mv, .msg_iovlen = 3};
  CHECK(recvmsg(s, &mh, MSG_WAITALL) == 8 && mh.msg_flags == 0);
  CHECK(memcmp(m1, "sen", 3) == 0 && memcmp(m2, "dmsg", 4) == 0 && m3[0] == '!');
  unsigned char* big = malloc(BIG);
  memset(big, 0, BIG);
  CHECK(recv(s, big, BIG, MSG_WAITALL) == BIG);
  size_t bad = 0;
  for (size_t i = 0; i < BIG; i++) bad += big[i] != pattern(i);
  CHECK(bad == 0);
  free(big);
  /* A blocking recv waits for the client's send 50 ms later. */
  int64_t t0 = now_ms();
  CHECK(send(s, "go", 2, 0) == 2);
  CHECK(recv(s, buf, 4, MSG_WAITALL) == 4 && memcmp(buf, "late", 4) == 0);
  CHECK(now_ms() - t0 >= 40);
  CHECK(recv(s, buf, sizeof buf, 0) == 0); /* the client's SHUT_WR */
  CHECK(send(s, "bye", 3, 0) == 3);        /* our direction is still open */
  reap(pid);

  /* The peer is gone: once its reset is in, EPIPE, and SIGPIPE unless
   * MSG_NOSIGNAL. (The first sends may still succeed or see ECONNRESET.) */
  int epipe = 0;
  for (int i = 0; i < 200 && !epipe; i++) {
    if (send(s, "x", 1, MSG_NOSIGNAL) == -1) {
      if (errno == EPIPE)
        epipe = 1;
      else if (errno != ECONNRESET)
        break;
    } else {
      usleep(5000);
    }
  }
  CHECK(epipe && sigpipes == 0);
  CHECK(send(s, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE && sigpipes == 0);
  CHECK(send(s, "x", 1, 0) == -1 && errno == EPIPE && sigpipes == 1);
  CHECK(write(s, "x", 1) == -1 && errno == EPIPE && sigpipes == 2);
  close(s);
  close(l);

  nonblocking();
  errors();
  ipv6();
  printf(failures == 0 ? "sockets_tcp: all ok\n" : "sockets_tcp: FAILED\n");
  return failures == 0 ? 0 : 1;
}
