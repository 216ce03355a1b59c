// The native API (hv/hv.h): find the runtime's `struct hv_native` once, then
// call its functions directly; fall back to plain Linux when it is absent.

#include "hv/hv.h"

#include <errno.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

namespace hv {
namespace {

// The function types behind the HV_GUEST_PTR(void) fields of struct hv_native.
// Guest addresses are the app's own addresses (one address space, GVA == the
// app's pointers), so they can be called as they are.
using HypercallFn = int64_t (*)(uint64_t nr, uint64_t arg);
using MonotonicFn = uint64_t (*)();
using GetStatsFn = void (*)(struct hv_stats* out);

struct Native {
  Backend backend = Backend::kNative;
  HypercallFn hypercall = nullptr;
  MonotonicFn monotonic_ns = nullptr;
  GetStatsFn get_stats = nullptr;
};

template <typename Fn>
Fn AsFunction(uint64_t guest_address) {
  return reinterpret_cast<Fn>(static_cast<uintptr_t>(guest_address));
}

// Looks up AT_HV_NATIVE and validates what it points to. Anything that does
// not check out is ignored: the app then behaves as in a native run, which is
// always correct (its syscalls still work under hvrun), merely slower.
Native FindNative() {
  Native n;
  const uintptr_t address = getauxval(AT_HV_NATIVE);
  if (address == 0) return n;  // native run: the entry is absent
  const auto* info = reinterpret_cast<const struct hv_native*>(address);
  if (info->magic != HV_NATIVE_MAGIC || info->abi_version != HV_ABI_VERSION) return n;
  if (info->hypercall == 0 || info->monotonic_ns == 0 || info->get_stats == 0) return n;
  Backend backend;
  switch (info->backend) {
    case HV_BACKEND_SIM:
      backend = Backend::kSim;
      break;
    case HV_BACKEND_KVM:
      backend = Backend::kKvm;
      break;
    case HV_BACKEND_XEN:
      backend = Backend::kXen;
      break;
    default:  // HV_BACKEND_NONE or unknown: not a usable runtime
      return n;
  }
  n.backend = backend;
  n.hypercall = AsFunction<HypercallFn>(info->hypercall);
  n.monotonic_ns = AsFunction<MonotonicFn>(info->monotonic_ns);
  n.get_stats = AsFunction<GetStatsFn>(info->get_stats);
  return n;
}

// Found once, on first use (thread-safe static initialization); the auxiliary
// vector never changes while the process runs.
const Native& GetNative() {
  static const Native native = FindNative();
  return native;
}

int64_t WriteOnceNative(const char* data, size_t len) {
  for (;;) {
    const ssize_t r = ::write(1, data, len);
    if (r >= 0) return r;
    if (errno != EINTR) return -errno;
  }
}

int64_t WriteOnceGuest(const Native& n, const char* data, size_t len) {
  struct hv_console_io io = {};
  io.fd = 1;
  io.data = reinterpret_cast<uintptr_t>(data);
  io.len = len;
  return n.hypercall(HV_CALL_CONSOLE_WRITE, reinterpret_cast<uintptr_t>(&io));
}

}  // namespace

Backend backend() { return GetNative().backend; }

std::string_view backend_name(Backend b) {
  switch (b) {
    case Backend::kNative:
      return "native";
    case Backend::kSim:
      return "sim";
    case Backend::kKvm:
      return "kvm";
    case Backend::kXen:
      return "xen";
  }
  return "unknown";  // not reached for a valid enumerator
}

std::string_view backend_name() { return backend_name(backend()); }

bool in_guest() { return backend() != Backend::kNative; }

uint64_t monotonic_ns() {
  const Native& n = GetNative();
  if (n.monotonic_ns != nullptr) return n.monotonic_ns();
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

int64_t console_write(std::string_view data) {
  const Native& n = GetNative();
  size_t done = 0;
  while (done < data.size()) {
    const char* p = data.data() + done;
    const size_t left = data.size() - done;
    const int64_t r =
        n.hypercall != nullptr ? WriteOnceGuest(n, p, left) : WriteOnceNative(p, left);
    if (r < 0) return done > 0 ? static_cast<int64_t>(done) : r;
    if (r == 0 || static_cast<uint64_t>(r) > left) {
      // No progress (or a nonsensical count): stop rather than spin or overrun.
      return done > 0 ? static_cast<int64_t>(done) : -EIO;
    }
    done += static_cast<size_t>(r);
  }
  return static_cast<int64_t>(done);
}

Stats stats() {
  Stats s;
  const Native& n = GetNative();
  if (n.get_stats == nullptr) return s;
  struct hv_stats raw = {};
  n.get_stats(&raw);
  s.hypercalls = raw.hypercalls;
  s.syscalls = raw.syscalls;
  s.unsupported_syscalls = raw.unsupported_syscalls;
  for (size_t i = 0; i < s.per_call.size(); ++i) s.per_call[i] = raw.per_call[i];
  return s;
}

int64_t nop() {
  const Native& n = GetNative();
  if (n.hypercall == nullptr) return -ENOSYS;
  return n.hypercall(HV_CALL_NOP, 0);
}

}  // namespace hv
