// hv_bench, processes: process costs under hvrun beside the same program run
// natively, in the same run.
//
//   BM_ForkWait_<Where>          proc_ops fork: fork + _exit + waitpid
//   BM_ForkExecStatic_<Where>    proc_ops exec hv_bench_true_static: fork + execve of a
//                                static program + waitpid
//   BM_ForkExecDynamic_<Where>   the same with Debian's dynamic /bin/true (under hvrun
//                                with --rootfs=/)
//   BM_PipePingPongProcs_<Where> proc_ops pipe: a one-byte round trip between two
//                                processes over two pipes
//   BM_Bash100_<Where>           bash-static -c running 100 commands (50 `true`s from
//                                PATH and 50 pipelines `echo x | cat`), start to exit
//
// <Where> is Native or a backend that runs processes (sim, kvm; xen refuses
// fork so far: ProcessTable, ForkSupported). Manual time is the guest's own
// per operation; iteration counts are fixed, each benchmark repeats 3 times.
#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

constexpr int kForks = 100;
constexpr int kRoundTrips = 2000;
constexpr int kRepetitions = 3;
constexpr char kBash[] = "/bin/bash-static";

// Backends whose guests can fork.
const std::vector<GuestBackend>& ProcessBackends() {
  static const std::vector<GuestBackend> kBackends = {{"Sim", "sim"}, {"Kvm", "kvm"}};
  return kBackends;
}

void ProcOps(benchmark::State& state, const char* backend, std::vector<std::string> args,
             bool rootfs) {
  std::vector<std::string> program = {BinPath("hv_bench_proc_ops")};
  program.insert(program.end(), args.begin(), args.end());
  // The program dir is mounted at the same path, so exec finds PROGRAM there.
  std::vector<std::string> argv = program;
  if (backend != nullptr) {
    std::string dir = BinPath("");
    dir.pop_back();  // the trailing '/'
    argv = HvrunCommand(backend, {dir + ":" + dir + ":ro"}, program);
    if (rootfs) argv.insert(argv.begin() + 2, "--rootfs=/");
  }
  std::optional<std::map<std::string, double>> values = RunMeasured(state, argv);
  if (!values) return;
  state.SetLabel(backend ? backend : "native process");
}

std::string Bash100() {
  std::string script;
  for (int i = 0; i < 50; ++i) script += "true; echo x | cat >/dev/null; ";
  return script;
}

void Bash(benchmark::State& state, const char* backend) {
  std::vector<std::string> argv = {kBash, "-c", Bash100()};
  if (backend != nullptr) {
    argv.insert(argv.begin(), {HvrunPath(), std::string("--backend=") + backend, "--rootfs=/", "-e",
                               "PATH=/usr/bin:/bin"});
  }
  StartToExit(state, argv, backend ? backend : "native process");
}

}  // namespace

void RegisterProcessBenchmarks() {
  struct Where {
    std::string suffix;
    const char* backend;  // null: native
  };
  std::vector<Where> wheres = {{"Native", nullptr}};
  for (const GuestBackend& b : ProcessBackends()) wheres.push_back({b.suffix, b.name});
  struct Op {
    const char* name;
    std::vector<std::string> args;
    int iterations;
    bool rootfs;
  };
  const std::vector<Op> ops = {
      {"BM_ForkWait_", {"fork"}, kForks, false},
      {"BM_ForkExecStatic_", {"exec", BinPath("hv_bench_true_static")}, kForks, false},
      {"BM_ForkExecDynamic_", {"exec", "/bin/true"}, kForks, true},
      {"BM_PipePingPongProcs_", {"pipe"}, kRoundTrips, false},
  };
  for (const Op& op : ops) {
    for (const Where& w : wheres) {
      benchmark::RegisterBenchmark((op.name + w.suffix).c_str(), ProcOps, w.backend, op.args,
                                   op.rootfs)
          ->UseManualTime()
          ->Iterations(op.iterations)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true);
    }
  }
  for (const Where& w : wheres) {
    benchmark::RegisterBenchmark(("BM_Bash100_" + w.suffix).c_str(), Bash, w.backend)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(5)
        ->Repetitions(kRepetitions)
        ->ReportAggregatesOnly(true);
  }
}

}  // namespace hvbench
