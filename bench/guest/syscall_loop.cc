// syscall_loop: N calls of one cheap syscall, timed with
// clock_gettime(CLOCK_MONOTONIC). A static program run natively or under
// hvrun by hv_bench (BM_Syscall_*, BM_FastPath_*).
//
// Usage: syscall_loop [OP [FILE]] N
//   getppid  (the default) glibc's getppid(), whose `mov $110, %eax;
//            syscall` hvrun rewrites under --syscall-path=auto
//   generic  syscall(SYS_getppid): the number comes from a register, so
//            the site always traps
//   clock    clock_gettime(CLOCK_MONOTONIC) (natively the vDSO's)
//   null     64-byte write() to /dev/null
//   pread    4 KiB pread() at random 4 KiB offsets of FILE, which is first
//            written with 1 MiB (not timed)
// Prints "iterations=N total_ns=T" on one line.
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/guest/now_ns.h"

namespace {

constexpr int kFileBytes = 1 << 20;
constexpr int kBlock = 4096;

int Usage() {
  std::fprintf(stderr, "usage: syscall_loop [getppid|generic|clock|null|pread FILE] N\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) return Usage();
  const std::string op = argc >= 3 ? argv[1] : "getppid";
  const unsigned long long n = std::strtoull(argv[argc - 1], nullptr, 10);
  long sink = 0;
  int fd = -1;
  static char buf[kBlock];
  if (op == "null") {
    fd = open("/dev/null", O_WRONLY);
  } else if (op == "pread") {
    if (argc != 4) return Usage();
    fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
    std::memset(buf, 'p', sizeof buf);
    for (int off = 0; fd >= 0 && off < kFileBytes; off += kBlock) {
      if (pwrite(fd, buf, kBlock, off) != kBlock) return 1;
    }
  } else if (op != "getppid" && op != "generic" && op != "clock") {
    return Usage();
  }
  if ((op == "null" || op == "pread") && fd < 0) {
    std::perror("syscall_loop: open");
    return 1;
  }
  unsigned long long start = NowNs();
  if (op == "getppid") {
    // glibc caches nothing for getppid: a real syscall every time.
    for (unsigned long long i = 0; i < n; ++i) sink += getppid();
  } else if (op == "generic") {
    for (unsigned long long i = 0; i < n; ++i) sink += syscall(SYS_getppid);
  } else if (op == "clock") {
    timespec t;
    for (unsigned long long i = 0; i < n; ++i) sink += clock_gettime(CLOCK_MONOTONIC, &t);
  } else if (op == "null") {
    for (unsigned long long i = 0; i < n; ++i) sink += write(fd, buf, 64);
  } else {
    unsigned x = 12345;  // a fixed xorshift sequence: the same offsets everywhere
    for (unsigned long long i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      sink += pread(fd, buf, kBlock, static_cast<off_t>(x % (kFileBytes / kBlock)) * kBlock);
    }
  }
  unsigned long long total = NowNs() - start;
  if (fd >= 0) close(fd);
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return sink == -1 ? 1 : 0;
}
