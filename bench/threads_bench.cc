// hv_bench, threads: thread costs under hvrun beside the same program run
// natively as a process.
//
//   BM_ThreadSpawnJoin_<Where>  thread_ops spawn: std::thread spawn + join
//   BM_ThreadPingPong_<Where>   thread_ops pingpong: one round trip between two
//                               threads over a std::mutex and condition_variables
//
// <Where> is Native, NativeOneCpu (the same, pinned to the CPU hv_bench runs
// on: on a 2-vCPU VM host the unpinned native figures swing by 10x with
// whether the scheduler puts both threads on one CPU or wakes the other one
// through an IPI) or a kGuestBackends suffix. Time is the guest's own
// measurement per spawn+join pair or per round trip (manual time); iteration
// counts are fixed so the family stays quick under the slowest backend; each
// benchmark runs kRepetitions times and reports mean/median/stddev/cv.
#include <benchmark/benchmark.h>
#include <sched.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

constexpr int kSpawns = 500;
constexpr int kRoundTrips = 5000;
constexpr int kRepetitions = 5;

// Sets this process's CPU affinity to the one CPU it is running on (the child
// inherits it) and restores the old mask when it goes away.
class PinToOneCpu {
 public:
  PinToOneCpu() {
    if (sched_getaffinity(0, sizeof old_, &old_) != 0) return;
    int cpu = sched_getcpu();
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu < 0 ? 0 : cpu, &one);
    pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~PinToOneCpu() {
    if (pinned_) sched_setaffinity(0, sizeof old_, &old_);
  }
  PinToOneCpu(const PinToOneCpu&) = delete;
  PinToOneCpu& operator=(const PinToOneCpu&) = delete;
  bool pinned() const { return pinned_; }

 private:
  cpu_set_t old_;
  bool pinned_ = false;
};

// backend null: native; pin: native, pinned to one CPU.
void ThreadOps(benchmark::State& state, const char* backend, bool pin, const char* mode,
               const char* counter) {
  std::vector<std::string> program = {BinPath("hv_bench_thread_ops"), mode};
  std::optional<std::map<std::string, double>> values;
  if (pin) {
    PinToOneCpu one_cpu;
    if (!one_cpu.pinned()) {
      state.SkipWithError("sched_setaffinity failed");
      return;
    }
    values = RunMeasured(state, program);
  } else {
    values = RunMeasured(state, backend ? HvrunCommand(backend, {}, program) : program);
  }
  if (!values) return;
  state.counters[counter] = (*values)["total_ns"] / static_cast<double>(state.iterations());
  state.SetLabel(backend ? backend : pin ? "native process, one CPU" : "native process");
}

}  // namespace

void RegisterThreadBenchmarks() {
  struct Where {
    std::string suffix;
    const char* backend;  // null: native
    bool pin;             // native, pinned to one CPU
  };
  std::vector<Where> wheres = {{"Native", nullptr, false}, {"NativeOneCpu", nullptr, true}};
  for (const GuestBackend& b : kGuestBackends) wheres.push_back({b.suffix, b.name, false});
  for (const Where& w : wheres) {
    benchmark::RegisterBenchmark(("BM_ThreadSpawnJoin_" + w.suffix).c_str(), ThreadOps, w.backend,
                                 w.pin, "spawn", "ns_per_pair")
        ->UseManualTime()
        ->Iterations(kSpawns)
        ->Repetitions(kRepetitions)
        ->ReportAggregatesOnly(true);
  }
  for (const Where& w : wheres) {
    benchmark::RegisterBenchmark(("BM_ThreadPingPong_" + w.suffix).c_str(), ThreadOps, w.backend,
                                 w.pin, "pingpong", "ns_per_round_trip")
        ->UseManualTime()
        ->Iterations(kRoundTrips)
        ->Repetitions(kRepetitions)
        ->ReportAggregatesOnly(true);
  }
}

}  // namespace hvbench
