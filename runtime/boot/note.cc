// The ELF note that marks this file as an hvrun runtime image (hv/abi.h):
// name "hvrun", type HV_NOTE_TYPE_ABI, descriptor struct hv_runtime_note.
// hvrun reads it from the image's PT_NOTE before loading anything. A
// section named .note.* becomes SHT_NOTE, and the linker covers SHT_NOTE
// sections with a PT_NOTE segment (check_image.sh verifies both).
#include <stdint.h>

#include "hv/abi.h"

namespace hvrt {
namespace {

struct AbiNote {
  uint32_t namesz;
  uint32_t descsz;
  uint32_t type;
  char name[8];  // "hvrun\0" padded to 4 bytes
  hv_runtime_note desc;
};
static_assert(sizeof(AbiNote) == 12 + 8 + 8);

[[gnu::section(".note.hvrun"), gnu::used, gnu::aligned(4)]] constexpr AbiNote kAbiNote = {
    sizeof HV_NOTE_NAME,
    sizeof(hv_runtime_note),
    HV_NOTE_TYPE_ABI,
    HV_NOTE_NAME,
    {HV_ABI_VERSION, 0}};

}  // namespace
}  // namespace hvrt
