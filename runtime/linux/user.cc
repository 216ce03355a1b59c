// Checked app memory access: see user.h.
#include "runtime/linux/user.h"

#include "runtime/boot/boot_info.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/mm/vm.h"

namespace hvrt::user {
namespace {

constexpr uint64_t kNullPageEnd = 4096;  // page 0 is never mapped (layout.h)

// Inside guest memory and above the null page.
bool InGuest(uint64_t addr, uint64_t len) {
  const hv_mem_region& m = boot::Info().memory;
  uint64_t lo = m.start > kNullPageEnd ? m.start : kNullPageEnd;
  uint64_t hi = m.start + m.size;
  return addr >= lo && addr <= hi && len <= hi - addr;
}

}  // namespace

bool RangeOk(uint64_t addr, uint64_t len) {
  return InGuest(addr, len) && mm::Accessible(addr, len, /*write=*/false);
}

bool WriteOk(uint64_t addr, uint64_t len) {
  return InGuest(addr, len) && mm::Accessible(addr, len, /*write=*/true);
}

uint64_t AccessiblePrefix(uint64_t addr, uint64_t len, bool write) {
  if (write ? WriteOk(addr, len) : RangeOk(addr, len)) return len;
  uint64_t done = 0;
  while (done < len) {
    const uint64_t page_end = ((addr + done) | 4095) + 1;
    const uint64_t n =
        page_end - (addr + done) < len - done ? page_end - (addr + done) : len - done;
    if (!(write ? WriteOk(addr + done, n) : RangeOk(addr + done, n))) break;
    done += n;
  }
  return done;
}

int64_t CopyOut(uint64_t dst, const void* src, size_t len) {
  if (!WriteOk(dst, len)) return -abi::kEFAULT;
  Copy(reinterpret_cast<void*>(dst), src, len);
  return 0;
}

int64_t CopyIn(void* dst, uint64_t src, size_t len) {
  if (!RangeOk(src, len)) return -abi::kEFAULT;
  Copy(dst, reinterpret_cast<const void*>(src), len);
  return 0;
}

int64_t StringLength(uint64_t src, size_t max) {
  for (size_t i = 0; i < max; i++) {
    // Checked once per page (a string may run into one that is not there).
    if ((i == 0 || ((src + i) & 4095) == 0) && !RangeOk(src + i, 1)) return -abi::kEFAULT;
    if (*reinterpret_cast<const char*>(src + i) == '\0') return static_cast<int64_t>(i);
  }
  return -abi::kENAMETOOLONG;
}

int64_t Path(uint64_t src, const char** out) {
  int64_t r = StringLength(src, boot::kPathMax);
  if (r < 0) return r;
  *out = reinterpret_cast<const char*>(src);
  return 0;
}

}  // namespace hvrt::user
