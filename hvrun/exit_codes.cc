// File: exit_codes.cc
#include "hvrun/exit_codes.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace hvrun {
namespace {
constexpr char kPayload[] = "hvrun/exit-code";
}

absl::Status WithExitCode(absl::Status status, int code) {
  status.SetPayload(kPayload, absl::Cord(std::to_string(code)));
  return status;
}

int ExitCodeOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPayload);
  int code = 0;
  if (payload.has_value() && absl::SimpleAtoi(std::string(*payload), &code)) return code;
  return kExitHvrunError;
}

}  // namespace hvrun
