// File: memory_size.h
//
// ParseMemorySize("512M") == 512 << 20. Accepts a byte count with an optional
// K, M or G suffix (binary units, optional trailing "iB"/"B").
#ifndef HVRUN_MEMORY_SIZE_H_
#define HVRUN_MEMORY_SIZE_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace hvrun {

// Returns the size in bytes, rounded up to 2 MiB, or InvalidArgument for
// text that is not a size or a size outside [kMinMemory, kMaxMemory].
absl::StatusOr<uint64_t> ParseMemorySize(std::string_view text);

// The same syntax, any byte count (no rounding, no range); errors name
// (flag).
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view flag);

}  // namespace hvrun

#endif  // HVRUN_MEMORY_SIZE_H_
