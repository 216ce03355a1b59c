// hv_bench: what a syscall, a hypercall and a whole guest start cost, each
// under hvrun beside its native baseline.
//
//   BM_Syscall_Native        syscall(SYS_getppid) in this process
//   BM_Syscall_NativeProcess syscall_loop run natively (same loop as the guest)
//   BM_Syscall_<Backend>     syscall_loop under hvrun --backend=<backend>
//   BM_Hypercall_<Backend>   hypercall_loop (hv::nop()) under hvrun
//   BM_StartToExit_Native    spawn <bin>/hello and wait
//   BM_StartToExit_<Backend> spawn `hvrun --backend=<backend> <bin>/hello` and wait
//
//   BM_SyscallByWall_<Backend> (xen) the syscall loop timed from outside hvrun
//
// Xen's (BM_*_Xen) run only in a Xen dom0 (scripts/xen-test.sh runs them
// there, under an emulated CPU), with fixed counts (GuestBackend::fixed_calls).
//
// The loop benchmarks run the guest program once per benchmark run with
// N = state.max_iterations and report the guest-measured time per call as
// manual time, so process start-up is not counted; StartToExit counts
// everything, in real time.
//
// The other families (fast_paths_bench.cc, files_bench.cc, threads_bench.cc, ...) register from
// main() below; shared helpers live in bench_util.h.
//
// Run: <build>/bin/hv_bench --benchmark_format=json --benchmark_out=bench.json
#include <benchmark/benchmark.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "bench_util.h"

namespace {

using hvbench::BinPath;
using hvbench::HvrunPath;
using hvbench::RunLoop;
using hvbench::Spawn;
using hvbench::SpawnResult;
using hvbench::StartToExit;

void BM_Syscall_Native(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_getppid));
  state.SetLabel("native, in process");
}

void BM_Syscall_NativeProcess(benchmark::State& state) {
  RunLoop(state, {BinPath("hv_bench_syscall_loop")}, "native process");
}

void BM_Syscall_Guest(benchmark::State& state, const char* backend) {
  RunLoop(state,
          {HvrunPath(), std::string("--backend=") + backend, BinPath("hv_bench_syscall_loop")},
          backend);
}

// The syscall loop timed from outside: hvrun's wall time with (calls)
// syscalls minus its wall time with none, per call. For a backend whose
// guest clock cannot time a loop that never blocks (xen under QEMU: the
// pvclock record lags until the vCPU is rescheduled; docs/xen.md).
void BM_SyscallByWall_Guest(benchmark::State& state, const char* backend, int64_t calls) {
  auto wall_s = [&](int64_t n) -> double {
    const auto t0 = std::chrono::steady_clock::now();
    SpawnResult r = Spawn({HvrunPath(), std::string("--backend=") + backend,
                           BinPath("hv_bench_syscall_loop"), std::to_string(n)},
                          /*capture=*/true);
    if (!r.error.empty()) return -1;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // The fastest of three runs each: a guest start varies by more than the
  // loop takes (xen under QEMU: 1.4-2.9 s).
  double empty = -1, full = -1;
  for (int run = 0; run < 3; ++run) {
    const double e = wall_s(0), f = wall_s(calls);
    if (e < 0 || f < 0) {
      empty = full = -1;
      break;
    }
    empty = empty < 0 ? e : std::min(empty, e);
    full = full < 0 ? f : std::min(full, f);
  }
  if (empty < 0 || full < 0) {
    state.SkipWithError("hvrun syscall_loop failed");
    for (auto _ : state) {
    }
    return;
  }
  const double per_call = (full - empty) / static_cast<double>(calls);
  for (auto _ : state) state.SetIterationTime(per_call > 0 ? per_call : 0);
  state.counters["ns_per_call"] = per_call * 1e9;
  state.counters["calls"] = static_cast<double>(calls);
  state.SetLabel(std::string(backend) + ", wall time (N calls) - wall time (0 calls)");
}

void BM_Hypercall_Guest(benchmark::State& state, const char* backend) {
  RunLoop(state,
          {HvrunPath(), std::string("--backend=") + backend, BinPath("hv_bench_hypercall_loop")},
          backend);
}

void BM_StartToExit_Native(benchmark::State& state) {
  StartToExit(state, {BinPath("hello")}, "native");
}

void BM_StartToExit_Guest(benchmark::State& state, const char* backend) {
  StartToExit(state, {HvrunPath(), std::string("--backend=") + backend, BinPath("hello")}, backend);
}

BENCHMARK(BM_Syscall_Native);
BENCHMARK(BM_Syscall_NativeProcess)->UseManualTime();
BENCHMARK(BM_StartToExit_Native)->UseRealTime()->Unit(benchmark::kMillisecond);

// One set of guest benchmarks per backend in kGuestBackends.
void RegisterGuestBenchmarks() {
  for (const hvbench::GuestBackend& b : hvbench::kGuestBackends) {
    std::string suffix = b.suffix;
    auto* syscalls =
        benchmark::RegisterBenchmark(("BM_Syscall_" + suffix).c_str(), BM_Syscall_Guest, b.name)
            ->UseManualTime();
    auto* hypercalls =
        benchmark::RegisterBenchmark(("BM_Hypercall_" + suffix).c_str(), BM_Hypercall_Guest, b.name)
            ->UseManualTime();
    auto* starts = benchmark::RegisterBenchmark(("BM_StartToExit_" + suffix).c_str(),
                                                BM_StartToExit_Guest, b.name)
                       ->UseRealTime()
                       ->Unit(benchmark::kMillisecond);
    if (b.fixed_calls != 0) {
      syscalls->Iterations(b.fixed_calls);
      hypercalls->Iterations(b.fixed_calls);
      starts->Iterations(1);
      benchmark::RegisterBenchmark(("BM_SyscallByWall_" + suffix).c_str(), BM_SyscallByWall_Guest,
                                   b.name, b.fixed_calls * 5000)
          ->UseManualTime()
          ->Iterations(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterGuestBenchmarks();
  hvbench::RegisterFastPathBenchmarks();
  hvbench::RegisterFileBenchmarks();
  hvbench::RegisterThreadBenchmarks();
  hvbench::RegisterProgramBenchmarks();
  hvbench::RegisterProcessBenchmarks();
  hvbench::RegisterNetworkBenchmarks();
  hvbench::RegisterHttpBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
