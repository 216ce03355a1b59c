// File: library_dirs.h
//
// LibraryDirs answers, for a dynamically linked app run without a root
// filesystem: which host directories must the guest see (read-only, at the
// same paths) for its dynamic linker to find every library the app needs?
// It follows the linker's own search, object by object (glibc's
// _dl_map_object): DT_RPATH (when there is no DT_RUNPATH), LD_LIBRARY_PATH,
// DT_RUNPATH, then the system directories, $ORIGIN expanded; DT_NEEDED of
// each library found is searched in turn. A library found under a
// directory's glibc-hwcaps/ subdirectory counts for that directory. The
// host's /etc/ld.so.cache is not consulted (the guest has none), so what
// the guest's linker finds, this finds too. A library found nowhere is left
// out: the guest's linker then reports it, as on Linux.
//
// Example:
//   HV_ASSIGN_OR_RETURN(ElfImage app, ReadElfFile("/bin/ls"));
//   HV_ASSIGN_OR_RETURN(std::vector<std::string> dirs, LibraryDirs(app, ""));
//   // {"/lib/x86_64-linux-gnu"} on Debian
#ifndef HVRUN_ELF_LIBRARY_DIRS_H_
#define HVRUN_ELF_LIBRARY_DIRS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hvrun/elf/elf_image.h"

namespace hvrun {

// The system directories x86-64 glibc searches last, in its order (Debian
// multiarch; `ld.so --help` lists them).
inline constexpr const char* kSystemLibraryDirs[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"};

// The directories (absolute, normalized, without a trailing '/') holding the
// libraries (app) needs, transitively, in the order first used. (app.path)
// is the host path the app was read from ($ORIGIN); (ld_library_path) is the
// guest's LD_LIBRARY_PATH. Errors: a malformed dynamic section in the app or
// a library (InvalidArgumentError naming the file).
absl::StatusOr<std::vector<std::string>> LibraryDirs(const ElfImage& app,
                                                     std::string_view ld_library_path);

}  // namespace hvrun

#endif  // HVRUN_ELF_LIBRARY_DIRS_H_
