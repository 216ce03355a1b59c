// ThreadedIo, where io_uring cannot take a transfer: a read of an empty pipe
// waits on a host thread and completes into the guest's hv_async and counter
// once the pipe has data; the guest closing its fd meanwhile changes nothing
// (the thread has its own dup); a ThreadedIo destroyed with a transfer still
// waiting ends it promptly without writing guest memory.
#include "vmm/engine/threaded_io.h"

#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace hvrun {
namespace {

constexpr uint64_t kAsync = 0x2100;    // struct hv_async
constexpr uint64_t kCounter = 0x2200;  // the completion counter
constexpr uint64_t kData = 0x3000;

class ThreadedIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mem = GuestMemory::Create(1 << 20);
    ASSERT_TRUE(mem.ok());
    memory_.emplace(std::move(*mem));
    ASSERT_EQ(pipe(p_), 0);
  }
  void TearDown() override {
    for (int fd : p_) {
      if (fd >= 0) close(fd);
    }
  }
  HostIo ReadIo() {
    auto span = memory_->Span(kData, 16);
    return HostIo{.write = false, .fd = p_[0], .data = *span, .offset = -1, .stream = true};
  }
  hv_async Request() { return *memory_->Read<hv_async>(kAsync); }
  bool AwaitDone() {
    for (int i = 0; i < 5000; ++i) {
      if (Request().done != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

  std::optional<GuestMemory> memory_;
  int p_[2] = {-1, -1};
};

TEST_F(ThreadedIoTest, ReadOfAnEmptyPipeCompletesWhenDataComes) {
  ThreadedIo threads(*memory_);
  ASSERT_TRUE(threads.Start(ReadIo(), {.request = kAsync, .counter = kCounter}));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Request().done, 0u);  // still waiting
  close(p_[0]);                   // the guest's handle goes; the thread has its own
  p_[0] = -1;
  ASSERT_EQ(write(p_[1], "abc", 3), 3);
  ASSERT_TRUE(AwaitDone());
  EXPECT_EQ(Request().result, 3);
  EXPECT_EQ(*memory_->Read<uint32_t>(kCounter), 1u);
  auto got = memory_->Span(kData, 3);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(got->begin(), got->end()), "abc");
}

TEST_F(ThreadedIoTest, TeardownEndsAWaitingTransferWithoutCompletingIt) {
  const auto start = std::chrono::steady_clock::now();
  {
    ThreadedIo threads(*memory_);
    ASSERT_TRUE(threads.Start(ReadIo(), {.request = kAsync, .counter = kCounter}));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(Request().done, 0u);
  EXPECT_EQ(*memory_->Read<uint32_t>(kCounter), 0u);
}

}  // namespace
}  // namespace hvrun
