/* AF_UNIX credentials between processes: SO_PEERCRED of a socket pair, of
 * a listener, of a client (the listener's) and of an accepted connection
 * (the client's, kept after the client is gone); SCM_CREDENTIALS with
 * SO_PASSCRED (the sender's pid, not the receiver's), stated explicitly,
 * refused for a pid that is not the sender's without CAP_SYS_ADMIN, but as
 * root it is allowed, so only the nonexistent pid's ESRCH is checked), cut
 * by a short control buffer (MSG_CTRUNC), next to SCM_RIGHTS; and the
 * socket ioctls TIOCOUTQ, FIONREAD, FIONBIO, SIOCGIFINDEX; another level's
 * option on AF_UNIX is EOPNOTSUPP; opening a socket's /proc/self/fd link is
 * ENXIO. Pids are compared, never printed:
 * deterministic output for the differential suite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fail_count.h"

static struct ucred peer_cred(int fd) {
  struct ucred c = {-2, 0, 0};
  socklen_t len = sizeof c;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) != 0 || len != sizeof c) c.pid = -3;
  return c;
}

static int is_self(struct ucred c) {
  return c.pid == getpid() && c.uid == geteuid() && c.gid == getegid();
}

static void pass_cred(int fd) {
  int one = 1;
  CHECK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0);
}

/* Sends (byte); with (cred) non-null, as an explicit SCM_CREDENTIALS. */
static ssize_t send_byte(int fd, char byte, const struct ucred* cred) {
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  if (cred != NULL) {
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof *cred);
    memcpy(CMSG_DATA(c), cred, sizeof *cred);
  }
  return sendmsg(fd, &m, 0);
}

/* Receives one byte with a control buffer of (room) bytes; the credentials
 * that came (pid -1: none) and msg_flags. */
static struct ucred recv_cred(int fd, size_t room, int* flags, size_t* controllen) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    char buf[256];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = room > 0 ? u.buf : NULL;
  m.msg_controllen = room;
  struct ucred got = {-1, 0, 0};
  if (recvmsg(fd, &m, 0) != 1) {
    got.pid = -4;
    return got;
  }
  *flags = m.msg_flags;
  if (controllen != NULL) *controllen = m.msg_controllen;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
        c->cmsg_len == CMSG_LEN(sizeof got)) {
      memcpy(&got, CMSG_DATA(c), sizeof got);
    }
  }
  return got;
}

static void socket_pair_creds(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(is_self(peer_cred(sv[0])));
  CHECK(is_self(peer_cred(sv[1])));

  /* SO_PASSCRED on the receiver: the sender's pid, here a child's. */
  pass_cred(sv[1]);
  pid_t child = fork();
  if (child == 0) _exit(send_byte(sv[0], 'c', NULL) == 1 ? 0 : 1);
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  int flags = -1;
  size_t len = 0;
  struct ucred c = recv_cred(sv[1], CMSG_SPACE(sizeof c), &flags, &len);
  CHECK(c.pid == child && c.uid == getuid() && c.gid == getgid());
  CHECK(flags == 0 && len == CMSG_SPACE(sizeof c));

  /* Our own, stated. */
  struct ucred mine = {getpid(), getuid(), getgid()};
  CHECK(send_byte(sv[0], 's', &mine) == 1);
  c = recv_cred(sv[1], CMSG_SPACE(sizeof c), &flags, NULL);
  CHECK(c.pid == getpid() && flags == 0);

  /* A pid that names nobody. */
  struct ucred nobody = {0x3fffffff, getuid(), getgid()};
  errno = 0;
  CHECK(send_byte(sv[0], 'n', &nobody) == -1 && errno == ESRCH);

  /* Too little room: the header and part of the ucred, MSG_CTRUNC. */
  CHECK(send_byte(sv[0], 't', NULL) == 1);
  c = recv_cred(sv[1], sizeof(struct cmsghdr) + sizeof(int), &flags, &len);
  CHECK((flags & MSG_CTRUNC) != 0 && len == sizeof(struct cmsghdr) + sizeof(int));
  /* No control buffer at all: MSG_CTRUNC still, with SO_PASSCRED on. */
  CHECK(send_byte(sv[0], 'u', NULL) == 1);
  c = recv_cred(sv[1], 0, &flags, NULL);
  CHECK(c.pid == -1 && (flags & MSG_CTRUNC) != 0);

  /* Without SO_PASSCRED nothing comes unless stated. */
  CHECK(send_byte(sv[1], 'v', NULL) == 1);
  c = recv_cred(sv[0], CMSG_SPACE(sizeof c), &flags, &len);
  CHECK(c.pid == -1 && flags == 0 && len == 0);
  close(sv[0]);
  close(sv[1]);
}

static void creds_and_fds(void) {
  int sv[2], p[2];
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(pipe(p) == 0);
  pass_cred(sv[1]);
  char byte = 'f';
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } out;
  memset(&out, 0, sizeof out);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = out.buf;
  m.msg_controllen = sizeof out.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &p[1], sizeof(int));
  CHECK(sendmsg(sv[0], &m, 0) == 1);

  union {
    char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } in;
  memset(&in, 0, sizeof in);
  struct msghdr r = {0};
  r.msg_iov = &iov;
  r.msg_iovlen = 1;
  r.msg_control = in.buf;
  r.msg_controllen = sizeof in.buf;
  CHECK(recvmsg(sv[1], &r, 0) == 1 && r.msg_flags == 0);
  int types[2] = {0, 0}, n = 0, passed = -1;
  for (c = CMSG_FIRSTHDR(&r); c != NULL && n < 2; c = CMSG_NXTHDR(&r, c)) {
    types[n++] = c->cmsg_type;
    if (c->cmsg_type == SCM_RIGHTS) memcpy(&passed, CMSG_DATA(c), sizeof passed);
  }
  /* Linux's order: credentials first. */
  CHECK(n == 2 && types[0] == SCM_CREDENTIALS && types[1] == SCM_RIGHTS);
  CHECK(passed >= 0 && write(passed, "z", 1) == 1);
  char z = 0;
  CHECK(read(p[0], &z, 1) == 1 && z == 'z');
  close(passed);

  /* Room for the credentials only: the fd is dropped, MSG_CTRUNC. */
  CHECK(sendmsg(sv[0], &m, 0) == 1);
  r.msg_controllen = CMSG_SPACE(sizeof(struct ucred));
  CHECK(recvmsg(sv[1], &r, 0) == 1 && (r.msg_flags & MSG_CTRUNC) != 0);
  CHECK(r.msg_controllen == CMSG_SPACE(sizeof(struct ucred)));
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
}

static void listener_creds(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/unix_creds.%d", (int)getpid());
  unlink(path);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(l >= 0);
  struct ucred c = peer_cred(l);
  CHECK(c.pid == 0 && c.uid == (uid_t)-1 && c.gid == (gid_t)-1); /* nobody yet */
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0 && listen(l, 4) == 0);
  CHECK(is_self(peer_cred(l)));

  /* The client sees the listener's; it is gone before the accept. */
  int ready[2];
  CHECK(pipe(ready) == 0);
  const pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int ok = s >= 0 && connect(s, (struct sockaddr*)&a, sizeof a) == 0;
    struct ucred pc = peer_cred(s);
    ok = ok && pc.pid == parent && pc.uid == geteuid();
    ok = ok && write(ready[1], "r", 1) == 1;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  int conn = accept(l, NULL, NULL);
  CHECK(conn >= 0);
  c = peer_cred(conn);
  CHECK(c.pid == child && c.uid == geteuid() && c.gid == getegid());
  CHECK(is_self(peer_cred(l))); /* the listener's stay its own */
  close(conn);
  close(ready[0]);
  close(ready[1]);
  close(l);
  unlink(path);
}

static void socket_ioctls(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[0], "hello", 5) == 5);
  int n = -1;
  /* The host's count: buffer memory, at least the bytes. */
  CHECK(ioctl(sv[0], TIOCOUTQ, &n) == 0 && n >= 5);
  CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 5);
  int on = 1;
  CHECK(ioctl(sv[1], FIONBIO, &on) == 0 && (fcntl(sv[1], F_GETFL) & O_NONBLOCK) != 0);
  char buf[8];
  CHECK(read(sv[1], buf, sizeof buf) == 5);
  errno = 0;
  CHECK(read(sv[1], buf, sizeof buf) == -1 && errno == EAGAIN);
  on = 0;
  CHECK(ioctl(sv[1], FIONBIO, &on) == 0 && (fcntl(sv[1], F_GETFL) & O_NONBLOCK) == 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  CHECK(ioctl(sv[0], SIOCGIFINDEX, &ifr) == 0 && ifr.ifr_ifindex == 1);
  strcpy(ifr.ifr_name, "nosuch0");
  errno = 0;
  CHECK(ioctl(sv[0], SIOCGIFINDEX, &ifr) == -1 && errno == ENODEV);
  int v = 0;
  socklen_t len = sizeof v;
  errno = 0;
  CHECK(getsockopt(sv[0], SOL_PACKET, 3, &v, &len) == -1 && errno == EOPNOTSUPP);
  errno = 0;
  CHECK(setsockopt(sv[0], SOL_PACKET, 3, &v, len) == -1 && errno == EOPNOTSUPP);
  /* A socket cannot be opened, not even through /proc/self/fd. */
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", sv[0]);
  errno = 0;
  CHECK(open(link, O_RDWR) == -1 && errno == ENXIO);
  int path_fd = open(link, O_PATH);
  CHECK(path_fd >= 0);
  close(path_fd);
  close(sv[0]);
  close(sv[1]);
}

int main(void) {
  socket_pair_creds();
  creds_and_fds();
  listener_creds();
  socket_ioctls();
  printf("unix_creds: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
