// proc_ops: process costs, timed with CLOCK_MONOTONIC. A static program run
// natively or under hvrun by hv_bench (BM_Fork*, BM_PipePingPongProcs).
//
// Usage: proc_ops MODE [PROGRAM] N
//   fork      N x (fork, the child _exits at once, waitpid)
//   exec      N x (fork, the child execs PROGRAM with no arguments, waitpid);
//             PROGRAM must exit 0
//   pipe      N round trips of one byte between two processes over two pipes
// Prints "iterations=N total_ns=T" on one line; exits 1 if a step failed.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/guest/now_ns.h"

namespace {

bool ForkWait(const char* program) {
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (program != nullptr) {
      char* const argv[] = {const_cast<char*>(program), nullptr};
      execv(program, argv);
    }
    _exit(program != nullptr ? 127 : 0);
  }
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool PingPong(unsigned long long n) {
  int there[2], back[2];
  if (pipe(there) != 0 || pipe(back) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  char b = 0;
  if (pid == 0) {
    for (unsigned long long i = 0; i < n; ++i) {
      if (read(there[0], &b, 1) != 1 || write(back[1], &b, 1) != 1) _exit(1);
    }
    _exit(0);
  }
  bool ok = true;
  for (unsigned long long i = 0; i < n && ok; ++i) {
    ok = write(there[1], &b, 1) == 1 && read(back[0], &b, 1) == 1;
  }
  int status = 0;
  return ok && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool exec = argc == 4 && std::strcmp(argv[1], "exec") == 0;
  if (argc != (exec ? 4 : 3)) {
    std::fprintf(stderr, "usage: proc_ops fork|pipe N | proc_ops exec PROGRAM N\n");
    return 2;
  }
  const unsigned long long n = std::strtoull(argv[argc - 1], nullptr, 10);
  const unsigned long long start = NowNs();
  bool ok = true;
  if (std::strcmp(argv[1], "pipe") == 0) {
    ok = PingPong(n);
  } else {
    for (unsigned long long i = 0; i < n && ok; ++i) ok = ForkWait(exec ? argv[2] : nullptr);
  }
  const unsigned long long total = NowNs() - start;
  if (!ok) {
    std::fprintf(stderr, "proc_ops %s: a step failed\n", argv[1]);
    return 1;
  }
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return 0;
}
