// File: launch.cc
//
// The recipe: read the app and the runtime image, make guest memory, load
// both, lay out argv/envp and the boot info, install the backend's pages,
// run, and turn the guest's end into an exit status.
#include "hvrun/launch.h"

#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "hv-backends/backend.h"
#include "hvrun/clock_calibration.h"
#include "hvrun/elf/elf_image.h"
#include "hvrun/elf/elf_loader.h"
#include "hvrun/elf/elf_symbols.h"
#include "hvrun/elf/library_dirs.h"
#include "hvrun/exit_codes.h"
#include "hvrun/process_table.h"
#include "hvrun/stop_forwarder.h"
#include "vmm/base/crash_report.h"
#include "vmm/base/host_limits.h"
#include "vmm/base/memory_watch.h"
#include "vmm/base/signal_names.h"
#include "vmm/base/status_macros.h"
#include "vmm/engine/service_engine.h"
#include "vmm/services/host_files.h"
#include "vmm/services/shm_store.h"

namespace hvrun {
namespace {

using layout::PageUp;

std::string MiB(uint64_t bytes) { return absl::StrFormat("%.1f MiB", bytes / 1048576.0); }

// The host's RAM (MemTotal), the default limit on what a guest may use: no
// stricter than what the host could give a process.
uint64_t HostMemTotal() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return kb << 10;
    in.ignore(256, '\n');
  }
  return 4ull << 30;
}

// Guest memory's size and the limit on its use. Elastic backends (a memfd)
// get a large address space and (--memory or MemTotal) as the limit; xen
// gets --memory (or its default) as RAM, which is then also the limit.
struct MemoryPlan {
  uint64_t size = 0;
  uint64_t limit = 0;
};
MemoryPlan PlanMemory(const Backend& backend, uint64_t requested) {
  constexpr uint64_t kGiB = 1ull << 30;
  if (!backend.ElasticMemory()) {
    const uint64_t size = requested != 0 ? requested : layout::kDefaultXenMemory;
    return {size, size};
  }
  const uint64_t limit = requested != 0 ? requested : HostMemTotal();
  uint64_t size = std::max(layout::kAddressSpace, (limit + kGiB - 1) & ~(kGiB - 1));
  size = std::min(size, backend.MaxAddressSpace());
  return {size, limit};
}

// Exit status 127 for a missing file, 126 for one that cannot run.
absl::Status AppError(const absl::Status& status) {
  return WithExitCode(status, absl::IsNotFound(status) ? kExitAppNotFound : kExitAppNotRunnable);
}

// The guest's PATH entries (from its environment), for an APP without '/'.
std::vector<std::string> GuestPath(const std::vector<std::string>& env) {
  std::vector<std::string> dirs;
  for (const std::string& kv : env) {
    if (!absl::StartsWith(kv, "PATH=")) continue;
    for (absl::string_view d : absl::StrSplit(absl::string_view(kv).substr(5), ':')) {
      if (!d.empty() && d[0] == '/') dirs.emplace_back(d);
    }
  }
  return dirs;
}

// The app, an x86-64 ELF: read from the host, or found inside the root file
// system (as docker finds an image's command: through PATH when it has no
// '/', relative to the workdir otherwise). (*guest_path) is its path as the
// guest sees it.
absl::StatusOr<ElfImage> ReadApp(const LaunchOptions& options, const HostMount* rootfs,
                                 std::string* guest_path) {
  *guest_path = options.app;
  if (rootfs == nullptr) {
    auto app = ReadElfFile(options.app);
    if (!app.ok()) return AppError(app.status());
    return app;
  }
  std::vector<std::string> candidates;
  if (options.app.find('/') == std::string::npos) {
    for (const std::string& dir : GuestPath(options.env)) {
      candidates.push_back(absl::StrCat(dir, "/", options.app));
    }
  } else if (options.app[0] == '/') {
    candidates.push_back(options.app);
  } else {
    candidates.push_back(
        absl::StrCat(options.workdir.empty() ? "/" : options.workdir, "/", options.app));
  }
  for (const std::string& path : candidates) {
    auto app = ReadElfFileInRoot(rootfs->root.get(), path);
    if (absl::IsNotFound(app.status())) continue;
    if (!app.ok()) return AppError(app.status());
    *guest_path = path;
    return app;
  }
  return WithExitCode(absl::NotFoundError(absl::StrCat(
                          options.app, ": not found in the root file system ", rootfs->host_path,
                          options.app.find('/') == std::string::npos ? " (searched PATH)" : "")),
                      kExitAppNotFound);
}

// The dynamic linker (app.interp) of a dynamically linked app: an ET_DYN
// image without an interpreter of its own, read where the app was.
absl::StatusOr<ElfImage> ReadInterp(const ElfImage& app, const std::string& app_path,
                                    const HostMount* rootfs) {
  absl::StatusOr<ElfImage> interp = rootfs != nullptr
                                        ? ReadElfFileInRoot(rootfs->root.get(), *app.interp)
                                        : ReadElfFile(*app.interp);
  if (!interp.ok()) {
    return AppError(
        absl::Status(interp.status().code(),
                     absl::StrCat(app_path, ": its interpreter (PT_INTERP) cannot be loaded: ",
                                  interp.status().message())));
  }
  if (interp->kind != ElfKind::kPie || interp->interp.has_value()) {
    return WithExitCode(
        absl::InvalidArgumentError(absl::StrCat(app_path, ": its interpreter ", *app.interp,
                                                " is not a position-independent, self-contained "
                                                "dynamic linker (ET_DYN without PT_INTERP)")),
        kExitAppNotRunnable);
  }
  return interp;
}

absl::StatusOr<ElfImage> ReadRuntime(const std::string& path) {
  auto rt = ReadElfFile(path);
  if (!rt.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("runtime image: ", rt.status().message()));
  }
  if (!rt->hvrun_note.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "runtime image ", path, " is not an hvrun runtime image (it has no \"hvrun\" ELF note)"));
  }
  if (rt->hvrun_note->abi_version != HV_ABI_VERSION) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "runtime image %s speaks hvrun ABI version %d, but this hvrun speaks ABI version %d: "
        "use the runtime image built with this hvrun",
        path, rt->hvrun_note->abi_version, HV_ABI_VERSION));
  }
  if (rt->kind != ElfKind::kPie) {
    return absl::FailedPreconditionError(
        absl::StrCat("runtime image ", path, " is not position-independent (static-pie)"));
  }
  return rt;
}

// Opens the root file system (mount 0, if any) and every -v mount; a bad
// spec or a missing host directory is hvrun's error (125), before anything
// runs.
absl::StatusOr<HostFiles> OpenMounts(const LaunchOptions& options) {
  HostFiles files;
  if (!options.rootfs.empty()) {
    HV_ASSIGN_OR_RETURN(HostMount root, HostMount::Rootfs(options.rootfs, !options.rootfs_rw));
    files.AddMount(std::move(root));
  }
  for (const std::string& spec : options.volumes) {
    HV_ASSIGN_OR_RETURN(HostMount mount, HostMount::Parse(spec));
    for (const HostMount& other : files.mounts()) {
      if (other.guest_path == mount.guest_path) {
        return absl::InvalidArgumentError(
            absl::StrCat("-v: ", mount.guest_path, " is mounted twice"));
      }
    }
    files.AddMount(std::move(mount));
  }
  // /dev/shm and /tmp: stores every process shares (shm_store.h), unless a
  // -v mount covers the path or lies below it (the runtime mounts nothing
  // inside a host mount: there the guest keeps its own tmpfs, as before).
  auto covered = [&](const std::string& path) {
    for (const HostMount& m : files.mounts()) {
      if (!m.rootfs && (m.guest_path == path || absl::StartsWith(path, m.guest_path + "/") ||
                        absl::StartsWith(m.guest_path, path + "/"))) {
        if (options.verbose) {
          std::cerr << "hvrun: " << path << " stays the guest's own (per process): the mount at "
                    << m.guest_path << " is there\n";
        }
        return true;
      }
    }
    return false;
  };
  const uint64_t tmp_size = options.tmp_size != LaunchOptions::kTmpAsMemory ? options.tmp_size
                            : options.memory != 0                           ? options.memory
                                                                            : HostMemTotal();
  for (const auto& [path, size] :
       {std::pair<std::string, uint64_t>{"/dev/shm", options.shm_size}, {"/tmp", tmp_size}}) {
    if (size == 0 || covered(path)) continue;
    HV_ASSIGN_OR_RETURN(std::shared_ptr<ShmStore> store, ShmStore::Create(size, path));
    HV_ASSIGN_OR_RETURN(HostMount mount, store->Mount());
    files.AddMount(std::move(mount));
  }
  return files;
}

// Whether guest path (path) is (dir) or below it.
bool Under(const std::string& path, const std::string& dir) {
  return path == dir || (absl::StartsWith(path, dir) && path.size() > dir.size() &&
                         (dir == "/" || path[dir.size()] == '/'));
}

// A dynamically linked app without a root file system: the host library
// directories its dynamic linker will search and find its libraries in
// (library_dirs.h) become read-only mounts at the same paths, unless a
// mount the user gave covers the path already.
absl::Status MountLibraryDirs(const ElfImage& app, const LaunchOptions& options, HostFiles& files) {
  std::string ld_library_path;
  for (const std::string& kv : options.env) {
    if (absl::StartsWith(kv, "LD_LIBRARY_PATH=")) ld_library_path = kv.substr(16);
  }
  absl::StatusOr<std::vector<std::string>> dirs = LibraryDirs(app, ld_library_path);
  if (!dirs.ok()) return WithExitCode(dirs.status(), kExitAppNotRunnable);
  for (const std::string& dir : *dirs) {
    bool covered = false;
    for (const HostMount& m : files.mounts()) covered |= Under(dir, m.guest_path);
    if (covered) continue;
    absl::StatusOr<HostMount> mount = HostMount::SamePath(dir);
    if (!mount.ok()) continue;  // gone since: the guest's linker will say what is missing
    if (options.verbose) std::cerr << "hvrun: library directory " << dir << " (read-only)\n";
    files.AddMount(*std::move(mount));
  }
  return absl::OkStatus();
}

// Writes argv then envp, NUL-terminated, at layout::kStrings, then the mount
// table (struct hv_mount[], 8-aligned), its guest paths and the (extra)
// strings. Returns the strings' size and sets (*mounts) to the table's guest
// address and each extra's pointer to its string's (0 for an empty one).
absl::StatusOr<uint64_t> WriteStrings(const GuestMemory& memory,
                                      const std::vector<std::string>& args,
                                      const std::vector<std::string>& env, const HostFiles& files,
                                      uint64_t* mounts,
                                      std::vector<std::pair<std::string, uint64_t*>> extra) {
  std::string blob;
  for (const auto& s : args) blob.append(s).push_back('\0');
  for (const auto& s : env) blob.append(s).push_back('\0');
  const uint64_t strings_size = blob.size();
  blob.resize((blob.size() + 7) & ~size_t{7});
  *mounts = layout::kStrings + blob.size();
  std::string paths;
  const uint64_t paths_at = *mounts + files.mounts().size() * sizeof(hv_mount);
  for (const HostMount& m : files.mounts()) {
    const uint32_t flags = (m.read_only ? HV_MOUNT_READ_ONLY : 0) |
                           (m.rootfs ? HV_MOUNT_ROOTFS : 0) |
                           (m.shm && m.shm->guest_path() == "/dev/shm" ? HV_MOUNT_SHM : 0);
    hv_mount entry{paths_at + paths.size(), flags, 0};
    blob.append(reinterpret_cast<const char*>(&entry), sizeof(entry));
    paths.append(m.guest_path).push_back('\0');
  }
  blob += paths;
  // Then the extra strings (the workdir, the app's path), each where the
  // caller asked; an empty one is 0 (absent).
  for (auto& [text, at] : extra) {
    *at = 0;
    if (text.empty()) continue;
    *at = layout::kStrings + blob.size();
    blob.append(text).push_back('\0');
  }
  if (blob.size() > layout::kStringsEnd - layout::kStrings) {
    return absl::InvalidArgumentError(absl::StrCat("arguments and environment take ", blob.size(),
                                                   " bytes; the guest takes at most ",
                                                   layout::kStringsEnd - layout::kStrings));
  }
  HV_RETURN_IF_ERROR(memory.WriteBytes(
      layout::kStrings, {reinterpret_cast<const uint8_t*>(blob.data()), blob.size()}));
  return strings_size;
}

// Turns how the guest ended into hvrun's exit status, telling the user why.
int ReportExit(const GuestExit& exit, const LaunchOptions& options, const ElfImage& app,
               uint64_t app_bias, const ElfImage& runtime, const MemoryPlan& plan) {
  if (exit.info.out_of_memory > 0 && (exit.status != 0 || options.verbose)) {
    std::cerr << absl::StrFormat(
        "hvrun: guest ran out of memory: %d allocation(s) failed in its %s address space "
        "(limit on use: --memory=%s)\n",
        exit.info.out_of_memory, MiB(plan.size), MiB(plan.limit));
  }
  if (options.verbose) {
    std::cerr << absl::StrFormat(
        "hvrun: %d syscall(s) served; %d syscall site(s) rewritten to call the runtime without "
        "a trap\n",
        exit.info.syscalls, exit.info.trapless_sites);
  }
  if (options.verbose && exit.info.unsupported > 0) {
    std::cerr << absl::StrFormat("hvrun: %d unsupported syscall(s) returned ENOSYS\n",
                                 exit.info.unsupported);
  }
  switch (exit.kind) {
    case GuestExit::Kind::kExited:
      return exit.status & 0xff;
    case GuestExit::Kind::kSignaled:
      std::cerr << "hvrun: guest terminated by " << SignalName(exit.status) << "\n";
      return 128 + (exit.status & 0x7f);  // the guest chose it: keep it a byte
    case GuestExit::Kind::kCrashed: {
      const ElfSymbols app_syms = ElfSymbols::FromImage(app);
      const ElfSymbols rt_syms = ElfSymbols::FromImage(runtime);
      const uint64_t rt_bias = layout::kRuntimeBase - runtime.min_vaddr;
      Symbolizer symbolize = [&](uint64_t rip) -> std::string {
        if (auto s = app_syms.Lookup(rip - app_bias)) {
          return absl::StrFormat(" <%s+0x%x>", s->first, s->second);
        }
        if (auto s = rt_syms.Lookup(rip - rt_bias)) {
          return absl::StrFormat(" <runtime:%s+0x%x>", s->first, s->second);
        }
        return "";
      };
      std::cerr << FormatCrashReport(*exit.crash, symbolize);
      return 128 + (exit.status & 0x7f);
    }
    case GuestExit::Kind::kTimedOut:
      std::cerr << "hvrun: " << exit.detail << "\n";
      return kExitTimeout;
    case GuestExit::Kind::kKilled:
      std::cerr << "hvrun: " << exit.detail << "\n";
      return exit.status > 0 ? 128 + (exit.status & 0x7f) : kExitHvrunError;
  }
  return kExitHvrunError;
}

}  // namespace

absl::StatusOr<std::string> LocateRuntime() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return absl::InternalError("cannot read /proc/self/exe to find the runtime image");
  const std::filesystem::path beside = self.parent_path() / "hvrun-runtime.elf";
  const std::filesystem::path installed =
      (self.parent_path() / HV_RUNTIME_RELDIR / "hvrun-runtime.elf").lexically_normal();
  for (const auto& p : {beside, installed}) {
    if (std::filesystem::exists(p, ec)) return p.string();
  }
  return absl::NotFoundError(absl::StrCat("runtime image not found at ", beside.string(), " or ",
                                          installed.string(), "; pass --runtime=PATH"));
}

absl::StatusOr<int> Launch(const LaunchOptions& options) {
  // 0. hvrun's own fd limit, before anything is opened: the guest's open
  // host files are hvrun's fds, and HostFiles leaves hvrun a reserve below
  // this limit. Not fatal: the handle table shrinks to a lower limit.
  if (absl::Status raised = RaiseOpenFileLimit(); !raised.ok() && options.verbose) {
    std::cerr << "hvrun: " << raised.message() << "\n";
  }

  // 1. The mounts, the app (with its interpreter) and the runtime image,
  // checked before anything is created.
  if (!options.workdir.empty() && options.workdir[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("--workdir ", options.workdir, ": must be an absolute path"));
  }
  HV_ASSIGN_OR_RETURN(HostFiles files, OpenMounts(options));
  const HostMount* rootfs = options.rootfs.empty() ? nullptr : files.mount(0);
  std::string app_path;
  HV_ASSIGN_OR_RETURN(ElfImage app, ReadApp(options, rootfs, &app_path));
  std::optional<ElfImage> interp;
  if (app.interp.has_value()) {
    HV_ASSIGN_OR_RETURN(interp, ReadInterp(app, app_path, rootfs));
    if (rootfs == nullptr) HV_RETURN_IF_ERROR(MountLibraryDirs(app, options, files));
  }
  std::string runtime_path = options.runtime;
  if (runtime_path.empty()) {
    HV_ASSIGN_OR_RETURN(runtime_path, LocateRuntime());
  }
  HV_ASSIGN_OR_RETURN(ElfImage runtime, ReadRuntime(runtime_path));
  HV_ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend, CreateBackend(options.backend));
  if (options.verbose) std::cerr << "hvrun: backend " << backend->Describe() << "\n";

  // 2. Where everything goes: the app at its link address (ET_EXEC) or at
  // kAppPieBase, its interpreter on the next page after it.
  const uint64_t rt_bias = layout::kRuntimeBase - runtime.min_vaddr;
  if (rt_bias + runtime.max_vaddr > layout::kRuntimeEnd) {
    return absl::FailedPreconditionError(
        absl::StrFormat("runtime image %s is %s, more than the %s hvrun reserves for it",
                        runtime_path, MiB(runtime.max_vaddr - runtime.min_vaddr),
                        MiB(layout::kRuntimeEnd - layout::kRuntimeBase)));
  }
  const uint64_t app_bias = app.kind == ElfKind::kPie ? layout::kAppPieBase - app.min_vaddr : 0;
  if (app.kind == ElfKind::kExec && app.min_vaddr < layout::kRuntimeEnd) {
    return WithExitCode(
        absl::FailedPreconditionError(absl::StrFormat(
            "ELF %s is linked at 0x%x, below 0x%x, which hvrun reserves; link it at the default "
            "address",
            options.app, app.min_vaddr, layout::kRuntimeEnd)),
        kExitAppNotRunnable);
  }
  const uint64_t app_end = app_bias + app.max_vaddr;
  const uint64_t interp_bias = interp ? PageUp(app_end) - interp->min_vaddr : 0;
  const uint64_t images_end = interp ? interp_bias + interp->max_vaddr : app_end;
  const uint64_t needed = images_end + layout::kAppStackSize + (1 << 20);
  const MemoryPlan plan = PlanMemory(*backend, options.memory);
  if (app_end < app_bias || images_end < app_end || needed > plan.size) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "ELF %s needs %s of guest memory to load with its stack, larger than guest memory "
        "(%s)",
        options.app, MiB(needed), MiB(plan.size)));
  }

  // 3. Guest memory, the images, the strings, the backend's pages.
  HV_ASSIGN_OR_RETURN(GuestMemory memory, backend->CreateMemory(plan.size));
  HV_RETURN_IF_ERROR(LoadElf(runtime, rt_bias, memory, Relocate::kYes));
  HV_RETURN_IF_ERROR(LoadElf(app, app_bias, memory, Relocate::kNo));
  // The dynamic linker relocates itself and then the app, as under Linux.
  if (interp) HV_RETURN_IF_ERROR(LoadElf(*interp, interp_bias, memory, Relocate::kNo));
  std::vector<std::string> env = options.env;
  uint64_t mounts = 0, workdir = 0, exe_path = 0;
  HV_ASSIGN_OR_RETURN(
      uint64_t strings_size,
      WriteStrings(memory, options.args, env, files, &mounts,
                   {{options.workdir, &workdir},
                    {app_path != options.args.front() ? app_path : "", &exe_path}}));
  HV_ASSIGN_OR_RETURN(GuestEntries entries, backend->InstallGuestPages(memory));

  // 4. The boot info: everything the runtime needs, in one page.
  hv_boot_info boot{};
  boot.magic = HV_BOOT_MAGIC;
  boot.abi_version = HV_ABI_VERSION;
  boot.size = sizeof(boot);
  boot.backend = backend->kind();
  boot.flags = (options.verbose ? HV_BOOT_VERBOSE : 0) |
               (backend->ElasticMemory() ? HV_BOOT_ZEROED_MEMORY : 0) |
               (options.trapless ? HV_BOOT_TRAPLESS : 0);
  boot.memory_limit = plan.limit;
  boot.hypercall_entry = entries.hypercall;
  boot.segment_base_entry = entries.segment_base;
  boot.protect_entry = entries.protect;
  boot.page_table_root = entries.page_table_root;
  boot.tlb_flush_entry = entries.tlb_flush;
  boot.remap_own_entry = entries.remap_own;
  boot.map_file_entry = entries.map_file;
  boot.memory = {memory.start(), memory.size() - memory.start()};
  // On elastic memory the runtime's free memory starts above the image area,
  // so that execve can load a larger program in place (exec_service.h).
  const uint64_t free_start = backend->ElasticMemory()
                                  ? std::max(PageUp(images_end), layout::kImageAreaEnd)
                                  : PageUp(images_end);
  boot.free = {free_start, memory.size() - backend->ReservedTop() - free_start};
  boot.pid = 1;
  boot.ppid = 0;
  boot.runtime = {rt_bias + runtime.min_vaddr, runtime.max_vaddr - runtime.min_vaddr};
  boot.app = {app_bias + app.min_vaddr, app.max_vaddr - app.min_vaddr};
  boot.app_entry = app_bias + app.entry;
  boot.app_phdr = app_bias + app.phdr_vaddr;
  boot.app_phnum = app.phnum;
  boot.app_phent = app.phentsize;
  boot.app_load_bias = app_bias;
  boot.strings = layout::kStrings;
  boot.strings_size = strings_size;
  boot.argc = static_cast<uint32_t>(options.args.size());
  boot.envc = static_cast<uint32_t>(env.size());
  boot.stack_size = layout::kAppStackSize;
  boot.mounts = mounts;
  boot.mount_count = static_cast<uint32_t>(files.mounts().size());
  if (interp) {
    boot.interp = {interp_bias + interp->min_vaddr, interp->max_vaddr - interp->min_vaddr};
    boot.interp_entry = interp_bias + interp->entry;
    boot.interp_base = interp_bias;
  }
  boot.workdir = workdir;
  boot.exe_path = exe_path;
  boot.clock = CalibrateClock();
  boot.uid = getuid();
  boot.gid = getgid();
  boot.hwcap = getauxval(AT_HWCAP);
  boot.hwcap2 = getauxval(AT_HWCAP2);
  if (getrandom(boot.random, sizeof(boot.random), 0) != sizeof(boot.random)) {
    return absl::InternalError("getrandom failed for AT_RANDOM");
  }
  if (app.phdr_vaddr == 0) {
    return WithExitCode(absl::InvalidArgumentError(absl::StrCat(
                            "ELF ", options.app, ": program headers are not in a loaded segment")),
                        kExitAppNotRunnable);
  }
  HV_RETURN_IF_ERROR(memory.Write(layout::kBootInfo, boot));

  // 5. Run until the guest's first process (init) ends: the process table
  // runs it here and every process it forks on threads of its own.
  GuestStart start{.entry = rt_bias + runtime.entry,
                   .pvh_entry = runtime.pvh_entry.has_value() ? rt_bias + *runtime.pvh_entry : 0,
                   .boot_info = layout::kBootInfo,
                   .stack_top = layout::kRuntimeStackTop,
                   .timeout = options.timeout};
  const bool elastic = backend->ElasticMemory();
  ProcessTable table(
      {.backend = std::string(backend->name()),
       .pids_limit = options.pids_limit,
       .service = ServiceOptions{.verbose = options.verbose, .network = options.network}});
  MemoryWatch watch(elastic ? std::function<uint64_t()>([&table] { return table.UsedBytes(); })
                            : std::function<uint64_t()>(),
                    plan.limit);
  GuestImage init{.backend = std::move(backend),
                  .memory = std::make_unique<GuestMemory>(std::move(memory)),
                  .start = start,
                  .files = std::move(files),
                  .image_end = elastic ? free_start : 0};
  absl::StatusOr<GuestExit> ran;
  {
    StopForwarder forward([&table](int sig) { table.SignalInit(sig); }, options.stop_timeout);
    ran = table.RunInit(std::move(init));
  }
  HV_ASSIGN_OR_RETURN(GuestExit exit, std::move(ran));
  if (options.verbose && table.created() > 1) {
    std::cerr << "hvrun: " << table.created() << " processes ran\n";
  }
  if (options.verbose && elastic) {
    std::cerr << absl::StrFormat(
        "hvrun: guest memory: %s used at most (of --memory=%s), %s "
        "address space\n",
        MiB(watch.peak()), MiB(plan.limit), MiB(plan.size));
  }
  return ReportExit(exit, options, app, app_bias, runtime, plan);
}

}  // namespace hvrun
