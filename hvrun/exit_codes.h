// File: exit_codes.h
//
// hvrun's exit status, as Docker does it: the guest's own status when it ran,
// else one of these. A Status carries its exit code as a payload.
//
//   125  hvrun itself failed: flags, runtime image, ABI, memory, backend
//   126  APP cannot be run: not an ELF, wrong arch, dynamically linked
//   127  APP not found
//   128+N  the guest died of signal N (crash, abort), like a shell
//   124  --timeout ran out, like timeout(1)
#ifndef HVRUN_EXIT_CODES_H_
#define HVRUN_EXIT_CODES_H_

#include "absl/status/status.h"

namespace hvrun {

inline constexpr int kExitHvrunError = 125;
inline constexpr int kExitAppNotRunnable = 126;
inline constexpr int kExitAppNotFound = 127;
inline constexpr int kExitTimeout = 124;

// Returns (status) marked with exit code (code).
absl::Status WithExitCode(absl::Status status, int code);
// Returns the exit code marked on (status), or kExitHvrunError.
int ExitCodeOf(const absl::Status& status);

}  // namespace hvrun

#endif  // HVRUN_EXIT_CODES_H_
