// File: launch.cc
//
// The recipe: read the app and the runtime image, make guest memory, load
// both, lay out argv/envp and the boot info, install the backend's pages,
// run, and turn the guest's end into an exit status.
#include "hvrun/launch.h"

#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hv-backends/backend.h"
#include "hvrun/clock_calibration.h"
#include "hvrun/elf/elf_image.h"
#include "hvrun/elf/elf_loader.h"
#include "hvrun/elf/elf_symbols.h"
#include "hvrun/engine/crash_report.h"
#include "hvrun/engine/host_limits.h"
#include "hvrun/engine/service_engine.h"
#include "hvrun/engine/signal_names.h"
#include "hvrun/exit_codes.h"
#include "hvrun/services/host_files.h"
#include "hvrun/status_macros.h"

namespace hvrun {
namespace {

using layout::PageUp;

std::string MiB(uint64_t bytes) { return absl::StrFormat("%.1f MiB", bytes / 1048576.0); }

// The app must be a static x86-64 executable that fits below the top of guest
// memory, leaving room for its stack.
absl::StatusOr<ElfImage> ReadApp(const std::string& path) {
  auto app = ReadElfFile(path);
  if (!app.ok()) {
    const int code = absl::IsNotFound(app.status()) ? kExitAppNotFound : kExitAppNotRunnable;
    return WithExitCode(app.status(), code);
  }
  return app;
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

// Opens every -v mount; a bad spec or a missing host directory is hvrun's
// error (125), before anything runs.
absl::StatusOr<HostFiles> OpenMounts(const std::vector<std::string>& volumes) {
  HostFiles files;
  for (const std::string& spec : volumes) {
    HV_ASSIGN_OR_RETURN(HostMount mount, HostMount::Parse(spec));
    for (const HostMount& other : files.mounts()) {
      if (other.guest_path == mount.guest_path) {
        return absl::InvalidArgumentError(
            absl::StrCat("-v: ", mount.guest_path, " is mounted twice"));
      }
    }
    files.AddMount(std::move(mount));
  }
  return files;
}

// Writes argv then envp, NUL-terminated, at layout::kStrings, then the mount
// table (struct hv_mount[], 8-aligned) and its guest paths. Returns the
// strings' size and sets (*mounts) to the table's guest address.
absl::StatusOr<uint64_t> WriteStrings(const GuestMemory& memory,
                                      const std::vector<std::string>& args,
                                      const std::vector<std::string>& env, const HostFiles& files,
                                      uint64_t* mounts) {
  std::string blob;
  for (const auto& s : args) blob.append(s).push_back('\0');
  for (const auto& s : env) blob.append(s).push_back('\0');
  const uint64_t strings_size = blob.size();
  blob.resize((blob.size() + 7) & ~size_t{7});
  *mounts = layout::kStrings + blob.size();
  std::string paths;
  const uint64_t paths_at = *mounts + files.mounts().size() * sizeof(hv_mount);
  for (const HostMount& m : files.mounts()) {
    hv_mount entry{paths_at + paths.size(), m.read_only ? HV_MOUNT_READ_ONLY : 0, 0};
    blob.append(reinterpret_cast<const char*>(&entry), sizeof(entry));
    paths.append(m.guest_path).push_back('\0');
  }
  blob += paths;
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
               uint64_t app_bias, const ElfImage& runtime) {
  if (exit.info.out_of_memory > 0 && (exit.status != 0 || options.verbose)) {
    std::cerr << absl::StrFormat(
        "hvrun: guest ran out of memory: %d allocation(s) failed with --memory=%s\n",
        exit.info.out_of_memory, MiB(options.memory));
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

  // 1. The app and the runtime image, checked before anything is created.
  HV_ASSIGN_OR_RETURN(ElfImage app, ReadApp(options.app));
  std::string runtime_path = options.runtime;
  if (runtime_path.empty()) {
    HV_ASSIGN_OR_RETURN(runtime_path, LocateRuntime());
  }
  HV_ASSIGN_OR_RETURN(ElfImage runtime, ReadRuntime(runtime_path));
  HV_ASSIGN_OR_RETURN(HostFiles files, OpenMounts(options.volumes));
  HV_ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend, CreateBackend(options.backend));
  if (options.verbose) std::cerr << "hvrun: backend " << backend->Describe() << "\n";

  // 2. Where everything goes.
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
  const uint64_t needed = app_end + layout::kAppStackSize + (1 << 20);
  if (app_end < app_bias || needed > options.memory) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "ELF %s needs %s of guest memory to load with its stack, larger than guest memory "
        "(--memory=%s)",
        options.app, MiB(needed), MiB(options.memory)));
  }

  // 3. Guest memory, the two images, the strings, the backend's pages.
  HV_ASSIGN_OR_RETURN(GuestMemory memory, backend->CreateMemory(options.memory));
  HV_RETURN_IF_ERROR(LoadElf(runtime, rt_bias, memory, Relocate::kYes));
  HV_RETURN_IF_ERROR(LoadElf(app, app_bias, memory, Relocate::kNo));
  std::vector<std::string> env = options.env;
  uint64_t mounts = 0;
  HV_ASSIGN_OR_RETURN(uint64_t strings_size,
                      WriteStrings(memory, options.args, env, files, &mounts));
  HV_ASSIGN_OR_RETURN(GuestEntries entries, backend->InstallGuestPages(memory));

  // 4. The boot info: everything the runtime needs, in one page.
  hv_boot_info boot{};
  boot.magic = HV_BOOT_MAGIC;
  boot.abi_version = HV_ABI_VERSION;
  boot.size = sizeof(boot);
  boot.backend = backend->kind();
  boot.flags = options.verbose ? HV_BOOT_VERBOSE : 0;
  boot.hypercall_entry = entries.hypercall;
  boot.segment_base_entry = entries.segment_base;
  boot.memory = {memory.start(), memory.size() - memory.start()};
  boot.free = {PageUp(app_end), memory.size() - PageUp(app_end)};
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

  // 5. Run until the guest ends.
  ServiceEngine engine(memory, ServiceOptions{.verbose = options.verbose}, std::move(files));
  GuestStart start{.entry = rt_bias + runtime.entry,
                   .pvh_entry = runtime.pvh_entry.has_value() ? rt_bias + *runtime.pvh_entry : 0,
                   .boot_info = layout::kBootInfo,
                   .stack_top = layout::kRuntimeStackTop,
                   .timeout = options.timeout};
  HV_ASSIGN_OR_RETURN(GuestExit exit, backend->Run(memory, start, engine));
  return ReportExit(exit, options, app, app_bias, runtime);
}

}  // namespace hvrun
