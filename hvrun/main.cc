// File: main.cc
//
// hvrun's command line, and nothing else: flags in, Launch(), exit status out.
//
//   hvrun [--backend=auto|sim|kvm|xen] [--memory=SIZE] [-e KEY=VAL]... [-v HOST:GUEST[:ro]]...
//         [--rootfs=DIR [--rootfs-rw]] [-w DIR] [--verbose] [--runtime=PATH] [--timeout=DURATION]
//         [--network=none|loopback|host] [-p [IP:]HOSTPORT:GUESTPORT[/udp]]...
//         [--manifest=FILE] [--print-manifest] APP [ARGS...]
//
// Flags come before APP; everything from APP on belongs to the guest. A
// manifest (manifest.h) sets the same things; flags given override it.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "vmm/base/host_signals.h"
#ifdef HV_HAVE_XEN
#include "hv-backends/xen/host/xen_reaper.h"
#endif
#include "hvrun/exit_codes.h"
#include "hvrun/launch.h"
#include "hvrun/manifest.h"
#include "hvrun/memory_size.h"

ABSL_FLAG(std::string, backend, "auto",
          "How the guest runs: auto (kvm when /dev/kvm is usable and built, else sim), sim "
          "(a sandboxed Linux process), kvm or xen");
ABSL_FLAG(std::string, memory, "",
          "The most memory the guest may use (bytes or a K, M, G suffix), as docker's --memory: "
          "its address space is larger and only what it touches counts; over the limit the run "
          "ends with an out-of-memory report and status 137. Empty: the host's RAM. On xen: the "
          "domain's RAM (empty: 512M)");
ABSL_FLAG(bool, verbose, false,
          "Report unsupported syscalls by name as they happen, and a summary");
ABSL_FLAG(std::string, runtime, "",
          "The runtime image; empty means hvrun-runtime.elf beside hvrun or in its installed "
          "lib dir");
ABSL_FLAG(absl::Duration, timeout, absl::InfiniteDuration(),
          "Stop the guest after this long, e.g. 30s or 5m (exit status 124)");
ABSL_FLAG(std::string, manifest, "",
          "A run manifest (text proto, hvrun.v1.RunManifest): APP, ARGS, env and flags in a "
          "file; flags and APP given on the command line override it");
ABSL_FLAG(std::string, rootfs, "",
          "A host directory to be the guest's root file system (read-only; see --rootfs-rw): "
          "APP is found inside it, paths resolve in it as in a chroot, with the guest's own "
          "/tmp, /dev, /proc and the -v mounts on top");
ABSL_FLAG(bool, rootfs_rw, false, "Let the guest change the --rootfs directory");
ABSL_FLAG(std::string, workdir, "",
          "The guest's start directory, an absolute guest path (also -w DIR); empty means /");
ABSL_FLAG(absl::Duration, stop_timeout, absl::Seconds(10),
          "SIGINT, SIGTERM and SIGHUP sent to hvrun go to the guest's first process (as docker "
          "stop does); if the guest is still running this long after the first, hvrun ends it "
          "(status 128+N)");
ABSL_FLAG(int, pids_limit, 512,
          "The most processes the guest may have at once (live and not yet reaped); a fork "
          "past it fails with EAGAIN, and hvrun says so once");
ABSL_FLAG(std::string, shm_size, "64M",
          "The size of the guest's /dev/shm (POSIX shared memory, sem_open), shared by all its "
          "processes, as docker's --shm-size: the sizes of its files together; 0 for no "
          "/dev/shm");
ABSL_FLAG(std::string, tmp_size, "",
          "The most bytes the guest's /tmp may hold: a host directory of hvrun's own (under "
          "$TMPDIR), shared by all its processes and removed when the guest ends; empty means "
          "--memory's size; 0 gives each process the runtime's in-memory /tmp instead (faster, "
          "but a forked process has its own copy)");
ABSL_FLAG(std::string, network, "loopback",
          "What the guest's sockets may reach: none (no IP sockets, AF_UNIX only), loopback "
          "(outbound anywhere; the guest listens only on the host's loopback, and on the ports "
          "given with -p) or host (the host's network as it is, every interface)");
ABSL_FLAG(std::string, syscall_path, "auto",
          "How the app's syscalls reach the runtime: auto (a syscall site whose number is a "
          "constant, `mov $nr, %eax; syscall`, is rewritten at its second trap into a direct "
          "call of the runtime; the rest trap) or trap (every syscall traps: Syscall User "
          "Dispatch on sim, an exit on kvm). The environment variable HVRUN_SYSCALL_PATH sets "
          "the default");
ABSL_FLAG(bool, print_manifest, false,
          "Print the effective manifest (the manifest, defaults and flags merged) and exit "
          "without running anything");

namespace {

constexpr char kUsage[] =
    "hvrun runs an unmodified x86-64 Linux program, static or dynamically linked, as a guest\n"
    "of a hypervisor-aware library OS: the program's syscalls are served by hvrun's runtime,\n"
    "and every hardware request becomes a hypercall to hvrun.\n"
    "\n"
    "Usage: hvrun [FLAGS] APP [ARGS...]\n"
    "\n"
    "The guest sees only the environment given with -e (and PATH), fds 0-2 as hvrun's\n"
    "stdin/stdout/stderr, and no host files but the directories mounted with -v, the\n"
    "--rootfs directory, and, for a dynamically linked APP without --rootfs, the library\n"
    "directories its dynamic linker needs (read-only, at their host paths). hvrun exits\n"
    "with the guest's status; 128+N when the guest died of signal N; 124 on --timeout; 125\n"
    "when hvrun itself failed; 126 when APP cannot be run (not an x86-64 ELF, or its\n"
    "interpreter cannot be loaded); 127 when APP does not exist.\n";

// Abseil's names; --help and the command line spell '_' as '-'.
constexpr const char* kFlagNames[] = {
    "backend",   "memory",       "verbose",      "runtime",       "timeout",  "rootfs",
    "rootfs_rw", "workdir",      "stop_timeout", "pids_limit",    "shm_size", "tmp_size",
    "network",   "syscall_path", "manifest",     "print_manifest"};

void PrintHelp() {
  std::cout << kUsage << "\nFlags:\n";
  std::cout << "  -e KEY=VAL, --env=KEY=VAL\n      Set an environment variable in the guest "
               "(repeatable)\n";
  std::cout << "  -v HOST:GUEST[:ro], --volume=HOST:GUEST[:ro]\n      Mount host directory HOST "
               "at GUEST in the guest, read-only with :ro (repeatable)\n";
  std::cout << "  -p [IP:]HOSTPORT:GUESTPORT[/tcp|/udp], --publish=...\n      Publish a guest "
               "port on the host, as docker's -p: the guest's bind of GUESTPORT listens on "
               "HOSTPORT of every host interface (or IP's) (repeatable)\n";
  for (const char* name : kFlagNames) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::string spelled = name;
    std::replace(spelled.begin(), spelled.end(), '_', '-');
    std::cout << "  --" << spelled << "\n      " << flag->Help()
              << " (default: " << (flag->DefaultValue().empty() ? "\"\"" : flag->DefaultValue())
              << ")\n";
  }
  std::cout << "  --help\n      Show this help\n";
}

[[noreturn]] void Fail(const std::string& message, int code) {
  std::cerr << "hvrun: " << message << "\n";
  std::exit(code);
}

// Splits hvrun's own flags from APP and its arguments, and takes -e/--env
// and -v/--volume (which Abseil's flags cannot repeat) out by hand.
struct SplitArgs {
  std::vector<std::string> flags;  // argv[0] and hvrun's flags, for absl::ParseCommandLine
  std::set<std::string> given;     // the Abseil names of the flags in (flags)
  std::vector<std::string> env;
  std::vector<std::string> volumes;
  std::vector<std::string> publish;
  std::vector<std::string> app_args;
  bool help = false;
};

SplitArgs Split(int argc, char** argv) {
  static const std::set<std::string> kTakesValue = {
      "backend",    "memory",       "runtime",  "timeout",  "manifest", "rootfs",      "workdir",
      "pids_limit", "stop_timeout", "shm_size", "tmp_size", "network",  "syscall_path"};
  static const std::set<std::string> kBool = {"verbose", "print_manifest", "rootfs_rw"};
  SplitArgs out;
  out.flags.push_back(argv[0]);
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.empty() || arg[0] != '-' || arg == "-") break;  // APP
    if (arg == "--help" || arg == "-h" || arg == "-help" || arg == "--helpfull") {
      out.help = true;
    } else if (arg == "-e" || arg == "--env") {
      if (i + 1 >= argc) Fail(absl::StrCat(arg, " needs KEY=VAL"), hvrun::kExitHvrunError);
      out.env.push_back(argv[++i]);
    } else if (absl::StartsWith(arg, "--env=")) {
      out.env.push_back(arg.substr(6));
    } else if (arg == "-v" || arg == "--volume") {
      if (i + 1 >= argc) Fail(absl::StrCat(arg, " needs HOST:GUEST[:ro]"), hvrun::kExitHvrunError);
      out.volumes.push_back(argv[++i]);
    } else if (absl::StartsWith(arg, "--volume=")) {
      out.volumes.push_back(arg.substr(9));
    } else if (arg == "-p" || arg == "--publish") {
      if (i + 1 >= argc) {
        Fail(absl::StrCat(arg, " needs [IP:]HOSTPORT:GUESTPORT[/tcp|/udp]"),
             hvrun::kExitHvrunError);
      }
      out.publish.push_back(argv[++i]);
    } else if (absl::StartsWith(arg, "--publish=")) {
      out.publish.push_back(arg.substr(10));
    } else if (arg == "-w") {
      if (i + 1 >= argc) Fail("-w needs DIR", hvrun::kExitHvrunError);
      out.given.insert("workdir");
      out.flags.push_back(absl::StrCat("--workdir=", argv[++i]));
    } else {
      const size_t eq = arg.find('=');
      std::string name = arg.substr(0, eq).substr(arg[1] == '-' ? 2 : 1);
      std::replace(name.begin(), name.end(), '-', '_');  // --print-manifest
      std::string base = name;
      if (absl::StartsWith(name, "no") && kBool.count(name.substr(2))) base = name.substr(2);
      if (!kTakesValue.count(base) && !kBool.count(base)) {
        Fail(absl::StrCat("unknown flag ", arg, " (hvrun --help lists the flags)"),
             hvrun::kExitHvrunError);
      }
      out.given.insert(base);
      out.flags.push_back(absl::StrCat("--", name, eq == std::string::npos ? "" : arg.substr(eq)));
      if (kTakesValue.count(name) && eq == std::string::npos && i + 1 < argc) {
        out.flags.push_back(argv[++i]);
      }
    }
  }
  for (; i < argc; ++i) out.app_args.push_back(argv[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef HV_HAVE_XEN
  // The process hvrun --backend=xen starts to destroy its domain if hvrun
  // dies without doing so (xen_reaper.h); never a user-facing mode.
  if (argc == 3 && std::string_view(argv[1]) == hvrun::xen::kReaperFlag) {
    return hvrun::xen::RunReaper(argv[2]);
  }
#endif
  // No guest action may kill hvrun through a signal (EPIPE, EFBIG, ...).
  hvrun::ShieldFromGuestSignals();
  absl::SetProgramUsageMessage(kUsage);
  SplitArgs split = Split(argc, argv);
  if (split.help) {
    PrintHelp();
    return 0;
  }
  std::vector<char*> flag_argv;
  for (std::string& flag : split.flags) flag_argv.push_back(flag.data());
  absl::ParseCommandLine(static_cast<int>(flag_argv.size()), flag_argv.data());

  hvrun::v1::RunManifest manifest;
  if (const std::string path = absl::GetFlag(FLAGS_manifest); !path.empty()) {
    absl::StatusOr<hvrun::v1::RunManifest> read = hvrun::ReadManifest(path);
    if (!read.ok()) Fail(std::string(read.status().message()), hvrun::kExitHvrunError);
    manifest = *std::move(read);
  }
  // Flags on the command line override the manifest; the others' defaults
  // fill only what it leaves empty.
  hvrun::ManifestFlags given, defaults;
  auto from = [&](const char* name) -> hvrun::ManifestFlags& {
    return split.given.count(name) ? given : defaults;
  };
  from("backend").backend = absl::GetFlag(FLAGS_backend);
  if (const std::string memory = absl::GetFlag(FLAGS_memory);
      !memory.empty() || split.given.count("memory")) {
    from("memory").memory = memory;
  }
  from("verbose").verbose = absl::GetFlag(FLAGS_verbose);
  from("runtime").runtime = absl::GetFlag(FLAGS_runtime);
  from("timeout").timeout = absl::GetFlag(FLAGS_timeout);
  from("rootfs").rootfs = absl::GetFlag(FLAGS_rootfs);
  from("rootfs_rw").rootfs_rw = absl::GetFlag(FLAGS_rootfs_rw);
  from("workdir").workdir = absl::GetFlag(FLAGS_workdir);
  given.env = split.env;
  from("network").network = absl::GetFlag(FLAGS_network);
  given.volumes = split.volumes;
  given.publish = split.publish;
  given.app_args = split.app_args;
  if (absl::Status merged = hvrun::ApplyFlags(given, defaults, &manifest); !merged.ok()) {
    Fail(std::string(merged.message()), hvrun::kExitHvrunError);
  }
  if (absl::GetFlag(FLAGS_print_manifest)) {
    std::cout << hvrun::PrintManifest(manifest);
    return 0;
  }
  if (manifest.image().empty()) {
    std::cerr << "hvrun: no APP given\nUsage: hvrun [FLAGS] APP [ARGS...]   (hvrun --help)\n";
    return hvrun::kExitHvrunError;
  }
  absl::StatusOr<hvrun::LaunchOptions> options = hvrun::ToLaunchOptions(manifest);
  if (!options.ok()) {
    Fail(std::string(options.status().message()), hvrun::ExitCodeOf(options.status()));
  }

  options->stop_timeout = absl::GetFlag(FLAGS_stop_timeout);
  if (options->stop_timeout < absl::ZeroDuration()) {
    Fail("--stop-timeout must not be negative", hvrun::kExitHvrunError);
  }
  options->pids_limit = absl::GetFlag(FLAGS_pids_limit);
  if (options->pids_limit < 1) {
    Fail("--pids-limit must be at least 1 (the first process)", hvrun::kExitHvrunError);
  }
  absl::StatusOr<uint64_t> shm_size =
      hvrun::ParseByteSize(absl::GetFlag(FLAGS_shm_size), "--shm-size");
  if (!shm_size.ok()) Fail(std::string(shm_size.status().message()), hvrun::kExitHvrunError);
  if (*shm_size > (1ull << 40)) Fail("--shm-size must be at most 1T", hvrun::kExitHvrunError);
  options->shm_size = *shm_size;
  if (!absl::GetFlag(FLAGS_tmp_size).empty()) {
    absl::StatusOr<uint64_t> tmp_size =
        hvrun::ParseByteSize(absl::GetFlag(FLAGS_tmp_size), "--tmp-size");
    if (!tmp_size.ok()) Fail(std::string(tmp_size.status().message()), hvrun::kExitHvrunError);
    options->tmp_size = *tmp_size;
  }
  std::string syscall_path = absl::GetFlag(FLAGS_syscall_path);
  if (const char* env = std::getenv("HVRUN_SYSCALL_PATH");
      env != nullptr && *env != '\0' && !split.given.contains("syscall_path")) {
    syscall_path = env;
  }
  if (syscall_path != "auto" && syscall_path != "trap") {
    Fail("--syscall-path must be auto or trap, not \"" + syscall_path + "\"",
         hvrun::kExitHvrunError);
  }
  options->trapless = syscall_path == "auto";
  absl::StatusOr<int> status = hvrun::Launch(*options);
  if (!status.ok()) {
    std::cerr << "hvrun: " << status.status().message() << "\n";
    return hvrun::ExitCodeOf(status.status());
  }
  return *status;
}
