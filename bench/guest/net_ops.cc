// net_ops: socket costs between two processes of one program, timed with
// CLOCK_MONOTONIC. A static program run natively or under hvrun by hv_bench
// (BM_Tcp*, BM_EpollRtt*).
//
// Usage: net_ops MODE N
//   tcp_rtt     N round trips of a 64-byte request and reply over TCP loopback;
//               the server blocks in read()
//   epoll_rtt   the same, the server in an epoll_wait loop (a server's shape)
//   tcp_stream  N x 64 KiB from a child to its parent over TCP loopback
// Prints "iterations=N total_ns=T bytes=B hypercalls=H" on one line: H is
// the hypercalls both processes made in the timed part (0 natively), from
// the SDK's counters (hv::stats). Exits 1 if a step failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/guest/now_ns.h"
#include "hv/hv.h"

namespace {

constexpr size_t kMessage = 64;
constexpr size_t kChunk = 64 << 10;

unsigned long long Hypercalls() { return hv::in_guest() ? hv::stats().hypercalls : 0; }

bool All(ssize_t (*io)(int, void*, size_t), int fd, char* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = io(fd, buf + done, len - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}
ssize_t Read(int fd, void* b, size_t n) { return read(fd, b, n); }
ssize_t Write(int fd, void* b, size_t n) { return write(fd, b, n); }

// A connected pair over TCP loopback: (*server) accepted, (*client).
bool Connect(int* server, int* client) {
  const int l = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (l < 0 || bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(l, 1) != 0 ||
      getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return false;
  }
  *client = socket(AF_INET, SOCK_STREAM, 0);
  if (*client < 0 || connect(*client, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return false;
  }
  *server = accept(l, nullptr, nullptr);
  close(l);
  const int one = 1;
  setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return *server >= 0;
}

// The server side of tcp_rtt/epoll_rtt: echo (n) messages, then send its
// hypercall count.
int Serve(int fd, unsigned long long n, bool epoll) {
  const unsigned long long before = Hypercalls();
  char buf[kMessage];
  int ep = -1;
  if (epoll) {
    ep = epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) return 1;
  }
  for (unsigned long long i = 0; i < n; ++i) {
    if (epoll) {
      epoll_event got;
      if (epoll_wait(ep, &got, 1, -1) != 1) return 1;
    }
    if (!All(Read, fd, buf, sizeof buf) || !All(Write, fd, buf, sizeof buf)) return 1;
  }
  unsigned long long used = Hypercalls() - before;
  return All(Write, fd, reinterpret_cast<char*>(&used), sizeof used) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: net_ops tcp_rtt|epoll_rtt|tcp_stream N\n");
    return 2;
  }
  const char* mode = argv[1];
  const unsigned long long n = std::strtoull(argv[2], nullptr, 10);
  const bool stream = std::strcmp(mode, "tcp_stream") == 0;
  const bool epoll = std::strcmp(mode, "epoll_rtt") == 0;
  if (!stream && !epoll && std::strcmp(mode, "tcp_rtt") != 0) return 2;
  int server, client;
  if (!Connect(&server, &client)) {
    std::perror("net_ops: connect");
    return 1;
  }
  // tcp_stream: the sender's hypercall count comes back over a pipe (its
  // socket is shut down for writing by then).
  int count[2];
  if (pipe(count) != 0) return 1;
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    close(client);
    if (!stream) _exit(Serve(server, n, epoll));
    static char chunk[kChunk];
    const unsigned long long before = Hypercalls();
    for (unsigned long long i = 0; i < n; ++i) {
      if (!All(Write, server, chunk, sizeof chunk)) _exit(1);
    }
    unsigned long long used = Hypercalls() - before;
    shutdown(server, SHUT_WR);
    _exit(All(Write, count[1], reinterpret_cast<char*>(&used), sizeof used) ? 0 : 1);
  }
  close(server);
  close(count[1]);
  const unsigned long long before = Hypercalls();
  const unsigned long long start = NowNs();
  unsigned long long bytes = 0;
  bool ok = true;
  if (stream) {
    static char chunk[kChunk];
    for (;;) {
      const ssize_t got = read(client, chunk, sizeof chunk);
      if (got <= 0) {
        ok = got == 0;
        break;
      }
      bytes += static_cast<unsigned long long>(got);
    }
    ok = ok && bytes == n * kChunk;
  } else {
    char buf[kMessage] = {};
    for (unsigned long long i = 0; i < n && ok; ++i) {
      ok = All(Write, client, buf, sizeof buf) && All(Read, client, buf, sizeof buf);
    }
    bytes = n * kMessage * 2;
  }
  const unsigned long long total = NowNs() - start;
  const unsigned long long mine = Hypercalls() - before;
  unsigned long long theirs = 0;
  ok = ok && All(Read, stream ? count[0] : client, reinterpret_cast<char*>(&theirs), sizeof theirs);
  int status = 0;
  ok = ok && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    std::fprintf(stderr, "net_ops: %s failed\n", mode);
    return 1;
  }
  std::printf("iterations=%llu total_ns=%llu bytes=%llu hypercalls=%llu\n", n, total, bytes,
              mine + theirs);
  return 0;
}
