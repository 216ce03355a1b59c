// One thread blocked on hvrun's stdio must not hold up the others.
//   blocked_stdio read:  a reader thread waits on stdin while main ticks on
//                        stdout; the harness sends input only after main's
//                        "main done", so a stalled main never gets there.
//   blocked_stdio write: a writer thread writes 1 MiB to stdout in one call,
//                        which the harness does not read until main's "main
//                        done" on stderr; the call must return 1 MiB.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

void Tick(FILE* to) {
  for (int i = 0; i < 5; ++i) {
    fprintf(to, "tick %d\n", i);
    fflush(to);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fprintf(to, "main done\n");
  fflush(to);
}

int Read() {
  std::string got;
  std::thread reader([&] {
    char buf[256];
    ssize_t n = read(0, buf, sizeof buf);
    got = n >= 0 ? std::string(buf, static_cast<size_t>(n)) : "read failed";
  });
  Tick(stdout);
  reader.join();
  printf("reader got: %s", got.c_str());
  return 0;
}

int Write() {
  constexpr size_t kTotal = 1 << 20;
  size_t done = 0;
  std::thread writer([&] {
    // One call: a blocking write to a pipe returns only once all of it is
    // written, however slowly the reader drains it.
    std::vector<char> buf(kTotal, 'w');
    ssize_t n = write(1, buf.data(), kTotal);
    done = n > 0 ? static_cast<size_t>(n) : 0;
  });
  Tick(stderr);
  writer.join();
  fprintf(stderr, "writer wrote %zu\n", done);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "read") == 0) return Read();
  if (argc == 2 && strcmp(argv[1], "write") == 0) return Write();
  fprintf(stderr, "usage: blocked_stdio read|write\n");
  return 2;
}
