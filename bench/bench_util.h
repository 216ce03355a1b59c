// Shared helpers for hv_bench: locating the built binaries, spawning a program
// (natively or under hvrun) and turning what a guest loop program prints
// ("iterations=N total_ns=T ...") into manual benchmark time.
#ifndef HV_BENCH_BENCH_UTIL_H_
#define HV_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvbench {

// The backends measured under hvrun: {benchmark name suffix, --backend value}.
// Adding one is one line. A backend the host cannot run reports an error
// for its benchmarks and the others still run.
struct GuestBackend {
  const char* suffix;
  const char* name;
  // 0: Google Benchmark sizes the runs. N: the loop benchmarks run N calls in
  // one guest and start-to-exit runs once, for a backend whose every guest
  // start is slow (xen: a domain build; seconds under CI's emulated CPU).
  int64_t fixed_calls = 0;
};
inline constexpr GuestBackend kGuestBackends[] = {
    {"Sim", "sim"},
    {"Kvm", "kvm"},
    {"Xen", "xen", 2000},
};

// <build>/bin/<name>.
std::string BinPath(const std::string& name);

// $HVRUN, or <build>/bin/hvrun.
std::string HvrunPath();

// {hvrun, --backend=<backend>, -v <mounts>..., <program args>...}: the command
// that runs program args under hvrun. Each mount is "HOST:GUEST[:ro]".
std::vector<std::string> HvrunCommand(const char* backend, const std::vector<std::string>& mounts,
                                      const std::vector<std::string>& program);

struct SpawnResult {
  std::string error;  // empty on success
  int status = 0;     // waitpid status
  std::string out;
};

// Runs (argv) with stdout captured (or discarded) and stderr inherited.
SpawnResult Spawn(const std::vector<std::string>& argv, bool capture);

// Runs a loop program (argv..., N) with N = state.max_iterations, parses every
// "key=value" it prints and reports its "total_ns" as manual time per
// iteration. Returns the parsed values, or nullopt after SkipWithError.
std::optional<std::map<std::string, double>> RunMeasured(benchmark::State& state,
                                                         std::vector<std::string> argv);

// RunMeasured plus the label and an "ns_per_call" counter.
void RunLoop(benchmark::State& state, std::vector<std::string> argv, const std::string& label);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// this goes away. path() is empty if it could not be created.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Each family's guest benchmarks (native, then one per kGuestBackends entry),
// registered from main() so that every native baseline sits beside its guest
// runs in the output.
void RegisterFileBenchmarks();     // files_bench.cc
void RegisterThreadBenchmarks();   // threads_bench.cc
void RegisterProgramBenchmarks();  // programs_bench.cc
void RegisterProcessBenchmarks();  // processes_bench.cc
void RegisterNetworkBenchmarks();  // network_bench.cc
void RegisterHttpBenchmarks();     // http_bench.cc
void RegisterFastPathBenchmarks();  // fast_paths_bench.cc

// Start to exit: spawns (argv) and waits for it, every iteration; a failed
// spawn or a non-zero exit skips the benchmark with an error.
void StartToExit(benchmark::State& state, const std::vector<std::string>& argv,
                 const std::string& label);

}  // namespace hvbench

#endif  // HV_BENCH_BENCH_UTIL_H_
