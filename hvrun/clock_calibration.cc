// File: clock_calibration.cc
#include "hvrun/clock_calibration.h"

#include <cpuid.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {
namespace {

int64_t ClockNs(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool InvariantTsc() {
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000007, &a, &b, &c, &d)) return false;
  return (d & (1u << 8)) != 0;
}

// Reads the kernel's TSC -> ns scaling from a self-monitoring perf event.
bool KernelScaling(uint32_t* mult, uint32_t* shift) {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_DUMMY;
  attr.exclude_kernel = 1;
  UniqueFd fd(
      static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC)));
  if (!fd.valid()) return false;
  void* page = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (page == MAP_FAILED) return false;
  HostMapping map(page, 4096);
  const auto* pc = static_cast<const perf_event_mmap_page*>(page);
  if (!pc->cap_user_time || pc->time_mult == 0) return false;
  *mult = pc->time_mult;
  *shift = pc->time_shift;
  return true;
}

// The scaling, remembered for this boot of the host: the first
// perf_event_open on a quiet host costs ~10 ms (it switches perf on
// system-wide), and where the kernel offers no scaling the measurement
// costs as much; together they were most of a guest's start. The file is the user's own
// (<XDG_RUNTIME_DIR or /tmp>/hvrun-UID.tsc, mode 0600, never followed as a
// link) and names the host's boot_id; anything else is ignored.
std::string BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string CachePath() {
  const char* dir = std::getenv("XDG_RUNTIME_DIR");
  return absl::StrCat(dir != nullptr && *dir == '/' ? dir : "/tmp", "/hvrun-", geteuid(), ".tsc");
}

bool CachedScaling(const std::string& boot_id, uint32_t* mult, uint32_t* shift) {
  UniqueFd fd(open(CachePath().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 077) != 0) {
    return false;
  }
  char buf[128] = {};
  const ssize_t n = read(fd.get(), buf, sizeof buf - 1);
  if (n <= 0) return false;
  std::istringstream words(std::string(buf, static_cast<size_t>(n)));
  std::string id;
  unsigned long m = 0, s = 0;
  if (!(words >> id >> m >> s) || id != boot_id || m == 0 || m > UINT32_MAX || s > 63) {
    return false;
  }
  *mult = static_cast<uint32_t>(m);
  *shift = static_cast<uint32_t>(s);
  return true;
}

void RememberScaling(const std::string& boot_id, uint32_t mult, uint32_t shift) {
  const std::string path = CachePath();
  std::string tmp = path + ".XXXXXX";
  UniqueFd fd(mkstemp(tmp.data()));  // 0600
  if (!fd.valid()) return;
  const std::string line = absl::StrCat(boot_id, " ", mult, " ", shift, "\n");
  const bool written =
      write(fd.get(), line.data(), line.size()) == static_cast<ssize_t>(line.size());
  if (!written || rename(tmp.c_str(), path.c_str()) != 0) unlink(tmp.c_str());
}

// Samples (tsc, monotonic) close together: the pair read fastest wins.
void Sample(uint64_t* tsc, int64_t* ns) {
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    const uint64_t t0 = __rdtsc();
    const int64_t n = ClockNs(CLOCK_MONOTONIC);
    const uint64_t t1 = __rdtsc();
    if (t1 - t0 < best) {
      best = t1 - t0;
      *tsc = t0 + (t1 - t0) / 2;
      *ns = n;
    }
  }
}

// Counts TSC ticks over at least (span_ns) of CLOCK_MONOTONIC: false if the
// TSC did not move forward.
bool Measure(int64_t span_ns, uint64_t* ticks, int64_t* ns) {
  uint64_t t0, t1;
  int64_t n0, n1;
  Sample(&t0, &n0);
  while (ClockNs(CLOCK_MONOTONIC) - n0 < span_ns) {
  }
  Sample(&t1, &n1);
  *ticks = t1 - t0;
  *ns = n1 - n0;
  return t1 > t0;
}

}  // namespace

hv_clock_calibration CalibrateClock() {
  hv_clock_calibration c{};
  // Set before any way out: a guest with kvmclock but no usable TSC still
  // derives realtime from its monotonic clock plus this offset (without it,
  // kvm guests on hosts without an invariant TSC said it was 1970).
  c.realtime_offset_ns = ClockNs(CLOCK_REALTIME) - ClockNs(CLOCK_MONOTONIC);
  if (!InvariantTsc()) return c;  // tsc_hz 0: the guest uses HV_CALL_CLOCK or kvmclock
  uint32_t mult = 0, shift = 0;
  const std::string boot_id = BootId();
  bool cached = !boot_id.empty() && CachedScaling(boot_id, &mult, &shift);
  if (cached) {
    // A stale or wrong file costs a correct clock nothing: 100 us against
    // CLOCK_MONOTONIC must agree within 2%.
    uint64_t ticks;
    int64_t ns;
    const bool moved = Measure(100000, &ticks, &ns);
    const double measured = static_cast<double>(ns);
    const double scaled =
        static_cast<double>((static_cast<unsigned __int128>(ticks) * mult) >> shift);
    cached = moved && scaled > measured * 0.98 && scaled < measured * 1.02;
  }
  if (!cached) {
    if (!KernelScaling(&mult, &shift)) {
      // Measured: 10 ms, once per host boot where the file can be kept,
      // where the perf page offers no scaling (cap_user_time 0: on this host
      // it often reads so right after mmap).
      uint64_t ticks;
      int64_t ns;
      if (!Measure(10000000, &ticks, &ns)) return c;
      shift = 24;
      mult = static_cast<uint32_t>((static_cast<unsigned __int128>(ns) << shift) / ticks);
    }
    if (!boot_id.empty()) RememberScaling(boot_id, mult, shift);
  }
  int64_t ns;
  Sample(&c.base_tsc, &ns);
  c.base_ns = static_cast<uint64_t>(ns);
  c.mult = mult;
  c.shift = shift;
  c.tsc_hz = static_cast<uint64_t>((static_cast<unsigned __int128>(1000000000) << shift) / mult);
  return c;
}

}  // namespace hvrun
