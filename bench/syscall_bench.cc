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
// The loop benchmarks run the guest program once per benchmark run with
// N = state.max_iterations and report the guest-measured time per call as
// manual time, so process start-up is not counted; StartToExit counts
// everything, in real time.
//
// Run: <build>/bin/hv_bench --benchmark_format=json --benchmark_out=bench.json
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef HV_BIN_DIR
#error "HV_BIN_DIR must be defined by the build"
#endif

extern char** environ;

namespace {

// The backends measured under hvrun: {benchmark name suffix, --backend value}.
// Adding one is one line. A backend the host cannot run reports an error
// for its benchmarks and the others still run.
struct GuestBackend {
  const char* suffix;
  const char* name;
};
constexpr GuestBackend kGuestBackends[] = {
    {"Sim", "sim"},
    {"Kvm", "kvm"},
};

std::string BinPath(const std::string& name) { return std::string(HV_BIN_DIR) + "/" + name; }

std::string HvrunPath() {
  const char* env = std::getenv("HVRUN");
  return env && *env ? env : BinPath("hvrun");
}

struct SpawnResult {
  std::string error;  // empty on success
  int status = 0;     // waitpid status
  std::string out;
};

// Runs (argv) with stdout captured (or discarded) and stderr inherited.
SpawnResult Spawn(const std::vector<std::string>& argv, bool capture) {
  SpawnResult r;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (capture) {
    if (pipe2(fds, O_CLOEXEC) != 0) {
      r.error = std::string("pipe2: ") + std::strerror(errno);
      return r;
    }
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (capture) close(fds[1]);
  if (rc != 0) {
    if (capture) close(fds[0]);
    r.error = "spawn " + argv[0] + ": " + std::strerror(rc);
    return r;
  }
  if (capture) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) r.out.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
  }
  while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
    r.error = argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + "...: " +
              (WIFEXITED(r.status) ? "exit status " + std::to_string(WEXITSTATUS(r.status))
                                   : "killed by signal " + std::to_string(WTERMSIG(r.status)));
  }
  return r;
}

// Runs a loop program (prefix..., program, N) with N = state.max_iterations and
// reports its own measurement ("total_ns=T") as manual time per iteration.
void RunLoop(benchmark::State& state, std::vector<std::string> argv, const std::string& label) {
  const uint64_t n = state.max_iterations;
  argv.push_back(std::to_string(n));
  SpawnResult r = Spawn(argv, /*capture=*/true);
  size_t at = r.out.find("total_ns=");
  if (r.error.empty() && at == std::string::npos) r.error = "no total_ns in: " + r.out;
  if (!r.error.empty()) {
    state.SkipWithError(r.error.c_str());
    for (auto _ : state) {
    }
    return;
  }
  double total_ns = std::strtod(r.out.c_str() + at + 9, nullptr);
  double per_iteration_s = total_ns / 1e9 / static_cast<double>(n);
  for (auto _ : state) state.SetIterationTime(per_iteration_s);
  state.counters["ns_per_call"] = total_ns / static_cast<double>(n);
  state.SetLabel(label);
}

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

void BM_Hypercall_Guest(benchmark::State& state, const char* backend) {
  RunLoop(state,
          {HvrunPath(), std::string("--backend=") + backend, BinPath("hv_bench_hypercall_loop")},
          backend);
}

// Start to exit: spawn the command and wait for it, every iteration.
void StartToExit(benchmark::State& state, const std::vector<std::string>& argv,
                 const std::string& label) {
  for (auto _ : state) {
    SpawnResult r = Spawn(argv, /*capture=*/false);
    if (!r.error.empty()) {
      state.SkipWithError(r.error.c_str());
      break;
    }
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(label);
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
  for (const GuestBackend& b : kGuestBackends) {
    std::string suffix = b.suffix;
    benchmark::RegisterBenchmark(("BM_Syscall_" + suffix).c_str(), BM_Syscall_Guest, b.name)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("BM_Hypercall_" + suffix).c_str(), BM_Hypercall_Guest, b.name)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("BM_StartToExit_" + suffix).c_str(), BM_StartToExit_Guest, b.name)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterGuestBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
