// File: syscall_names.cc
#include <algorithm>
#include <iterator>

#include "vmm/services/services.h"

namespace hvrun {
namespace {
struct NameRow {
  uint64_t nr;
  const char* name;
};
// Generated at configure time from <asm/unistd_64.h>.
constexpr NameRow kNames[] = {
#include "syscall_names.inc"
};
}  // namespace

const char* SyscallName(uint64_t nr) {
  auto it = std::find_if(std::begin(kNames), std::end(kNames),
                         [nr](const NameRow& r) { return r.nr == nr; });
  return it == std::end(kNames) ? "" : it->name;
}

}  // namespace hvrun
