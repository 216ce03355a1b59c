// file_io: file throughput in a directory, timed with CLOCK_MONOTONIC. A static
// program run natively or under hvrun (with the directory mounted) by hv_bench
// (BM_File*).
//
// Usage: file_io MODE DIR N
//   seqwrite   N sequential 1 MiB write()s into DIR/seq.dat (64 MiB, rewound
//              to offset 0 every 64 MiB)
//   seqread    writes DIR/seq.dat (64 MiB, untimed), then N sequential 1 MiB
//              read()s of it (rewound every 64 MiB)
//   randread   writes DIR/rand.dat (64 MiB, untimed), then N pread()s of 4 KiB
//              at random 4 KiB-aligned offsets
//   randwrite  the same with pwrite()
// No fsync: both natively and under hvrun the data goes to the host page cache.
// Prints "iterations=N total_ns=T" on one line.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/guest/now_ns.h"

namespace {

constexpr size_t kBig = 1 << 20;         // 1 MiB
constexpr size_t kSmall = 4096;          // 4 KiB
constexpr size_t kFileSize = 64 * kBig;  // 64 MiB

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "file_io: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) Die("write");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) Die("read");
    p += r;
    n -= static_cast<size_t>(r);
  }
}

// Writes the whole file (64 MiB) in 1 MiB writes and leaves fd at offset 0.
void Fill(int fd, const std::vector<char>& buf) {
  for (size_t off = 0; off < kFileSize; off += kBig) WriteAll(fd, buf.data(), kBig);
  if (lseek(fd, 0, SEEK_SET) != 0) Die("lseek");
}

uint64_t Next(uint64_t& s) {  // xorshift64
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: file_io seqwrite|seqread|randread|randwrite DIR N\n");
    return 64;
  }
  const std::string mode = argv[1];
  const std::string dir = argv[2];
  const unsigned long long n = std::strtoull(argv[3], nullptr, 10);
  std::vector<char> buf(kBig);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 131 + 7);

  const bool seq = mode == "seqwrite" || mode == "seqread";
  if (!seq && mode != "randread" && mode != "randwrite") {
    std::fprintf(stderr, "file_io: unknown mode %s\n", mode.c_str());
    return 64;
  }
  const std::string path = dir + (seq ? "/seq.dat" : "/rand.dat");
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Die(path.c_str());
  if (mode != "seqwrite") Fill(fd, buf);

  const size_t chunks = kFileSize / kBig;
  const size_t blocks = kFileSize / kSmall;
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  unsigned long long start = NowNs();
  if (mode == "seqwrite") {
    for (unsigned long long i = 0; i < n; ++i) {
      if (i > 0 && i % chunks == 0 && lseek(fd, 0, SEEK_SET) != 0) Die("lseek");
      WriteAll(fd, buf.data(), kBig);
    }
  } else if (mode == "seqread") {
    for (unsigned long long i = 0; i < n; ++i) {
      if (i > 0 && i % chunks == 0 && lseek(fd, 0, SEEK_SET) != 0) Die("lseek");
      ReadAll(fd, buf.data(), kBig);
    }
  } else if (mode == "randread") {
    for (unsigned long long i = 0; i < n; ++i) {
      off_t off = static_cast<off_t>(Next(rng) % blocks * kSmall);
      if (pread(fd, buf.data(), kSmall, off) != static_cast<ssize_t>(kSmall)) Die("pread");
    }
  } else {
    for (unsigned long long i = 0; i < n; ++i) {
      off_t off = static_cast<off_t>(Next(rng) % blocks * kSmall);
      if (pwrite(fd, buf.data(), kSmall, off) != static_cast<ssize_t>(kSmall)) Die("pwrite");
    }
  }
  unsigned long long total = NowNs() - start;
  if (close(fd) != 0) Die("close");
  if (unlink(path.c_str()) != 0) Die("unlink");
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return 0;
}
