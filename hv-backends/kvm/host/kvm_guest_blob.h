// File: kvm_guest_blob.h
//
// The KVM backend's guest stubs (guest/kvm_guest.S): assembled into hvrun as
// one blob, copied into guest memory at KVM_CODE, and named by the symbols
// below. GuestBlobAddress turns a symbol into its guest address.
//
// Example:
//   HV_RETURN_IF_ERROR(kvm::CopyGuestBlob(memory));
//   const uint64_t entry = kvm::GuestBlobAddress(hv_kvm_hypercall);
#ifndef HV_BACKENDS_KVM_HOST_KVM_GUEST_BLOB_H_
#define HV_BACKENDS_KVM_HOST_KVM_GUEST_BLOB_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hv-backends/kvm/kvm_layout.h"
#include "vmm/base/guest_memory.h"

extern "C" {
extern const char hv_kvm_blob_start[], hv_kvm_blob_end[];
extern const char hv_kvm_hypercall[], hv_kvm_syscall_iret[], hv_kvm_syscall_sysret[],
    hv_kvm_probe[], hv_kvm_exceptions[], hv_kvm_exception_report[], hv_kvm_tlb_flush[];
}

namespace hvrun::kvm {

// The guest address of (symbol), one of the blob's labels.
inline uint64_t GuestBlobAddress(const char* symbol) {
  return KVM_CODE + static_cast<uint64_t>(symbol - hv_kvm_blob_start);
}

// The exception stubs: 32 of 16 bytes each from hv_kvm_exceptions (IDT
// vectors 0..31).
inline constexpr uint64_t kExceptionStubSize = 16, kExceptionStubs = 32;

// Copies the blob to KVM_CODE in (memory).
inline absl::Status CopyGuestBlob(const GuestMemory& memory) {
  const size_t blob = static_cast<size_t>(hv_kvm_blob_end - hv_kvm_blob_start);
  if (blob > KVM_CODE_SIZE) {
    return absl::InternalError(
        absl::StrCat("kvm guest blob is ", blob, " bytes, more than ", KVM_CODE_SIZE));
  }
  return memory.WriteBytes(KVM_CODE, {reinterpret_cast<const uint8_t*>(hv_kvm_blob_start), blob});
}

}  // namespace hvrun::kvm

#endif  // HV_BACKENDS_KVM_HOST_KVM_GUEST_BLOB_H_
