// File: tests/unit/runtime/fake_guest.h
//
// FakeGuest: runs the runtime's portable code (hvrt_host) inside a unit test.
// It maps zeroed "guest memory" laid out like vmm/base/layout.h (strings at
// +0x10000, the app image at +0x400000, free memory above it), fills a
// struct hv_boot_info for it, and answers hypercalls with a host function
// that records every call. HV_CALL_EXIT and HV_CALL_PANIC throw GuestExit /
// GuestPanic (the real ones never return), so a test can catch the end of
// the guest. Guest addresses are host addresses here (GVA == host VA).
//
// Example:
//   FakeGuest g;
//   g.Boot();
//   EXPECT_EQ(g.Syscall(SYS_getpid), 1);
#ifndef TESTS_UNIT_RUNTIME_FAKE_GUEST_H_
#define TESTS_UNIT_RUNTIME_FAKE_GUEST_H_

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "hv/abi.h"
#include "runtime/boot/boot.h"

namespace hvrt_test {

struct GuestExit {
  hv_exit exit;
};
struct GuestPanic {
  std::string message;
};

struct Hypercall {
  uint64_t nr;
  std::vector<uint8_t> arg;  // the argument struct as it was at the call

  template <typename T>
  T As() const {
    T t;
    std::memcpy(&t, arg.data(), sizeof t);
    return t;
  }
};

struct GuestOptions {
  uint64_t memory_size = 64ull << 20;
  uint64_t stack_size = 1ull << 20;
  std::vector<std::string> argv = {"/bin/app", "--flag"};
  std::vector<std::string> envp = {"HOME=/", "LANG=C"};
  uint32_t flags = 0;
  uint64_t tsc_hz = 1000000000;     // 1 GHz: mult 1, shift 0
  std::vector<std::string> mounts;  // guest paths of host mounts (boot info), by index
};

class FakeGuest {
 public:
  // Guest-relative offsets, as in vmm/base/layout.h.
  static constexpr uint64_t kStrings = 0x10000;
  static constexpr uint64_t kApp = 0x400000;
  static constexpr uint64_t kAppSize = 0x100000;
  static constexpr uint64_t kFree = 0x500000;
  // Clock calibration: ns = kBaseNs + (tsc - kBaseTsc) at 1 GHz.
  static constexpr uint64_t kBaseTsc = 1000;
  static constexpr uint64_t kBaseNs = 5000000000;
  static constexpr int64_t kRealtimeOffset = 1700000000000000000;

  explicit FakeGuest(GuestOptions o = {});
  ~FakeGuest();
  FakeGuest(const FakeGuest&) = delete;
  FakeGuest& operator=(const FakeGuest&) = delete;

  hv_boot_info& boot() { return boot_; }
  uint64_t base() const { return base_; }
  // The app-image area tests use for syscall arguments (app memory).
  uint64_t scratch() const { return base_ + kApp + 0x10000; }
  // Copies (s) and its NUL into app memory below Buffer(), each call into a
  // fresh 16-byte-aligned slot; returns its address.
  uint64_t String(const std::string& s) {
    const uint64_t a = scratch() + strings_used_;
    strings_used_ += (s.size() + 1 + 15) & ~15ull;
    std::memcpy(reinterpret_cast<void*>(a), s.c_str(), s.size() + 1);
    return a;
  }
  // Lets String() reuse its area from the start.
  void ResetStrings() { strings_used_ = 0; }
  // A 64 KiB-plus buffer in app memory, above the strings.
  uint64_t Buffer() const { return scratch() + 0x80000; }
  template <typename T>
  T* At(uint64_t addr) {
    return reinterpret_cast<T*>(addr);
  }

  // Runs boot::Prepare on boot() and returns where the app would start.
  hvrt::boot::Launch Boot();

  // Calls hvrt_syscall with a frame for (nr, args...); the other registers
  // come from (regs), and the frame as the runtime left it (the registers the
  // app returns with: a signal handler's entry, say) is in (last). Its
  // extended state is (fp_area), as on sim, so nothing loads into this CPU.
  int64_t Syscall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                  uint64_t a4 = 0, uint64_t a5 = 0);
  hv_syscall_frame regs = {0, {}, 0, 0, 0x202, 0, 0, 0, 0, 0, 0, 0, 0};
  hv_syscall_frame last = {};
  alignas(64) uint8_t fp_area[4096] = {};

  // Hypercalls so far, and how many of number (nr).
  std::vector<Hypercall> calls;
  int Count(uint64_t nr) const;
  const Hypercall* Last(uint64_t nr) const;

  // Host behaviour.
  std::string out[3];               // what fds 1 and 2 received
  std::string in;                   // what fd 0 reads
  hv_console_info info[3] = {};     // HV_CALL_CONSOLE_INFO answers
  int64_t discard_result = 0;       // HV_CALL_MEM_DISCARD's result
  int64_t console_info_result = 0;  // HV_CALL_CONSOLE_INFO's result
  int64_t clock_ns[16] = {};        // HV_CALL_CLOCK answers by clock id
  // HV_CALL_FILE_{OPEN,STAT,PATHOP}: every path the guest sent, as
  // "MOUNT:PATH" (and " -> MOUNT:PATH" for a second path); they answer
  // (file_result).
  std::vector<std::string> host_paths;
  int64_t file_result = -2;  // -ENOENT
  // HV_CALL_SUBMIT: calls are served in line (HV_SUBMIT_DONE), except a
  // console read while (queue_reads): that is queued (HV_SUBMIT_QUEUED), and
  // completes at the next HV_CALL_WAIT on a word, as hvrun's completion
  // thread would complete it while the guest waits.
  bool queue_reads = false;
  std::vector<uint64_t> queued;  // the hv_async addresses in flight
  // HV_CALL_PIPE: a real host pipe (non-blocking, so a test never hangs),
  // whose handles FILE_READ/WRITE/STAT/CLOSE serve; pipe_result < 0 refuses.
  int64_t pipe_result = 0;
  // HV_CALL_FORK and EXEC answer this; HV_CALL_PROC too, except for pid 1
  // (this guest, in group and session 1): a kill of it, its group or
  // everyone lands in its boot page, and its parent, group and session are
  // told as hvrun's process table would tell them.
  int64_t process_result = -ENOSYS;
  std::map<uint32_t, int> pipe_fds;  // handle -> host fd

 private:
  uint64_t strings_used_ = 0;
  static int64_t Entry(uint64_t nr, uint64_t arg);
  int64_t Handle(uint64_t nr, uint64_t arg);
  int64_t Submit(uint64_t arg);
  int64_t PipeCall(uint64_t nr, uint64_t arg);
  void CompleteQueued();

  uint64_t base_ = 0;
  uint64_t size_ = 0;
  uint32_t next_handle_ = 500;
  hv_boot_info boot_ = {};
};

}  // namespace hvrt_test

#endif  // TESTS_UNIT_RUNTIME_FAKE_GUEST_H_
