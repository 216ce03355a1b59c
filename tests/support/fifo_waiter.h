// File: tests/support/fifo_waiter.h
//
// FifoWaiter: a host thread that opens a FIFO and waits in open(2) for the
// other end, as a host process serving the FIFO would. Tests use it to prove
// that hvrun never becomes that other end (opening a FIFO in a mount must
// have no side effect). Header-only; shared by tests/unit and tests/hostile.
//
// Example:
//   FifoWaiter reader(dir + "/fifo", O_RDONLY);
//   ASSERT_TRUE(reader.WaitUntilBlocked());
//   ... let hvrun try the FIFO ...
//   EXPECT_FALSE(reader.opened());
#ifndef TESTS_SUPPORT_FIFO_WAITER_H_
#define TESTS_SUPPORT_FIFO_WAITER_H_

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>

namespace hvtest {

class FifoWaiter {
 public:
  FifoWaiter(std::string path, int flags) : path_(std::move(path)) {
    thread_ = std::thread([this, flags] {
      tid_.store(gettid());
      const int fd = open(path_.c_str(), flags | O_CLOEXEC);
      opened_.store(true);
      if (fd >= 0) close(fd);
    });
  }
  ~FifoWaiter() { Release(); }
  FifoWaiter(const FifoWaiter&) = delete;
  FifoWaiter& operator=(const FifoWaiter&) = delete;

  // Waits (at most 10 s) until the thread sleeps inside openat, as its
  // /proc/self/task/TID/syscall line shows. False if it never did.
  bool WaitUntilBlocked() const {
    for (int i = 0; i < 1000; ++i) {
      if (const pid_t tid = tid_.load(); tid != 0 && !opened_.load()) {
        std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
        std::string nr;
        if (in >> nr && nr == "257") return true;  // SYS_openat
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // Whether its open has returned.
  bool opened() const { return opened_.load(); }
  // Lets the thread through (O_RDWR opens a FIFO without waiting and counts
  // as both ends) and joins it.
  void Release() {
    if (!thread_.joinable()) return;
    const int peer = open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    thread_.join();
    if (peer >= 0) close(peer);
  }

 private:
  std::string path_;
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> opened_{false};
  std::thread thread_;
};

}  // namespace hvtest

#endif  // TESTS_SUPPORT_FIFO_WAITER_H_
