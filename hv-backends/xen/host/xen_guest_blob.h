// File: xen_guest_blob.h
//
// The xen backend's guest stubs (guest/xen_guest.S): assembled into hvrun as
// one page, copied into guest memory at XEN_CODE, and named by the symbols
// below.
#ifndef HV_BACKENDS_XEN_HOST_XEN_GUEST_BLOB_H_
#define HV_BACKENDS_XEN_HOST_XEN_GUEST_BLOB_H_

#include <cstdint>

#include "hv-backends/xen/xen_layout.h"

extern "C" {
extern const char hv_xen_blob_start[], hv_xen_blob_end[];
extern const char hv_xen_hypercall[], hv_xen_start[], hv_xen_wake[], hv_xen_exceptions[];
}

namespace hvrun::xen {

// The guest address of (symbol), one of the blob's labels.
inline uint64_t GuestBlobAddress(const char* symbol) {
  return XEN_CODE + static_cast<uint64_t>(symbol - hv_xen_blob_start);
}

}  // namespace hvrun::xen

#endif  // HV_BACKENDS_XEN_HOST_XEN_GUEST_BLOB_H_
