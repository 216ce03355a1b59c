/* AF_UNIX sockets with names (socketpair.c covers the unnamed pairs): stream
 * sockets bound to a path in a fresh directory under /tmp (bind, stat's
 * S_ISSOCK, getsockname, listen, a forked client, accept, echo), bind and
 * connect errors (EADDRINUSE, ENOENT, ECONNREFUSED), datagrams between bound
 * paths, SOCK_SEQPACKET boundaries and an abstract name. Deterministic output,
 * for the differential suite: paths and names are compared, never printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail_count.h"

static char dir[64];

/* The address of (name) in the directory; its length in (*len). */
static struct sockaddr_un path_addr(const char* name, socklen_t* len) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s/%s", dir, name);
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
  return a;
}

static void reap(pid_t pid) {
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A listener of (type) at (a); a forked child connects, sends "hi" and then
 * "there" (as two messages) and expects "ho" back; returns the accepted
 * socket with the child reaped by the caller through (*pid). */
static int serve(int type, const struct sockaddr_un* a, socklen_t alen, int* l, pid_t* pid) {
  *l = socket(AF_UNIX, type, 0);
  CHECK(*l >= 0 && bind(*l, (const struct sockaddr*)a, alen) == 0 && listen(*l, 4) == 0);
  fflush(stdout);
  *pid = fork();
  if (*pid == 0) {
    int c = socket(AF_UNIX, type, 0);
    CHECK(connect(c, (const struct sockaddr*)a, alen) == 0);
    struct sockaddr_un peer;
    socklen_t len = sizeof peer;
    memset(&peer, 0, sizeof peer);
    CHECK(getpeername(c, (struct sockaddr*)&peer, &len) == 0);
    CHECK(len == alen && memcmp(&peer, a, alen) == 0);
    CHECK(send(c, "hi", 2, 0) == 2);
    char buf[8] = {0};
    CHECK(recv(c, buf, 2, MSG_WAITALL) == 2 && memcmp(buf, "ho", 2) == 0);
    CHECK(send(c, "there", 5, 0) == 5);
    close(c);
    fflush(stdout);
    _exit(failures ? 1 : 0);
  }
  struct sockaddr_un peer;
  socklen_t len = sizeof peer;
  int s = accept(*l, (struct sockaddr*)&peer, &len);
  CHECK(s >= 0 && len == sizeof(sa_family_t) && peer.sun_family == AF_UNIX); /* unnamed */
  return s;
}

static void stream_path(void) {
  socklen_t alen;
  struct sockaddr_un a = path_addr("stream", &alen);
  int l;
  pid_t pid;
  int s = serve(SOCK_STREAM, &a, alen, &l, &pid);
  struct stat st;
  CHECK(stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
  struct sockaddr_un got;
  socklen_t len = sizeof got;
  memset(&got, 0, sizeof got);
  CHECK(getsockname(l, (struct sockaddr*)&got, &len) == 0 && len == alen);
  CHECK(got.sun_family == AF_UNIX && strcmp(got.sun_path, a.sun_path) == 0);
  char buf[16] = {0};
  CHECK(recv(s, buf, 2, MSG_WAITALL) == 2 && memcmp(buf, "hi", 2) == 0);
  CHECK(write(s, "ho", 2) == 2);
  CHECK(recv(s, buf, 5, MSG_WAITALL) == 5 && memcmp(buf, "there", 5) == 0);
  CHECK(recv(s, buf, sizeof buf, 0) == 0);
  reap(pid);
  close(s);

  /* The path is taken, even while nothing listens; errors of connect. */
  int d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(bind(d, (struct sockaddr*)&a, alen) == -1 && errno == EADDRINUSE);
  close(l);
  CHECK(bind(d, (struct sockaddr*)&a, alen) == -1 && errno == EADDRINUSE);
  close(d);
  d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(d, (struct sockaddr*)&a, alen) == -1 && errno == ECONNREFUSED); /* stale */
  close(d);
  CHECK(unlink(a.sun_path) == 0);
  d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(d, (struct sockaddr*)&a, alen) == -1 && errno == ENOENT);
  struct sockaddr_un f = path_addr("file", &alen);
  int fd = open(f.sun_path, O_CREAT | O_WRONLY, 0600);
  CHECK(fd >= 0);
  close(fd);
  CHECK(connect(d, (struct sockaddr*)&f, alen) == -1 && errno == ECONNREFUSED);
  CHECK(bind(d, (struct sockaddr*)&f, alen) == -1 && errno == EADDRINUSE);
  close(d);
  CHECK(unlink(f.sun_path) == 0);
}

static void dgram_path(void) {
  socklen_t l1, l2;
  struct sockaddr_un a1 = path_addr("d1", &l1), a2 = path_addr("d2", &l2);
  int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(bind(s1, (struct sockaddr*)&a1, l1) == 0 && bind(s2, (struct sockaddr*)&a2, l2) == 0);
  CHECK(sendto(s1, "one", 3, 0, (struct sockaddr*)&a2, l2) == 3);
  CHECK(sendto(s1, "three", 5, 0, (struct sockaddr*)&a2, l2) == 5);
  char buf[16] = {0};
  struct sockaddr_un from;
  socklen_t len = sizeof from;
  memset(&from, 0, sizeof from);
  CHECK(recvfrom(s2, buf, sizeof buf, 0, (struct sockaddr*)&from, &len) == 3);
  CHECK(memcmp(buf, "one", 3) == 0 && len == l1 && strcmp(from.sun_path, a1.sun_path) == 0);
  CHECK(recv(s2, buf, sizeof buf, 0) == 5 && memcmp(buf, "three", 5) == 0);
  /* The answer goes back to the address that came in. */
  CHECK(sendto(s2, "back", 4, 0, (struct sockaddr*)&from, len) == 4);
  CHECK(recv(s1, buf, sizeof buf, 0) == 4 && memcmp(buf, "back", 4) == 0);
  CHECK(recv(s1, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  /* No one at the path any more. */
  close(s2);
  CHECK(sendto(s1, "x", 1, 0, (struct sockaddr*)&a2, l2) == -1 && errno == ECONNREFUSED);
  close(s1);
  CHECK(unlink(a1.sun_path) == 0 && unlink(a2.sun_path) == 0);
}

static void seqpacket_path(void) {
  socklen_t alen;
  struct sockaddr_un a = path_addr("seq", &alen);
  int l;
  pid_t pid;
  int s = serve(SOCK_SEQPACKET, &a, alen, &l, &pid);
  char buf[16] = {0};
  CHECK(recv(s, buf, sizeof buf, 0) == 2 && memcmp(buf, "hi", 2) == 0);
  CHECK(send(s, "ho", 2, 0) == 2);
  /* "there" arrives as one record; a short buffer truncates it. */
  char part[3];
  struct iovec iov = {part, sizeof part};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  CHECK(recvmsg(s, &mh, 0) == 3 && (mh.msg_flags & MSG_TRUNC) && memcmp(part, "the", 3) == 0);
  CHECK(recv(s, buf, sizeof buf, 0) == 0);
  reap(pid);
  close(s);
  close(l);
  CHECK(unlink(a.sun_path) == 0);
}

static void abstract_name(void) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "hvsock-test-%d", (int)getpid());
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
  int l;
  pid_t pid;
  int s = serve(SOCK_STREAM, &a, alen, &l, &pid);
  struct sockaddr_un got;
  socklen_t len = sizeof got;
  memset(&got, 0xff, sizeof got);
  CHECK(getsockname(l, (struct sockaddr*)&got, &len) == 0 && len == alen);
  CHECK(memcmp(&got, &a, alen) == 0 && got.sun_path[0] == 0);
  char buf[16] = {0};
  CHECK(recv(s, buf, 2, MSG_WAITALL) == 2 && memcmp(buf, "hi", 2) == 0);
  CHECK(send(s, "ho", 2, 0) == 2);
  CHECK(recv(s, buf, 5, MSG_WAITALL) == 5 && memcmp(buf, "there", 5) == 0);
  reap(pid);
  close(s);
  int d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(bind(d, (struct sockaddr*)&a, alen) == -1 && errno == EADDRINUSE);
  close(d);
  close(l);
  /* The name goes with the socket. */
  d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(d, (struct sockaddr*)&a, alen) == -1 && errno == ECONNREFUSED);
  CHECK(bind(d, (struct sockaddr*)&a, alen) == 0);
  close(d);
}

int main(void) {
  strcpy(dir, "/tmp/hvsockXXXXXX");
  if (mkdtemp(dir) == NULL) {
    printf("sockets_unix: FAILED (mkdtemp)\n");
    return 1;
  }
  stream_path();
  dgram_path();
  seqpacket_path();
  abstract_name();
  CHECK(rmdir(dir) == 0);
  printf(failures == 0 ? "sockets_unix: all ok\n" : "sockets_unix: FAILED\n");
  return failures == 0 ? 0 : 1;
}
