// The C++ side of the image's entry: prepare, then start the app. Guest
// image only (unit tests call boot::Prepare directly).
#include "hv/abi.h"
#include "runtime/boot/boot.h"

extern "C" [[noreturn]] void hvrt_enter_app(uint64_t entry, uint64_t sp);

// Called from hvrt_start (entry.S) with the boot info hvrun filled.
extern "C" [[noreturn]] void hvrt_main(const hv_boot_info* bi) {
  // A forked child resumes its parent's forking thread instead.
  if (bi != nullptr && (bi->flags & HV_BOOT_FORKED) != 0) hvrt::boot::ResumeFork(bi);
  hvrt::boot::Launch l = hvrt::boot::Prepare(bi);
  hvrt_enter_app(l.entry, l.sp);
}
