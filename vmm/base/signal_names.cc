// File: signal_names.cc
#include "vmm/base/signal_names.h"

#include <string.h>

#include <cctype>

#include "absl/strings/str_cat.h"

namespace hvrun {

std::string SignalName(int signo) {
  const char* abbrev = sigabbrev_np(signo);
  if (abbrev == nullptr) return absl::StrCat("signal ", signo);
  return absl::StrCat("SIG", abbrev);
}

std::string SignalDescription(int signo) {
  const char* desc = sigdescr_np(signo);
  if (desc == nullptr) return SignalName(signo);
  std::string lower(desc);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return absl::StrCat(SignalName(signo), " (", lower, ")");
}

}  // namespace hvrun
