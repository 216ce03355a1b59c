// hv_bench, fast paths (issue 15): the calls an app makes most, each natively
// and under hvrun with both syscall paths, in one run.
//
//   BM_FastPath_<Op>_Native            syscall_loop OP natively
//   BM_FastPath_<Op>_<Backend>         under hvrun (--syscall-path=auto: the
//                                      site rewritten to call the runtime)
//   BM_FastPath_<Op>_<Backend>Trap     under hvrun --syscall-path=trap
//   BM_StartToExit_<Backend>Trap       hello start to exit with every syscall
//                                      trapping (BM_StartToExit_<Backend>
//                                      in syscall_bench.cc is auto)
//
// <Op>: Getppid (glibc's wrapper), Generic (syscall(SYS_getppid): its
// number is in a register, so it traps on both paths), Clock
// (clock_gettime(CLOCK_MONOTONIC); natively the vDSO), Null (64-byte write to
// /dev/null), PreadTmpfs (4 KiB random pread of a 1 MiB file in the guest's
// own in-memory /tmp, --tmp-size=0; natively a file in $TMPDIR) and
// PreadMount (the same through a -v mount of a host directory). Times are
// the guest's own (manual time), ns_per_call beside them.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

enum class Where { kNative, kTmpfs, kMount, kNone };

struct Op {
  const char* name;  // the benchmark's <Op>
  const char* arg;   // syscall_loop's OP
  Where file;        // where pread's file lives (kNone: no file)
};

constexpr Op kOps[] = {
    {"Getppid", "getppid", Where::kNone},   {"Generic", "generic", Where::kNone},
    {"Clock", "clock", Where::kNone},       {"Null", "null", Where::kNone},
    {"PreadTmpfs", "pread", Where::kTmpfs}, {"PreadMount", "pread", Where::kMount},
};

void BM_FastPath(benchmark::State& state, Op op, const char* backend, const char* path) {
  TempDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("no temp dir");
    for (auto _ : state) {
    }
    return;
  }
  std::vector<std::string> program = {BinPath("hv_bench_syscall_loop"), op.arg};
  std::vector<std::string> argv;
  if (backend == nullptr) {
    if (op.file != Where::kNone) program.push_back(dir.path() + "/fast.dat");
    argv = program;
  } else {
    std::vector<std::string> mounts;
    if (op.file == Where::kTmpfs) program.push_back("/tmp/fast.dat");
    if (op.file == Where::kMount) {
      mounts.push_back(dir.path() + ":/data");
      program.push_back("/data/fast.dat");
    }
    argv = HvrunCommand(backend, mounts, program);
    argv.insert(argv.begin() + 1, std::string("--syscall-path=") + path);
    if (op.file == Where::kTmpfs) argv.insert(argv.begin() + 1, "--tmp-size=0");
  }
  RunLoop(state, argv,
          backend == nullptr ? std::string("native")
                             : std::string(backend) + ", --syscall-path=" + path);
}

void BM_StartToExitTrap(benchmark::State& state, const char* backend) {
  StartToExit(
      state,
      {HvrunPath(), std::string("--backend=") + backend, "--syscall-path=trap", BinPath("hello")},
      std::string(backend) + ", --syscall-path=trap");
}

}  // namespace

void RegisterFastPathBenchmarks() {
  for (const Op& op : kOps) {
    const std::string name = std::string("BM_FastPath_") + op.name + "_";
    benchmark::RegisterBenchmark((name + "Native").c_str(), BM_FastPath, op, nullptr, "")
        ->UseManualTime();
    for (const GuestBackend& b : kGuestBackends) {
      if (b.fixed_calls != 0) continue;  // xen: no trapless page
      const std::string suffix = b.suffix;
      benchmark::RegisterBenchmark((name + suffix).c_str(), BM_FastPath, op, b.name, "auto")
          ->UseManualTime();
      benchmark::RegisterBenchmark((name + suffix + "Trap").c_str(), BM_FastPath, op, b.name,
                                   "trap")
          ->UseManualTime();
    }
  }
  for (const GuestBackend& b : kGuestBackends) {
    if (b.fixed_calls != 0) continue;
    benchmark::RegisterBenchmark((std::string("BM_StartToExit_") + b.suffix + "Trap").c_str(),
                                 BM_StartToExitTrap, b.name)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace hvbench
