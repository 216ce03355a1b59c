// File: tests/e2e/elf_util.cc
#include "tests/e2e/elf_util.h"

#include <sys/stat.h>

namespace hvtest {

bool WriteFile(const std::string& path, const std::string& bytes, unsigned mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return false;
  }
  return chmod(path.c_str(), mode) == 0;
}

}  // namespace hvtest
