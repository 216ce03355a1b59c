// HV_CALL_SUBMIT against a real GuestMemory and real io_uring, with hvrun's
// stdio replaced by pipes the test controls: a transfer that can go at once
// is served in line; one that would block is queued and completes when the
// pipe is ready, into the guest's hv_async and completion counter; an
// engine destroyed with transfers in flight cancels them.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "vmm/engine/service_engine.h"

namespace hvrun {
namespace {

constexpr uint64_t kSize = 1 << 20;
constexpr uint64_t kIo = 0x2000;       // struct hv_console_io
constexpr uint64_t kAsync = 0x2100;    // struct hv_async
constexpr uint64_t kCounter = 0x2200;  // the completion counter
constexpr uint64_t kWait = 0x2300;     // struct hv_wait
constexpr uint64_t kData = 0x3000;

class SubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mem = GuestMemory::Create(kSize);
    ASSERT_TRUE(mem.ok());
    memory_.emplace(std::move(*mem));
    ASSERT_EQ(pipe(in_), 0);
    ASSERT_EQ(pipe(out_), 0);
    options_.stdin_fd = in_[0];
    options_.stdout_fd = out_[1];
    options_.stderr_fd = out_[1];
    engine_.emplace(*memory_, options_);
  }
  void TearDown() override {
    engine_.reset();
    for (int fd : {in_[0], in_[1], out_[0], out_[1]}) close(fd);
  }

  // Submits console call (nr) on guest fd (fd) for (len) bytes at kData.
  int64_t Submit(uint64_t nr, uint32_t fd, uint64_t len) {
    EXPECT_TRUE(memory_->Write(kIo, hv_console_io{fd, 0, kData, len}).ok());
    EXPECT_TRUE(memory_->Write(kAsync, hv_async{nr, kIo, kCounter, -1, 0, 0}).ok());
    return engine_->Handle(HV_CALL_SUBMIT, kAsync).result;
  }
  hv_async Request() { return *memory_->Read<hv_async>(kAsync); }
  uint32_t Counter() { return *memory_->Read<uint32_t>(kCounter); }
  // Waits (at most 10 s) for the request to be done.
  bool AwaitDone() {
    for (int i = 0; i < 10000; ++i) {
      if (Request().done != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  std::string Guest(size_t n) {
    auto s = memory_->Span(kData, n);
    return std::string(s->begin(), s->end());
  }
  // Fills the stdout pipe until a write would block.
  void FillOut() {
    const int flags = fcntl(out_[1], F_GETFL);
    ASSERT_EQ(fcntl(out_[1], F_SETFL, flags | O_NONBLOCK), 0);
    char chunk[4096] = {};
    while (write(out_[1], chunk, sizeof chunk) > 0) {
    }
    ASSERT_EQ(errno, EAGAIN);
    ASSERT_EQ(fcntl(out_[1], F_SETFL, flags), 0);
  }

  std::optional<GuestMemory> memory_;
  ServiceOptions options_;
  std::optional<ServiceEngine> engine_;
  int in_[2];
  int out_[2];
};

TEST_F(SubmitTest, ATransferThatCanGoAtOnceIsServedInLine) {
  ASSERT_TRUE(memory_->WriteBytes(kData, {reinterpret_cast<const uint8_t*>("hello"), 5}).ok());
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_WRITE, 1, 5), HV_SUBMIT_DONE);
  EXPECT_EQ(Request().done, 1u);
  EXPECT_EQ(Request().result, 5);
  EXPECT_EQ(Counter(), 0u);  // nothing completes later
  char buf[8] = {};
  EXPECT_EQ(read(out_[0], buf, sizeof buf), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  // Input already there: read in line too.
  ASSERT_EQ(write(in_[1], "abc", 3), 3);
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_READ, 0, 64), HV_SUBMIT_DONE);
  EXPECT_EQ(Request().result, 3);
  EXPECT_EQ(Guest(3), "abc");
  EXPECT_EQ(engine_->queued(), 0u);
  EXPECT_EQ(engine_->count(HV_CALL_CONSOLE_READ), 1u);
  EXPECT_EQ(engine_->count(HV_CALL_SUBMIT), 2u);
}

TEST_F(SubmitTest, AStreamThatCannotSayIsAskedWithPoll) {
  // /dev/null refuses RWF_NOWAIT (EOPNOTSUPP) but is always ready: served in
  // line, never queued.
  const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(null_fd, 0);
  options_.stdout_fd = null_fd;
  engine_.emplace(*memory_, options_);
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_WRITE, 1, 4096), HV_SUBMIT_DONE);
  EXPECT_EQ(Request().result, 4096);
  EXPECT_EQ(engine_->queued(), 0u);
  engine_.reset();
  close(null_fd);
}

TEST_F(SubmitTest, AReadWithoutInputIsQueuedAndCompletesWhenInputArrives) {
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_READ, 0, 64), HV_SUBMIT_QUEUED);
  EXPECT_EQ(engine_->queued(), 1u);
  // hvrun is free meanwhile: another call is served at once.
  ASSERT_TRUE(memory_->Write(0x2400, hv_buffer{kData + 0x100, 16}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_RANDOM, 0x2400).result, 16);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(Request().done, 0u);
  EXPECT_EQ(Counter(), 0u);
  ASSERT_EQ(write(in_[1], "typed\n", 6), 6);
  ASSERT_TRUE(AwaitDone());
  EXPECT_EQ(Request().result, 6);
  EXPECT_EQ(Guest(6), "typed\n");
  EXPECT_EQ(Counter(), 1u);
}

TEST_F(SubmitTest, AWriteToAFullPipeIsQueuedAndCompletesWhenDrained) {
  FillOut();
  ASSERT_TRUE(
      memory_->WriteBytes(kData, {reinterpret_cast<const uint8_t*>("0123456789"), 10}).ok());
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_WRITE, 1, 10), HV_SUBMIT_QUEUED);
  std::string drained;
  char buf[65536];
  while (drained.find("0123456789") == std::string::npos) {
    pollfd p{out_[0], POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 10000), 1) << "the queued write never arrived";
    ssize_t n = read(out_[0], buf, sizeof buf);
    ASSERT_GT(n, 0);
    drained.append(buf, static_cast<size_t>(n));
  }
  ASSERT_TRUE(AwaitDone());
  EXPECT_EQ(Request().result, 10);
}

TEST_F(SubmitTest, AWaitOnTheCounterEndsWhenAQueuedTransferCompletes) {
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_READ, 0, 64), HV_SUBMIT_QUEUED);
  ASSERT_TRUE(memory_->Write(kWait, hv_wait{INT64_MAX, kCounter, 0, 0}).ok());
  HypercallOutcome sleep = engine_->Handle(HV_CALL_WAIT, kWait);
  ASSERT_EQ(sleep.kind, HypercallOutcome::Kind::kSleep);
  ASSERT_EQ(sleep.wake_word, reinterpret_cast<uint32_t*>(memory_->Span(kCounter, 4)->data()));
  EXPECT_EQ(sleep.wake_seen, 0u);
  ASSERT_EQ(write(in_[1], "x", 1), 1);
  ASSERT_TRUE(AwaitDone());
  EXPECT_NE(*sleep.wake_word, sleep.wake_seen);  // what ends the backend's sleep
}

TEST_F(SubmitTest, EndingTheEngineCancelsWhatIsInFlight) {
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_READ, 0, 64), HV_SUBMIT_QUEUED);
  const auto t0 = std::chrono::steady_clock::now();
  engine_.reset();  // no input ever comes
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(Request().done, 1u);
  EXPECT_EQ(Request().result, -ECANCELED);
}

TEST_F(SubmitTest, HostileRequestsGetErrnos) {
  for (uint64_t nr :
       std::initializer_list<uint64_t>{HV_CALL_EXIT, HV_CALL_PANIC, HV_CALL_WAIT, HV_CALL_SUBMIT,
                                       HV_CALL_REGISTER, HV_CALL_RESERVED, HV_CALL_MAX, ~0ull}) {
    EXPECT_EQ(Submit(nr, 0, 1), -EINVAL) << nr;
  }
  EXPECT_TRUE(memory_->Write(kAsync, hv_async{HV_CALL_NOP, 0, kCounter + 1, 0, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_SUBMIT, kAsync).result, -EINVAL);  // misaligned counter
  EXPECT_TRUE(memory_->Write(kAsync, hv_async{HV_CALL_NOP, 0, kSize, 0, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_SUBMIT, kAsync).result, -EFAULT);
  EXPECT_EQ(engine_->Handle(HV_CALL_SUBMIT, kSize - 16).result, -EFAULT);
  EXPECT_EQ(engine_->Handle(HV_CALL_SUBMIT, 0).result, -EFAULT);
  // A bad inner argument is the inner call's errno, in line.
  EXPECT_EQ(Submit(HV_CALL_CONSOLE_READ, 1, 4), HV_SUBMIT_DONE);
  EXPECT_EQ(Request().result, -EBADF);
  ASSERT_TRUE(memory_->Write(kWait, hv_wait{0, kCounter + 2, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_WAIT, kWait).result, -EINVAL);
  ASSERT_TRUE(memory_->Write(kWait, hv_wait{0, kSize, 0, 0}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_WAIT, kWait).result, -EFAULT);
}

}  // namespace
}  // namespace hvrun
