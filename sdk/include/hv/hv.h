// File: hv.h
//
// The native C++ API for hypervisor-aware apps. An app linked with the SDK
// (libhvsdk.a, statically) stays an ordinary static x86-64 Linux program: run
// natively it behaves like any other program, and run under hvrun it can also
// talk to the runtime directly, without going through a Linux syscall.
//
// This header defines:
//   * `hv::Backend`, `hv::backend()`, `hv::backend_name()`, `hv::in_guest()`:
//     where the app runs.
//   * `hv::monotonic_ns()`: a monotonic clock (the guest's calibrated TSC under
//     hvrun, CLOCK_MONOTONIC natively).
//   * `hv::console_write()`: writes to the console's standard output.
//   * `hv::Stats`, `hv::stats()`: counters the runtime keeps.
//   * `hv::nop()`: one empty hypercall round trip, for benchmarks.
//
// How it finds the runtime: under hvrun the guest runtime puts the address of
// a `struct hv_native` (sdk/include/hv/abi.h) in the app's auxiliary vector
// under AT_HV_NATIVE. The SDK looks it up once, checks its magic, ABI version
// and function pointers, and then calls those functions directly: they live in
// the app's own address space and run at the app's privilege, on its stack,
// with no trap. A native run has no such entry, and every function falls back
// to an honest native equivalent (or says it has none), as documented below.
//
// All functions are thread-safe and never throw.
//
// Example:
//
//   #include <iostream>
//
//   #include "hv/hv.h"
//
//   int main() {
//     uint64_t start = hv::monotonic_ns();
//     hv::console_write("hello\n");
//     std::cout << "backend: " << hv::backend_name() << "\n"
//               << "write took " << hv::monotonic_ns() - start << " ns\n"
//               << "hypercalls so far: " << hv::stats().hypercalls << "\n";
//   }
#ifndef HV_HV_H_
#define HV_HV_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "hv/abi.h"

namespace hv {

// Backend names how the app's hypercalls reach the host: kNative when the app
// is not running under hvrun at all, otherwise hvrun's backend.
enum class Backend {
  kNative,  // not under hvrun (no valid AT_HV_NATIVE in the auxiliary vector)
  kSim,     // hvrun --backend=sim: host simulation (a child process)
  kKvm,     // hvrun --backend=kvm
  kXen,     // hvrun --backend=xen
};

// Returns the backend the app runs on. kNative unless the runtime offered a
// valid `struct hv_native` (right magic and HV_ABI_VERSION, non-null function
// pointers, a known backend kind); a struct that fails these checks is
// ignored, and the app behaves as in a native run.
Backend backend();

// Returns the lower-case name of (b): "native", "sim", "kvm" or "xen".
// The view refers to a string literal and never dangles.
std::string_view backend_name(Backend b);

// Returns backend_name(backend()).
std::string_view backend_name();

// Returns true if the app runs under hvrun, i.e. backend() != Backend::kNative.
bool in_guest();

// Returns a monotonic time in nanoseconds. Under hvrun it is the runtime's
// clock (the calibrated TSC, no hypercall), the same clock the app's
// clock_gettime(CLOCK_MONOTONIC) reads there; natively it is
// clock_gettime(CLOCK_MONOTONIC). Only differences between two readings are
// meaningful; the origin is unspecified.
uint64_t monotonic_ns();

// Writes all of (data) to the console's standard output (fd 1). Under hvrun
// this is HV_CALL_CONSOLE_WRITE with `struct hv_console_io{.fd = 1}`, which
// bypasses the app's stdio buffers and the Linux syscall path; natively it is
// write(1, ...). Either way, flush std::cout / stdout first if output must
// stay in order. Retries short writes (and EINTR natively). Returns the number
// of bytes written, which is data.size() on success; if an error stops it
// after some bytes were written, returns that (smaller) count; if nothing was
// written, returns a negative Linux errno value.
int64_t console_write(std::string_view data);

// Counters kept by the runtime since the guest started.
struct Stats {
  uint64_t hypercalls = 0;                       // all hypercalls, by the runtime and the app
  uint64_t syscalls = 0;                         // Linux syscalls served by the syscall shim
  uint64_t unsupported_syscalls = 0;             // of which returned -ENOSYS as unknown
  std::array<uint64_t, HV_CALL_MAX> per_call{};  // hypercalls by number (enum hv_call)
};

// Returns a snapshot of the runtime's counters (HV_CALL_* hypercalls made by
// the SDK itself are counted too). Natively, returns all zeros: there is no
// runtime to count anything.
Stats stats();

// Makes one HV_CALL_NOP hypercall and returns its result: 0 under hvrun.
// Measures one full hypercall round trip on the current backend. Natively
// there is no hypercall to make, and it returns -ENOSYS (-38) at once.
int64_t nop();

}  // namespace hv

#endif  // HV_HV_H_
