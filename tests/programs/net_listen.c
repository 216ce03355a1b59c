/* A TCP server for the network-policy e2e test (tests/e2e/network_test.cc):
 * binds the wildcard address at port argv[1] (0: any), listens, prints
 * "listening PORT ADDR" (its name as getsockname reports it), then waits up
 * to argv[2] ms for one connection, echoes what it reads back prefixed with
 * "echo:", and prints "accepted" (or "no connection"). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: net_listen PORT WAIT_MS\n");
    return 2;
  }
  int l = socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0) {
    perror("net_listen: socket");
    return 1;
  }
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(l, (struct sockaddr*)&a, sizeof a) != 0 || listen(l, 4) != 0) {
    perror("net_listen");
    return 1;
  }
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr*)&a, &len);
  printf("listening %d %s\n", ntohs(a.sin_port), inet_ntoa(a.sin_addr));
  fflush(stdout);
  struct pollfd p = {l, POLLIN, 0};
  if (poll(&p, 1, atoi(argv[2])) != 1) {
    printf("no connection\n");
    return 0;
  }
  int c = accept(l, NULL, NULL);
  char buf[64];
  ssize_t n = read(c, buf, sizeof buf);
  if (n > 0) {
    (void)!write(c, "echo:", 5);
    (void)!write(c, buf, (size_t)n);
  }
  close(c);
  printf("accepted\n");
  return 0;
}
