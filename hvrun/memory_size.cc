// File: memory_size.cc
#include "hvrun/memory_size.h"

#include <cctype>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "vmm/base/layout.h"

namespace hvrun {

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view flag) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(flag), "='", std::string(text),
                     "' is not a size: use bytes or a K, M or G suffix, e.g. 512M"));
  };
  std::string s = absl::AsciiStrToUpper(std::string(text));
  for (const char* suffix : {"IB", "B"}) {
    // Something must precede the suffix: "IB" alone would look at s[-1].
    if (s.size() > strlen(suffix) && s.ends_with(suffix) &&
        std::isalpha(static_cast<unsigned char>(s[s.size() - strlen(suffix) - 1]))) {
      s.resize(s.size() - strlen(suffix));
      break;
    }
  }
  uint64_t shift = 0;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K':
        shift = 10;
        break;
      case 'M':
        shift = 20;
        break;
      case 'G':
        shift = 30;
        break;
      case 'T':
        shift = 40;
        break;
    }
    if (shift != 0) s.pop_back();
  }
  uint64_t n = 0;
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0])) || !absl::SimpleAtoi(s, &n)) {
    return bad();
  }
  if (n > (UINT64_MAX >> shift)) return bad();
  return n << shift;
}

absl::StatusOr<uint64_t> ParseMemorySize(std::string_view text) {
  absl::StatusOr<uint64_t> n = ParseByteSize(text, "--memory");
  if (!n.ok()) return n.status();
  if (*n > UINT64_MAX - layout::kMemoryGranule) {
    return absl::InvalidArgumentError(absl::StrCat("--memory='", std::string(text),
                                                   "' is not a size: use bytes or a K, M or G "
                                                   "suffix, e.g. 512M"));
  }
  const uint64_t bytes = (*n + layout::kMemoryGranule - 1) & ~(layout::kMemoryGranule - 1);
  if (bytes < layout::kMinMemory || bytes > layout::kMaxMemory) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--memory='", std::string(text), "' is out of range: guest memory must be between ",
        layout::kMinMemory >> 20, "M and ", layout::kMaxMemory >> 30, "G"));
  }
  return bytes;
}

}  // namespace hvrun
