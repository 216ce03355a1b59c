// File: main.cc
//
// hvrun's command line, and nothing else: flags in, Launch(), exit status out.
//
//   hvrun [--backend=auto|sim|kvm|xen] [--memory=SIZE] [-e KEY=VAL]...
//         [--verbose] [--runtime=PATH] [--timeout=DURATION] APP [ARGS...]
//
// Flags come before APP; everything from APP on belongs to the guest.
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hvrun/exit_codes.h"
#include "hvrun/launch.h"
#include "hvrun/memory_size.h"

ABSL_FLAG(std::string, backend, "auto",
          "How the guest runs: auto (kvm when /dev/kvm is usable and built, else sim), sim "
          "(a sandboxed Linux process), kvm or xen");
ABSL_FLAG(std::string, memory, "512M", "Guest memory size: bytes or a K, M or G suffix");
ABSL_FLAG(bool, verbose, false,
          "Report unsupported syscalls by name as they happen, and a summary");
ABSL_FLAG(std::string, runtime, "",
          "The runtime image; empty means hvrun-runtime.elf beside hvrun or in its installed "
          "lib dir");
ABSL_FLAG(absl::Duration, timeout, absl::InfiniteDuration(),
          "Stop the guest after this long, e.g. 30s or 5m (exit status 124)");

namespace {

constexpr char kUsage[] =
    "hvrun runs an unmodified static x86-64 Linux program as a guest of a hypervisor-aware\n"
    "library OS: the program's syscalls are served by hvrun's runtime, and every hardware\n"
    "request becomes a hypercall to hvrun.\n"
    "\n"
    "Usage: hvrun [FLAGS] APP [ARGS...]\n"
    "\n"
    "The guest sees only the environment given with -e (and PATH), fds 0-2 as hvrun's\n"
    "stdin/stdout/stderr, and no host files. hvrun exits with the guest's status; 128+N when\n"
    "the guest died of signal N; 124 on --timeout; 125 when hvrun itself failed; 126 when APP\n"
    "cannot be run (not a static x86-64 ELF); 127 when APP does not exist.\n";

constexpr const char* kFlagNames[] = {"backend", "memory", "verbose", "runtime", "timeout"};
constexpr char kDefaultPath[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

void PrintHelp() {
  std::cout << kUsage << "\nFlags:\n";
  std::cout << "  -e KEY=VAL, --env=KEY=VAL\n      Set an environment variable in the guest "
               "(repeatable)\n";
  for (const char* name : kFlagNames) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::cout << "  --" << name << "\n      " << flag->Help()
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
// (which Abseil's flags cannot repeat) out by hand.
struct SplitArgs {
  std::vector<char*> flags;  // argv[0] and hvrun's flags, for absl::ParseCommandLine
  std::vector<std::string> env;
  std::vector<std::string> app_args;
  bool help = false;
};

SplitArgs Split(int argc, char** argv) {
  static const std::set<std::string> kTakesValue = {"--backend", "--memory", "--runtime",
                                                    "--timeout", "-backend", "-memory",
                                                    "-runtime",  "-timeout"};
  static const std::set<std::string> kKnown = {"backend",   "memory",  "verbose",
                                               "noverbose", "runtime", "timeout"};
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
    } else {
      const std::string name = arg.substr(0, arg.find('=')).substr(arg[1] == '-' ? 2 : 1);
      if (!kKnown.count(name)) {
        Fail(absl::StrCat("unknown flag ", arg, " (hvrun --help lists the flags)"),
             hvrun::kExitHvrunError);
      }
      out.flags.push_back(argv[i]);
      if (kTakesValue.count(arg) && i + 1 < argc) out.flags.push_back(argv[++i]);
    }
  }
  for (; i < argc; ++i) out.app_args.push_back(argv[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  SplitArgs split = Split(argc, argv);
  if (split.help) {
    PrintHelp();
    return 0;
  }
  absl::ParseCommandLine(static_cast<int>(split.flags.size()), split.flags.data());

  hvrun::LaunchOptions options;
  options.backend = absl::GetFlag(FLAGS_backend);
  options.verbose = absl::GetFlag(FLAGS_verbose);
  options.runtime = absl::GetFlag(FLAGS_runtime);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  if (options.timeout <= absl::ZeroDuration()) {
    Fail("--timeout must be positive, e.g. --timeout=30s", hvrun::kExitHvrunError);
  }
  auto memory = hvrun::ParseMemorySize(absl::GetFlag(FLAGS_memory));
  if (!memory.ok()) Fail(std::string(memory.status().message()), hvrun::kExitHvrunError);
  options.memory = *memory;
  for (const std::string& kv : split.env) {
    if (kv.find('=') == std::string::npos || kv[0] == '=') {
      Fail(absl::StrCat("-e '", kv, "' is not KEY=VAL"), hvrun::kExitHvrunError);
    }
  }
  bool has_path = false;
  for (const std::string& kv : split.env) has_path |= absl::StartsWith(kv, "PATH=");
  if (!has_path) options.env.push_back(kDefaultPath);
  options.env.insert(options.env.end(), split.env.begin(), split.env.end());
  if (split.app_args.empty()) {
    std::cerr << "hvrun: no APP given\nUsage: hvrun [FLAGS] APP [ARGS...]   (hvrun --help)\n";
    return hvrun::kExitHvrunError;
  }
  options.app = split.app_args[0];
  options.args = split.app_args;

  absl::StatusOr<int> status = hvrun::Launch(options);
  if (!status.ok()) {
    std::cerr << "hvrun: " << status.status().message() << "\n";
    return hvrun::ExitCodeOf(status.status());
  }
  return *status;
}
