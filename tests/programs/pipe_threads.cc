// Two threads and a pipe: a writer pushes 1 MiB through a 64 KiB pipe while
// the reader drains it (both sides must block and wake each other), then a
// reader waits on an empty pipe until a late writer closes it (end of file).
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

int main() {
  int p[2];
  if (pipe(p) != 0) return 1;
  constexpr size_t kTotal = 1 << 20;
  std::thread writer([&] {
    std::vector<uint8_t> buf(kTotal);
    for (size_t i = 0; i < kTotal; ++i) buf[i] = static_cast<uint8_t>(i * 31 + 7);
    size_t done = 0;
    while (done < kTotal) {
      ssize_t n = write(p[1], buf.data() + done, kTotal - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
    close(p[1]);
  });
  uint64_t sum = 0, bytes = 0;
  uint8_t chunk[4096];
  for (;;) {
    ssize_t n = read(p[0], chunk, sizeof(chunk));
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) sum = sum * 131 + chunk[i];
    bytes += static_cast<uint64_t>(n);
  }
  writer.join();
  close(p[0]);
  std::printf("pipe: %llu bytes, checksum %llx\n", static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(sum));

  int q[2];
  if (pipe(q) != 0) return 1;
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (write(q[1], "x", 1) != 1) return;
    close(q[1]);
  });
  char c = 0;
  ssize_t first = read(q[0], &c, 1);
  ssize_t eof = read(q[0], &c, 1);
  late.join();
  std::printf("late writer: read %zd '%c', then %zd (end of file)\n", first, c, eof);
  return 0;
}
