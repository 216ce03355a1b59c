// sdk-hello: a hypervisor-aware app using the native API (hv/hv.h). It prints
// where it runs, writes one line straight to the console, times a few NOP
// hypercalls with the SDK clock, and shows the runtime's counters.
//
// Natively the SDK falls back honestly: backend "native", nop() returns
// -ENOSYS (-38), and the counters are all zero. Times vary from run to run.

#include <iostream>

#include "hv/hv.h"

namespace {

constexpr int kNops = 5;

// Names for the per-call counters, indexed by enum hv_call.
const char* CallName(int nr) {
  switch (nr) {
    case HV_CALL_NOP:
      return "nop";
    case HV_CALL_EXIT:
      return "exit";
    case HV_CALL_CONSOLE_WRITE:
      return "console_write";
    case HV_CALL_CONSOLE_READ:
      return "console_read";
    case HV_CALL_CONSOLE_INFO:
      return "console_info";
    case HV_CALL_RANDOM:
      return "random";
    case HV_CALL_MEM_DISCARD:
      return "mem_discard";
    case HV_CALL_REGISTER:
      return "register";
    case HV_CALL_UNSUPPORTED:
      return "unsupported";
    case HV_CALL_PANIC:
      return "panic";
    case HV_CALL_CLOCK:
      return "clock";
    default:
      return "?";
  }
}

}  // namespace

int main() {
  std::cout << "backend: " << hv::backend_name() << "\n";
  std::cout << "in guest: " << (hv::in_guest() ? "yes" : "no") << "\n";
  std::cout.flush();  // console_write() bypasses std::cout's buffer

  const int64_t written = hv::console_write("console_write: hello from the SDK\n");
  std::cout << "console_write returned " << written << "\n";

  int64_t nop_result = 0;
  const uint64_t start = hv::monotonic_ns();
  for (int i = 0; i < kNops; ++i) nop_result = hv::nop();
  const uint64_t elapsed = hv::monotonic_ns() - start;
  std::cout << kNops << " x nop() returned " << nop_result << ", took " << elapsed << " ns\n";

  const hv::Stats s = hv::stats();
  std::cout << "stats: hypercalls=" << s.hypercalls << " syscalls=" << s.syscalls
            << " unsupported_syscalls=" << s.unsupported_syscalls << "\n";
  for (int nr = 0; nr < static_cast<int>(s.per_call.size()); ++nr) {
    if (s.per_call[nr] != 0) std::cout << "  " << CallName(nr) << ": " << s.per_call[nr] << "\n";
  }
  return 0;
}
