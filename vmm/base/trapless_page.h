// File: vmm/base/trapless_page.h
//
// The trapless page (hv/abi.h, HV_BOOT_TRAPLESS): guest page 0 as the
// target of the app's rewritten syscall sites (`call *%rax`). hvrun writes
// it through its own mapping of guest memory when the runtime registers its
// trapless entry; the backend maps it read and execute for the guest (sim:
// the child's mapping at address 0; kvm: a read-only user page table entry),
// so that a store through a null pointer still faults.
//
// Example:
//   WriteTraplessPage(memory, reg.trapless_entry);  // at HV_CALL_REGISTER
#ifndef VMM_BASE_TRAPLESS_PAGE_H_
#define VMM_BASE_TRAPLESS_PAGE_H_

#include <array>
#include <cstdint>

#include "vmm/base/guest_memory.h"

namespace hvrun {

inline constexpr uint64_t kTraplessPageSize = 4096;

// The page's bytes for a runtime whose trapless entry is (entry).
std::array<uint8_t, kTraplessPageSize> TraplessPage(uint64_t entry);

// Writes TraplessPage(entry) at guest address 0. An (entry) outside guest
// memory (the guest's own mistake or malice) leaves the page all int3, so
// a rewritten site traps into the guest's own fault path; nothing of the
// host's is at stake either way.
void WriteTraplessPage(const GuestMemory& memory, uint64_t entry);

}  // namespace hvrun

#endif  // VMM_BASE_TRAPLESS_PAGE_H_
