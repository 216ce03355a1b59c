// File: library_dirs.cc
#include "hvrun/elf/library_dirs.h"

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "hvrun/elf/elf_dynamic.h"

namespace hvrun {
namespace {

// The glibc-hwcaps subdirectories x86-64 glibc tries first, best first.
constexpr const char* kHwcaps[] = {"x86-64-v4", "x86-64-v3", "x86-64-v2"};
// Libraries looked at, at most: a bound on hostile dependency graphs.
constexpr size_t kMaxObjects = 512;

std::string DirName(const std::string& path) {
  std::string abs = path;
  if (abs.empty() || abs[0] != '/') {
    std::error_code ec;
    abs = std::filesystem::absolute(path, ec).string();
  }
  std::string dir = std::filesystem::path(abs).lexically_normal().parent_path().string();
  return dir.empty() ? "/" : dir;
}

// Normalizes one search-path entry, expanding $ORIGIN / ${ORIGIN}; an
// empty or relative entry (the linker's relative-to-cwd case) or one with
// another $ token is skipped ("").
std::string Entry(absl::string_view raw, const std::string& origin) {
  std::string e = absl::StrReplaceAll(raw, {{"${ORIGIN}", origin}, {"$ORIGIN", origin}});
  if (e.empty() || e[0] != '/' || e.find('$') != std::string::npos) return "";
  std::string norm = std::filesystem::path(e).lexically_normal().string();
  while (norm.size() > 1 && norm.back() == '/') norm.pop_back();
  return norm;
}

void AddPath(std::vector<std::string>& dirs, absl::string_view list, const std::string& origin) {
  for (absl::string_view raw : absl::StrSplit(list, absl::ByAnyChar(":;"))) {
    if (std::string e = Entry(raw, origin); !e.empty()) dirs.push_back(std::move(e));
  }
}

bool IsFile(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

struct Object {
  ElfImage image;
  std::string origin;
  std::string rpath;  // DT_RPATH of this object and the objects that loaded it (glibc's order)
};

}  // namespace

absl::StatusOr<std::vector<std::string>> LibraryDirs(const ElfImage& app,
                                                     std::string_view ld_library_path) {
  std::vector<std::string> used;
  std::set<std::string> used_set, seen_names;
  std::deque<Object> queue;
  queue.push_back({app, DirName(app.path), ""});
  size_t objects = 0;
  while (!queue.empty() && objects++ < kMaxObjects) {
    Object obj = std::move(queue.front());
    queue.pop_front();
    absl::StatusOr<ElfDynamic> dyn = ReadDynamic(obj.image);
    if (!dyn.ok()) return dyn.status();
    std::string rpath_chain = obj.rpath;
    if (dyn->runpath.empty() && !dyn->rpath.empty()) {
      rpath_chain = absl::StrCat(dyn->rpath, rpath_chain.empty() ? "" : ":", rpath_chain);
    }
    std::vector<std::string> search;
    if (dyn->runpath.empty()) AddPath(search, rpath_chain, obj.origin);
    AddPath(search, absl::string_view(ld_library_path.data(), ld_library_path.size()), obj.origin);
    AddPath(search, dyn->runpath, obj.origin);
    for (const char* d : kSystemLibraryDirs) search.push_back(d);

    for (const std::string& name : dyn->needed) {
      if (name.empty() || !seen_names.insert(name).second) continue;
      std::string found_dir, found_path;
      if (name.find('/') != std::string::npos) {  // a path, not searched
        if (IsFile(name)) {
          found_dir = DirName(name);
          found_path = name;
        }
      } else {
        for (const std::string& dir : search) {
          for (const char* hw : kHwcaps) {
            std::string p = absl::StrCat(dir, "/glibc-hwcaps/", hw, "/", name);
            if (IsFile(p)) {
              found_path = p;
              break;
            }
          }
          if (found_path.empty()) {
            std::string p = absl::StrCat(dir, "/", name);
            if (IsFile(p)) found_path = p;
          }
          if (!found_path.empty()) {
            found_dir = dir;
            break;
          }
        }
      }
      if (found_path.empty()) continue;  // the guest's linker will say so
      if (used_set.insert(found_dir).second) used.push_back(found_dir);
      absl::StatusOr<ElfImage> lib = ReadElfFile(found_path);
      if (!lib.ok()) continue;  // not loadable: the guest's linker says why
      queue.push_back({*std::move(lib), DirName(found_path), rpath_chain});
    }
  }
  return used;
}

}  // namespace hvrun
