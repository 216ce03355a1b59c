// File: runtime/boot/boot_info.h
//
// The runtime's copy of struct hv_boot_info (hv/abi.h). hvrun fills the
// original before the first guest instruction; the runtime checks it once,
// copies it (and the app path) into its own memory so that a stray app write
// cannot change what the runtime believes, and reads only the copy after.
//
// Example:
//   char msg[160];
//   if (const char* why = hvrt::boot::Check(*bi, msg, sizeof msg)) hvrt::Panic("%s", why);
//   hvrt::boot::SetInfo(*bi);
#ifndef HVRT_BOOT_BOOT_INFO_H_
#define HVRT_BOOT_BOOT_INFO_H_

#include <stddef.h>

#include "hv/abi.h"

namespace hvrt::boot {

// The longest app path the runtime keeps (PATH_MAX, NUL included).
inline constexpr size_t kPathMax = 4096;

// Returns nullptr if (bi) is usable, else a message naming the bad field and
// value, formatted into (msg) of (cap) bytes. Usable means: magic, ABI version
// and size match this runtime; the hypercall entry is set; the free, app and
// string regions lie in guest memory; the strings hold argc >= 1 argv and
// envc envp NUL-terminated strings; the stack fits in free memory; the clock
// calibration is sane.
const char* Check(const hv_boot_info& bi, char* msg, size_t cap);

// Copies a checked (bi) and its app path.
void SetInfo(const hv_boot_info& bi);

// The copy made by SetInfo.
const hv_boot_info& Info();

// The app's path as the guest sees it (argv[0] at boot, also AT_EXECFN and
// the target of /proc/self/exe).
const char* AppPath();

}  // namespace hvrt::boot

#endif  // HVRT_BOOT_BOOT_INFO_H_
