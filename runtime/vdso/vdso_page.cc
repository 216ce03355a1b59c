// The vDSO's image and clock page: see vdso.h.
#include "runtime/lib/string.h"
#include "runtime/vdso/vdso.h"

// vdso_blob.S (host unit tests: runtime/hv/cpu_fake.cc).
extern "C" uint8_t hvrt_vdso_data[];
extern "C" const uint8_t hvrt_vdso_image[];

namespace hvrt::vdso {

uint64_t Image() { return reinterpret_cast<uint64_t>(hvrt_vdso_image); }

void Publish(const Data& d) {
  // One CPU runs the app and the runtime in turn: no reader is inside the
  // vDSO while the runtime writes.
  Copy(hvrt_vdso_data, &d, sizeof d);
}

}  // namespace hvrt::vdso
