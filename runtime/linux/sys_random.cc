// Random bytes from the host (HV_CALL_RANDOM).
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {

// Getrandom implements Linux syscall getrandom(2). The host's pool is always
// initialized, so GRND_NONBLOCK and GRND_RANDOM never make it fail.
int64_t sys_getrandom(hv_syscall_frame& f) {
  uint64_t buf = f.args[0];
  uint64_t len = f.args[1];
  uint64_t flags = static_cast<uint32_t>(f.args[2]);
  constexpr uint64_t kKnown = abi::kGRND_NONBLOCK | abi::kGRND_RANDOM | abi::kGRND_INSECURE;
  if ((flags & ~kKnown) != 0) return -abi::kEINVAL;
  if ((flags & abi::kGRND_RANDOM) != 0 && (flags & abi::kGRND_INSECURE) != 0) return -abi::kEINVAL;
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  if (len == 0) return 0;
  if (!user::RangeOk(buf, len)) return -abi::kEFAULT;
  hv_buffer b = {buf, len};
  int64_t r = hv::Call(HV_CALL_RANDOM, &b);
  if (r < 0) return r;
  // The host fills it all (result 0 or len) or says how much it filled.
  return r > 0 && static_cast<uint64_t>(r) < len ? r : static_cast<int64_t>(len);
}

}  // namespace hvrt
