// consumer: an SDK app built out of tree. Prints lines a test can check, the
// same natively and under hvrun except where the backend shows through.

#include <iostream>

#include "hv/abi.h"
#include "hv/hv.h"

int main(int argc, char** argv) {
  std::cout << "consumer: abi " << HV_ABI_VERSION << "\n";
  std::cout << "consumer: backend=" << hv::backend_name() << "\n";
  std::cout << "consumer: in_guest=" << (hv::in_guest() ? 1 : 0) << "\n";
  std::cout.flush();  // console_write() bypasses std::cout's buffer
  const int64_t n = hv::console_write("consumer: console_write\n");
  std::cout << "consumer: console_write=" << n << "\n";
  const int64_t nop = hv::nop();
  std::cout << "consumer: nop=" << nop << "\n";
  const uint64_t t0 = hv::monotonic_ns();
  const uint64_t t1 = hv::monotonic_ns();
  std::cout << "consumer: monotonic=" << (t1 >= t0 ? "ok" : "backwards") << "\n";
  const hv::Stats s = hv::stats();
  std::cout << "consumer: nop_calls=" << s.per_call[HV_CALL_NOP] << "\n";
  std::cout << "consumer: argc=" << argc;
  for (int i = 1; i < argc; ++i) std::cout << " " << argv[i];
  std::cout << "\n";
  return 0;
}
