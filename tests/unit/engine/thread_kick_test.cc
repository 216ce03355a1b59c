// File: tests/unit/engine/thread_kick_test.cc
//
// ThreadKick (vmm/base/thread_kick.h) ends a write(2) that would block
// forever, the way hvrun's shutdown ends a mailbox thread stuck writing a
// guest's output into a pipe nobody drains.
#include "vmm/base/thread_kick.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace hvrun {
namespace {

TEST(ThreadKick, EndsABlockedPipeWrite) {
  ThreadKick::Install();
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::atomic<bool> done{false};
  std::atomic<long> wrote{0};
  std::atomic<int> error{0};
  std::thread writer([&] {
    std::vector<char> buf(1 << 20, 'x');
    // The pipe holds 64 KiB and nobody reads it: this blocks until kicked.
    const ssize_t n = write(p[1], buf.data(), buf.size());
    wrote.store(n);
    error.store(n < 0 ? errno : 0);
    done.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(done.load()) << "the write did not block: the test proves nothing";
  const auto start = std::chrono::steady_clock::now();
  ThreadKick::KickUntilDone(writer, done);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // Interrupted after filling the pipe: a short count (or EINTR had nothing gone).
  EXPECT_TRUE(wrote.load() == 65536 || (wrote.load() < 0 && error.load() == EINTR))
      << "wrote " << wrote.load() << ", errno " << error.load();
  close(p[0]);
  close(p[1]);
}

TEST(ThreadKick, JoiningAThreadThatIsDoneReturnsAtOnce) {
  std::atomic<bool> done{false};
  std::thread t([&] { done.store(true); });
  ThreadKick::KickUntilDone(t, done);
  EXPECT_FALSE(t.joinable());
}

}  // namespace
}  // namespace hvrun
