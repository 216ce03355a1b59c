// The trapless page's bytes: see trapless_page.h and hv/abi.h.
#include "vmm/base/trapless_page.h"

#include <cstring>

#include "hv/abi.h"

namespace hvrun {

std::array<uint8_t, kTraplessPageSize> TraplessPage(uint64_t entry) {
  std::array<uint8_t, kTraplessPageSize> page;
  page.fill(0xcc);  // int3
  // The sled: 8-byte no-ops, seven operand-size prefixes on a nop, so that
  // a call to any offset starts an instruction and runs at most one no-op
  // per 8 bytes (a sled of one-byte nops costs ~8x more for low numbers).
  for (uint32_t i = 0; i < HV_TRAPLESS_SLED_END; ++i) page[i] = i % 8 == 7 ? 0x90 : 0x66;
  // movabs $entry, %r11; jmp *%r11
  uint8_t* p = page.data() + HV_TRAPLESS_SLED_END;
  *p++ = 0x49;
  *p++ = 0xbb;
  std::memcpy(p, &entry, sizeof entry);
  p += sizeof entry;
  *p++ = 0x41;
  *p++ = 0xff;
  *p++ = 0xe3;
  return page;
}

void WriteTraplessPage(const GuestMemory& memory, uint64_t entry) {
  std::array<uint8_t, kTraplessPageSize> page;
  if (memory.Contains(entry, 1)) {
    page = TraplessPage(entry);
  } else {
    page.fill(0xcc);
  }
  std::memcpy(memory.host_base(), page.data(), page.size());
}

}  // namespace hvrun
