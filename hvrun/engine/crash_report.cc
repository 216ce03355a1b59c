// File: crash_report.cc
#include "hvrun/engine/crash_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hvrun {

std::string FormatCrashReport(const CrashReport& crash, const Symbolizer& symbolize) {
  std::string out = absl::StrFormat("hvrun: guest crashed: %s at rip 0x%x%s", crash.what, crash.rip,
                                    symbolize ? symbolize(crash.rip) : "");
  if (crash.fault_address.has_value()) {
    absl::StrAppendFormat(&out, ", fault address 0x%x", *crash.fault_address);
  }
  out += "\n";
  int column = 0;
  for (const auto& [name, value] : crash.registers) {
    absl::StrAppendFormat(&out, "%s%-6s 0x%016x", column == 0 ? "  " : "  ", name, value);
    if (++column == 4) {
      out += "\n";
      column = 0;
    }
  }
  if (column != 0) out += "\n";
  return out;
}

}  // namespace hvrun
