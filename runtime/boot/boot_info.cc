// Boot info checks and the runtime's copy: see boot_info.h.
#include "runtime/boot/boot_info.h"

#include "runtime/lib/format.h"
#include "runtime/lib/string.h"

namespace hvrt::boot {
namespace {

constinit hv_boot_info g_info = {};
constinit char g_app_path[kPathMax] = {};

// Whether region [start, start + size) lies inside guest memory.
bool InMemory(const hv_boot_info& bi, uint64_t start, uint64_t size) {
  uint64_t mem_end = bi.memory.start + bi.memory.size;
  return start >= bi.memory.start && start <= mem_end && size <= mem_end - start;
}

}  // namespace

const char* Check(const hv_boot_info& bi, char* msg, size_t cap) {
  auto fail = [&](const char* what, uint64_t value) {
    Format(msg, cap, "hvrun boot info: %s (0x%lx)", what, static_cast<unsigned long>(value));
    return msg;
  };
  if (bi.magic != HV_BOOT_MAGIC) return fail("magic is not HV_BOOT_MAGIC", bi.magic);
  if (bi.abi_version != HV_ABI_VERSION)
    return fail("abi_version is not the runtime's HV_ABI_VERSION", bi.abi_version);
  if (bi.size != sizeof(hv_boot_info)) return fail("size is not sizeof(hv_boot_info)", bi.size);
  if (bi.hypercall_entry == 0) return fail("hypercall_entry is 0", 0);
  if (bi.memory.size == 0 || bi.memory.start + bi.memory.size < bi.memory.start)
    return fail("memory region is empty or wraps", bi.memory.size);
  if (!InMemory(bi, bi.free.start, bi.free.size))
    return fail("free region is outside guest memory", bi.free.start);
  if (!InMemory(bi, bi.app.start, bi.app.size))
    return fail("app region is outside guest memory", bi.app.start);
  if (bi.free.start < bi.app.start + bi.app.size && bi.app.start < bi.free.start + bi.free.size)
    return fail("free region overlaps the app image", bi.free.start);
  if (bi.interp.size != 0) {
    if (!InMemory(bi, bi.interp.start, bi.interp.size))
      return fail("interp region is outside guest memory", bi.interp.start);
    if (bi.free.start < bi.interp.start + bi.interp.size &&
        bi.interp.start < bi.free.start + bi.free.size)
      return fail("free region overlaps the interpreter image", bi.free.start);
    if (bi.interp_entry < bi.interp.start || bi.interp_entry - bi.interp.start >= bi.interp.size)
      return fail("interp_entry is outside the interpreter image", bi.interp_entry);
  }
  if (bi.workdir != 0 &&
      (!InMemory(bi, bi.workdir, kPathMax) ||
       StrNLen(reinterpret_cast<const char*>(bi.workdir), kPathMax) >= kPathMax ||
       reinterpret_cast<const char*>(bi.workdir)[0] != '/'))
    return fail("workdir is not an absolute path inside guest memory", bi.workdir);
  if (bi.exe_path != 0 &&
      (!InMemory(bi, bi.exe_path, kPathMax) ||
       StrNLen(reinterpret_cast<const char*>(bi.exe_path), kPathMax) >= kPathMax))
    return fail("exe_path is not a path inside guest memory", bi.exe_path);
  if (bi.stack_size == 0 || bi.stack_size >= bi.free.size)
    return fail("stack_size is 0 or does not fit in free memory", bi.stack_size);
  if (bi.app_phent != 56) return fail("app_phent is not sizeof(Elf64_Phdr)", bi.app_phent);
  if (bi.app_phnum == 0) return fail("app_phnum is 0", 0);
  if (bi.clock.tsc_hz != 0 && (bi.clock.shift >= 64 || bi.clock.mult == 0))
    return fail("clock calibration has mult 0 or shift >= 64", bi.clock.shift);
  if (bi.argc == 0) return fail("argc is 0: the app path must be argv[0]", 0);
  if (!InMemory(bi, bi.strings, bi.strings_size))
    return fail("strings are outside guest memory", bi.strings);

  // argc + envc NUL-terminated strings, back to back, inside strings_size.
  const char* s = reinterpret_cast<const char*>(bi.strings);
  uint64_t want = static_cast<uint64_t>(bi.argc) + bi.envc;
  uint64_t found = 0;
  for (uint64_t i = 0; i < bi.strings_size && found < want; i++) {
    if (s[i] == '\0') found++;
  }
  if (found < want) return fail("strings hold fewer than argc + envc strings", found);
  if (StrNLen(s, kPathMax) >= kPathMax) return fail("app path is longer than PATH_MAX", 0);
  return nullptr;
}

void SetInfo(const hv_boot_info& bi) {
  g_info = bi;
  StrCopy(g_app_path, sizeof g_app_path,
          reinterpret_cast<const char*>(bi.exe_path != 0 ? bi.exe_path : bi.strings));
}

const hv_boot_info& Info() { return g_info; }

const char* AppPath() { return g_app_path; }

}  // namespace hvrt::boot
