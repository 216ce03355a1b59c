// The service engine against a real GuestMemory, with hvrun's stdio replaced
// by pipes: every hostile argument must come back as an errno, never a crash.
#include "vmm/engine/service_engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "gtest/gtest.h"

namespace hvrun {
namespace {

constexpr uint64_t kSize = 1 << 20;
constexpr uint64_t kArg = 0x2000;
constexpr uint64_t kData = 0x3000;

class ServiceEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mem = GuestMemory::Create(kSize);
    ASSERT_TRUE(mem.ok());
    memory_.emplace(std::move(*mem));
    ASSERT_EQ(pipe(out_), 0);
    options_.stdout_fd = out_[1];
    options_.stderr_fd = out_[1];
    engine_.emplace(*memory_, options_);
  }
  void TearDown() override {
    close(out_[0]);
    close(out_[1]);
  }
  std::string Drain(size_t n) {
    std::string s(n, '\0');
    EXPECT_EQ(read(out_[0], s.data(), n), static_cast<ssize_t>(n));
    return s;
  }

  std::optional<GuestMemory> memory_;
  ServiceOptions options_;
  std::optional<ServiceEngine> engine_;
  int out_[2];
};

TEST_F(ServiceEngineTest, ConsoleWriteCopiesGuestBytes) {
  const std::string text = "hello guest\n";
  ASSERT_TRUE(
      memory_->WriteBytes(kData, {reinterpret_cast<const uint8_t*>(text.data()), text.size()})
          .ok());
  ASSERT_TRUE(memory_->Write(kArg, hv_console_io{1, 0, kData, text.size()}).ok());
  HypercallOutcome out = engine_->Handle(HV_CALL_CONSOLE_WRITE, kArg);
  EXPECT_EQ(out.kind, HypercallOutcome::Kind::kReply);
  EXPECT_EQ(out.result, static_cast<int64_t>(text.size()));
  EXPECT_EQ(Drain(text.size()), text);
  EXPECT_EQ(engine_->count(HV_CALL_CONSOLE_WRITE), 1u);
}

TEST_F(ServiceEngineTest, HostileArgumentsGetErrnos) {
  // The argument struct itself outside guest memory, or in the null page.
  EXPECT_EQ(engine_->Handle(HV_CALL_CONSOLE_WRITE, kSize - 8).result, -EFAULT);
  EXPECT_EQ(engine_->Handle(HV_CALL_CONSOLE_WRITE, 0).result, -EFAULT);
  // Data ranges that run off the end, wrap around, or start in the null page.
  for (auto [data, len] : {std::pair<uint64_t, uint64_t>{kSize - 4, 8},
                           {kData, ~0ull - 16},
                           {~0ull - 4, 8},
                           {16, 32}}) {
    ASSERT_TRUE(memory_->Write(kArg, hv_console_io{1, 0, data, len}).ok());
    EXPECT_EQ(engine_->Handle(HV_CALL_CONSOLE_WRITE, kArg).result, -EFAULT) << data;
  }
  ASSERT_TRUE(memory_->Write(kArg, hv_console_io{7, 0, kData, 1}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_CONSOLE_WRITE, kArg).result, -EBADF);
  ASSERT_TRUE(memory_->Write(kArg, hv_buffer{kData + 1, 4096}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_MEM_DISCARD, kArg).result, -EINVAL);
  ASSERT_TRUE(memory_->Write(kArg, hv_buffer{kSize - 4096, 8192}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_MEM_DISCARD, kArg).result, -EFAULT);
  ASSERT_TRUE(memory_->Write(kArg, hv_buffer{kSize - 4, 64}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_RANDOM, kArg).result, -EFAULT);
}

TEST_F(ServiceEngineTest, UnknownAndReservedCallsAreENOSYS) {
  EXPECT_EQ(engine_->Handle(HV_CALL_RESERVED, 0).result, -ENOSYS);
  EXPECT_EQ(engine_->Handle(HV_CALL_MAX, 0).result, -ENOSYS);
  EXPECT_EQ(engine_->Handle(~0ull, 0).result, -ENOSYS);
  EXPECT_EQ(engine_->Handle(HV_CALL_REGISTER, kArg).result, -ENOSYS)
      << "registration is the backend's, not a service";
}

TEST_F(ServiceEngineTest, RandomFillsTheBuffer) {
  ASSERT_TRUE(memory_->Write(kArg, hv_buffer{kData, 64}).ok());
  EXPECT_EQ(engine_->Handle(HV_CALL_RANDOM, kArg).result, 64);
  auto bytes = memory_->Span(kData, 64);
  int nonzero = 0;
  for (uint8_t b : *bytes) nonzero += b != 0;
  EXPECT_GT(nonzero, 32);
}

TEST_F(ServiceEngineTest, ExitAndPanicEndTheGuest) {
  ASSERT_TRUE(memory_->Write(kArg, hv_exit{42, 0, 3, 1}).ok());
  HypercallOutcome out = engine_->Handle(HV_CALL_EXIT, kArg);
  ASSERT_EQ(out.kind, HypercallOutcome::Kind::kExit);
  EXPECT_EQ(out.exit.status, 42);
  EXPECT_EQ(out.exit.unsupported, 3u);
  const std::string msg = "bad boot info";
  ASSERT_TRUE(
      memory_->WriteBytes(kData, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()}).ok());
  ASSERT_TRUE(memory_->Write(kArg, hv_buffer{kData, msg.size()}).ok());
  out = engine_->Handle(HV_CALL_PANIC, kArg);
  ASSERT_EQ(out.kind, HypercallOutcome::Kind::kFatal);
  EXPECT_NE(out.fatal.message().find("runtime panic: bad boot info"), std::string::npos);
}

TEST_F(ServiceEngineTest, UnsupportedIsNamedOnlyWhenVerbose) {
  ASSERT_TRUE(memory_->Write(kArg, hv_unsupported{57, {}, 1}).ok());  // fork
  EXPECT_EQ(engine_->Handle(HV_CALL_UNSUPPORTED, kArg).result, 0);
  ASSERT_EQ(fcntl(out_[0], F_SETFL, O_NONBLOCK), 0);
  char probe;
  EXPECT_EQ(read(out_[0], &probe, 1), -1) << "not verbose: nothing is printed";
  options_.verbose = true;
  ServiceEngine verbose(*memory_, options_);
  EXPECT_EQ(verbose.Handle(HV_CALL_UNSUPPORTED, kArg).result, 0);
  char buf[256] = {};
  ssize_t n = read(out_[0], buf, sizeof(buf) - 1);
  ASSERT_GT(n, 0);
  EXPECT_NE(std::string(buf).find("unsupported syscall fork (57)"), std::string::npos) << buf;
}

TEST_F(ServiceEngineTest, WaitAsksTheBackendToSleep) {
  ASSERT_TRUE(memory_->Write(kArg, hv_wait{123456789}).ok());
  HypercallOutcome out = engine_->Handle(HV_CALL_WAIT, kArg);
  EXPECT_EQ(out.kind, HypercallOutcome::Kind::kSleep);
  EXPECT_EQ(out.sleep_until_ns, 123456789);
  EXPECT_EQ(engine_->Handle(HV_CALL_WAIT, kSize - 4).result, -EFAULT);
}

TEST(SyscallNames, FromTheKernelHeader) {
  EXPECT_STREQ(SyscallName(0), "read");
  EXPECT_STREQ(SyscallName(57), "fork");
  EXPECT_STREQ(SyscallName(100000), "");
}

}  // namespace
}  // namespace hvrun
