/* UDP over IPv4 loopback: sendto/recvfrom with the sender's address, message
 * boundaries (and an empty datagram), MSG_PEEK, truncation (MSG_TRUNC as a
 * recv flag and in recvmsg's msg_flags), connected sockets (send/recv without
 * addresses, datagrams from others dropped), non-blocking recv, SO_RCVTIMEO,
 * a datagram exchange with a forked child, the host's control messages
 * (IP_PKTINFO, IP_RECVTTL, SO_TIMESTAMP, MSG_CTRUNC) and SO_ATTACH_FILTER /
 * SO_DETACH_FILTER. Deterministic output, for the
 * differential suite: only booleans are printed, never ports. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fail_count.h"

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A UDP socket bound to 127.0.0.1:0; its address in (*a). */
static int bound_udp(int flags, struct sockaddr_in* a) {
  int s = socket(AF_INET, SOCK_DGRAM | flags, 0);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof *a;
  CHECK(s >= 0 && bind(s, (struct sockaddr*)a, sizeof *a) == 0);
  CHECK(getsockname(s, (struct sockaddr*)a, &len) == 0 && len == sizeof *a && a->sin_port != 0);
  return s;
}

static int same(const struct sockaddr_in* x, const struct sockaddr_in* y) {
  return x->sin_family == y->sin_family && x->sin_port == y->sin_port &&
         x->sin_addr.s_addr == y->sin_addr.s_addr;
}

/* Control messages the host gives (IP_PKTINFO, IP_RECVTTL, SO_TIMESTAMP)
 * and a classic BPF filter that drops everything, then none. */
static void control_and_filter(void) {
  struct sockaddr_in a, b;
  int r = bound_udp(0, &a), w = bound_udp(0, &b);
  int one = 1;
  CHECK(setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0);
  CHECK(setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) == 0);
  CHECK(setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one) == 0);
  CHECK(sendto(w, "pk", 2, 0, (struct sockaddr*)&a, sizeof a) == 2);
  char data[8];
  struct iovec iov = {data, sizeof data};
  union {
    char buf[256];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  CHECK(recvmsg(r, &m, 0) == 2 && m.msg_flags == 0);
  int pktinfo = 0, ttl = 0, stamp = 0;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof pi);
      pktinfo = pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP) {
      struct timeval tv;
      memcpy(&tv, CMSG_DATA(c), sizeof tv);
      stamp = tv.tv_sec > 0;
    }
  }
  CHECK(pktinfo && ttl > 0 && stamp);
  /* Too small a buffer: MSG_CTRUNC, as the host says. */
  CHECK(sendto(w, "pk", 2, 0, (struct sockaddr*)&a, sizeof a) == 2);
  m.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
  CHECK(recvmsg(r, &m, 0) == 2 && (m.msg_flags & MSG_CTRUNC) != 0);

  struct sock_filter drop[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  struct sock_fprog prog = {1, drop};
  CHECK(setsockopt(r, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0);
  CHECK(sendto(w, "f1", 2, 0, (struct sockaddr*)&a, sizeof a) == 2);
  errno = 0;
  CHECK(recv(r, data, sizeof data, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  CHECK(setsockopt(r, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof one) == 0);
  CHECK(sendto(w, "f2", 2, 0, (struct sockaddr*)&a, sizeof a) == 2);
  CHECK(recv(r, data, sizeof data, 0) == 2 && memcmp(data, "f2", 2) == 0);
  struct sock_fprog bad = {1, (struct sock_filter*)8};
  errno = 0;
  CHECK(setsockopt(r, SOL_SOCKET, SO_ATTACH_FILTER, &bad, sizeof bad) == -1 && errno == EFAULT);
  close(r);
  close(w);
}

int main(void) {
  struct sockaddr_in aa, ba, from;
  int a = bound_udp(0, &aa);
  int b = bound_udp(0, &ba);
  int v = 0;
  socklen_t len = sizeof v;
  CHECK(getsockopt(a, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM);
  len = sizeof v;
  CHECK(getsockopt(a, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == IPPROTO_UDP);

  /* sendto/recvfrom: the sender's address comes back. */
  char buf[2048];
  CHECK(sendto(a, "hello", 5, 0, (struct sockaddr*)&ba, sizeof ba) == 5);
  len = sizeof from;
  memset(&from, 0, sizeof from);
  CHECK(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr*)&from, &len) == 5);
  CHECK(memcmp(buf, "hello", 5) == 0 && len == sizeof from && same(&from, &aa));

  /* Boundaries: 1, 100, 1000 bytes and an empty datagram arrive as sent. */
  static char msg[1000];
  for (int i = 0; i < 1000; i++) msg[i] = (char)('a' + i % 26);
  const int sizes[4] = {1, 100, 1000, 0};
  for (int i = 0; i < 4; i++) {
    CHECK(sendto(a, msg, sizes[i], 0, (struct sockaddr*)&ba, sizeof ba) == sizes[i]);
  }
  for (int i = 0; i < 4; i++) {
    memset(buf, 0, sizeof buf);
    CHECK(recv(b, buf, sizeof buf, 0) == sizes[i] && memcmp(buf, msg, sizes[i]) == 0);
  }

  /* MSG_PEEK leaves the datagram for the next recv. */
  CHECK(sendto(a, "peekme", 6, 0, (struct sockaddr*)&ba, sizeof ba) == 6);
  memset(buf, 0, sizeof buf);
  len = sizeof from;
  CHECK(recvfrom(b, buf, sizeof buf, MSG_PEEK, (struct sockaddr*)&from, &len) == 6);
  CHECK(memcmp(buf, "peekme", 6) == 0 && same(&from, &aa));
  memset(buf, 0, sizeof buf);
  CHECK(recv(b, buf, sizeof buf, 0) == 6 && memcmp(buf, "peekme", 6) == 0);
  CHECK(recv(b, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);

  /* Truncation: the rest of the datagram is dropped; MSG_TRUNC as a flag
   * returns the whole length. */
  CHECK(sendto(a, msg, 100, 0, (struct sockaddr*)&ba, sizeof ba) == 100);
  memset(buf, 0, sizeof buf);
  CHECK(recv(b, buf, 10, 0) == 10 && memcmp(buf, msg, 10) == 0 && buf[10] == 0);
  CHECK(recv(b, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  CHECK(sendto(a, msg, 100, 0, (struct sockaddr*)&ba, sizeof ba) == 100);
  memset(buf, 0, sizeof buf);
  CHECK(recv(b, buf, 10, MSG_TRUNC) == 100 && memcmp(buf, msg, 10) == 0 && buf[10] == 0);

  /* recvmsg: msg_name is the sender, msg_flags says MSG_TRUNC on truncation. */
  CHECK(sendto(a, msg, 50, 0, (struct sockaddr*)&ba, sizeof ba) == 50);
  CHECK(sendto(a, msg, 20, 0, (struct sockaddr*)&ba, sizeof ba) == 20);
  char part[20];
  struct iovec iov = {part, sizeof part};
  struct msghdr mh = {
      .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
  memset(&from, 0, sizeof from);
  CHECK(recvmsg(b, &mh, 0) == 20 && (mh.msg_flags & MSG_TRUNC) && memcmp(part, msg, 20) == 0);
  CHECK(mh.msg_namelen == sizeof from && same(&from, &aa));
  mh.msg_namelen = sizeof from;
  mh.msg_flags = -1;
  CHECK(recvmsg(b, &mh, 0) == 20 && mh.msg_flags == 0);
  /* sendmsg with msg_name and two iovecs: one datagram. */
  struct iovec sv[2] = {{"two", 3}, {"parts", 5}};
  struct msghdr smh = {.msg_name = &ba, .msg_namelen = sizeof ba, .msg_iov = sv, .msg_iovlen = 2};
  CHECK(sendmsg(a, &smh, 0) == 8);
  memset(buf, 0, sizeof buf);
  CHECK(recv(b, buf, sizeof buf, 0) == 8 && memcmp(buf, "twoparts", 8) == 0);

  /* Connected sockets: no addresses needed; others' datagrams are dropped. */
  CHECK(connect(a, (struct sockaddr*)&ba, sizeof ba) == 0);
  CHECK(connect(b, (struct sockaddr*)&aa, sizeof aa) == 0);
  len = sizeof from;
  CHECK(getpeername(a, (struct sockaddr*)&from, &len) == 0 && same(&from, &ba));
  CHECK(send(a, "c1", 2, 0) == 2);
  memset(buf, 0, sizeof buf);
  CHECK(recv(b, buf, sizeof buf, 0) == 2 && memcmp(buf, "c1", 2) == 0);
  struct sockaddr_in ca;
  int c = bound_udp(0, &ca);
  CHECK(sendto(c, "other", 5, 0, (struct sockaddr*)&aa, sizeof aa) == 5);
  CHECK(write(b, "c2", 2) == 2);
  memset(buf, 0, sizeof buf);
  CHECK(read(a, buf, sizeof buf) == 2 && memcmp(buf, "c2", 2) == 0);
  CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  close(c);

  /* Non-blocking recv on an empty socket. */
  struct sockaddr_in na;
  int n = bound_udp(SOCK_NONBLOCK, &na);
  CHECK(recv(n, buf, sizeof buf, 0) == -1 && errno == EAGAIN);
  CHECK(recvfrom(n, buf, sizeof buf, 0, NULL, NULL) == -1 && errno == EAGAIN);
  close(n);

  /* SO_RCVTIMEO: a blocking recv gives up after the timeout. */
  struct timeval tv = {0, 50000}, got = {0, 0};
  CHECK(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  len = sizeof got;
  CHECK(getsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && len == sizeof got);
  CHECK(got.tv_sec == 0 && got.tv_usec >= 40000 && got.tv_usec <= 100000);
  int64_t t0 = now_ms();
  CHECK(recv(b, buf, sizeof buf, 0) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK));
  CHECK(now_ms() - t0 >= 40);
  close(a);
  close(b);

  /* Between processes: the child sends its port as the payload and waits for
   * the parent's answer. */
  struct sockaddr_in pa;
  int p = bound_udp(0, &pa);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct sockaddr_in me;
    int s = bound_udp(0, &me);
    CHECK(sendto(s, &me.sin_port, 2, 0, (struct sockaddr*)&pa, sizeof pa) == 2);
    char r[16] = {0};
    len = sizeof from;
    CHECK(recvfrom(s, r, sizeof r, 0, (struct sockaddr*)&from, &len) == 6);
    CHECK(memcmp(r, "answer", 6) == 0 && same(&from, &pa));
    fflush(stdout);
    _exit(failures ? 1 : 0);
  }
  uint16_t port = 0;
  len = sizeof from;
  CHECK(recvfrom(p, &port, sizeof port, 0, (struct sockaddr*)&from, &len) == 2);
  CHECK(len == sizeof from && from.sin_port == port);
  CHECK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  CHECK(sendto(p, "answer", 6, 0, (struct sockaddr*)&from, len) == 6);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(p);

  control_and_filter();
  printf(failures == 0 ? "sockets_udp: all ok\n" : "sockets_udp: FAILED\n");
  return failures == 0 ? 0 : 1;
}
