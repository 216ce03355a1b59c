// small_files: small-file metadata throughput in a directory, timed with
// CLOCK_MONOTONIC. A static program run natively or under hvrun (with the
// directory mounted) by hv_bench (BM_SmallFile_*).
//
// Usage: small_files DIR N
// Three timed phases over N files DIR/f<i>: create (open O_CREAT|O_EXCL, write
// 100 bytes, close), stat, unlink.
// Prints "iterations=N create_ns=C stat_ns=S unlink_ns=U total_ns=T" on one line.
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/guest/now_ns.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& path) {
  std::fprintf(stderr, "small_files: %s %s: %s\n", what, path.c_str(), std::strerror(errno));
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: small_files DIR N\n");
    return 64;
  }
  const std::string dir = argv[1];
  const unsigned long long n = std::strtoull(argv[2], nullptr, 10);
  std::vector<std::string> paths;
  paths.reserve(n);
  for (unsigned long long i = 0; i < n; ++i) paths.push_back(dir + "/f" + std::to_string(i));
  char data[100];
  std::memset(data, 'x', sizeof data);

  unsigned long long t0 = NowNs();
  for (const std::string& p : paths) {
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) Die("open", p);
    if (write(fd, data, sizeof data) != static_cast<ssize_t>(sizeof data)) Die("write", p);
    if (close(fd) != 0) Die("close", p);
  }
  unsigned long long t1 = NowNs();
  for (const std::string& p : paths) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) Die("stat", p);
    if (st.st_size != static_cast<off_t>(sizeof data)) {
      std::fprintf(stderr, "small_files: %s: size %lld\n", p.c_str(),
                   static_cast<long long>(st.st_size));
      return 1;
    }
  }
  unsigned long long t2 = NowNs();
  for (const std::string& p : paths) {
    if (unlink(p.c_str()) != 0) Die("unlink", p);
  }
  unsigned long long t3 = NowNs();
  std::printf("iterations=%llu create_ns=%llu stat_ns=%llu unlink_ns=%llu total_ns=%llu\n", n,
              t1 - t0, t2 - t1, t3 - t2, t3 - t0);
  return 0;
}
