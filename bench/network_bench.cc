// hv_bench, network: socket costs under hvrun beside the same program run
// natively, in the same run (bench/guest/net_ops.cc).
//
//   BM_TcpRtt_<Where>     a 64-byte request and reply between two processes
//                         over TCP loopback, the server blocking in read()
//   BM_EpollRtt_<Where>   the same with the server in an epoll_wait loop
//   BM_TcpStream_<Where>  64 KiB writes streamed between two processes
//
// Counters: hypercalls_per_op (both processes' hypercalls in the timed part
// per round trip or per 64 KiB; 0 natively) and bytes_per_second. <Where> is
// Native or a backend that runs processes (sim, kvm). Manual time is the
// guest's own; iteration counts are fixed, each benchmark repeats 3 times.
#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

constexpr int kRoundTrips = 2000;
constexpr int kChunks = 2000;  // 125 MiB
constexpr int kRepetitions = 3;

void NetOps(benchmark::State& state, const char* backend, const std::string& mode) {
  std::vector<std::string> program = {BinPath("hv_bench_net_ops"), mode};
  std::vector<std::string> argv = backend != nullptr ? HvrunCommand(backend, {}, program) : program;
  std::optional<std::map<std::string, double>> values = RunMeasured(state, argv);
  if (!values) return;
  const double n = static_cast<double>(state.iterations());
  state.counters["hypercalls_per_op"] = (*values)["hypercalls"] / n;
  state.counters["bytes_per_second"] =
      benchmark::Counter((*values)["bytes"] / ((*values)["total_ns"] / 1e9));
  state.SetLabel(backend ? backend : "native process");
}

}  // namespace

void RegisterNetworkBenchmarks() {
  struct Where {
    std::string suffix;
    const char* backend;  // null: native
  };
  const std::vector<Where> wheres = {{"Native", nullptr}, {"Sim", "sim"}, {"Kvm", "kvm"}};
  struct Op {
    const char* name;
    const char* mode;
    int iterations;
  };
  const std::vector<Op> ops = {{"BM_TcpRtt_", "tcp_rtt", kRoundTrips},
                               {"BM_EpollRtt_", "epoll_rtt", kRoundTrips},
                               {"BM_TcpStream_", "tcp_stream", kChunks}};
  for (const Op& op : ops) {
    for (const Where& w : wheres) {
      benchmark::RegisterBenchmark((op.name + w.suffix).c_str(), NetOps, w.backend,
                                   std::string(op.mode))
          ->UseManualTime()
          ->Iterations(op.iterations)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true);
    }
  }
}

}  // namespace hvbench
