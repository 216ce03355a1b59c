#include "bench_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#ifndef HV_BIN_DIR
#error "HV_BIN_DIR must be defined by the build"
#endif

extern char** environ;

namespace hvbench {

std::string BinPath(const std::string& name) { return std::string(HV_BIN_DIR) + "/" + name; }

std::string HvrunPath() {
  const char* env = std::getenv("HVRUN");
  return env && *env ? env : BinPath("hvrun");
}

std::vector<std::string> HvrunCommand(const char* backend, const std::vector<std::string>& mounts,
                                      const std::vector<std::string>& program) {
  std::vector<std::string> argv = {HvrunPath(), std::string("--backend=") + backend};
  for (const std::string& m : mounts) {
    argv.push_back("-v");
    argv.push_back(m);
  }
  argv.insert(argv.end(), program.begin(), program.end());
  return argv;
}

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
      posix_spawn_file_actions_destroy(&fa);
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

std::optional<std::map<std::string, double>> RunMeasured(benchmark::State& state,
                                                         std::vector<std::string> argv) {
  const uint64_t n = state.max_iterations;
  argv.push_back(std::to_string(n));
  SpawnResult r = Spawn(argv, /*capture=*/true);
  std::map<std::string, double> values;
  std::istringstream words(r.out);
  for (std::string word; words >> word;) {
    size_t eq = word.find('=');
    if (eq != std::string::npos)
      values[word.substr(0, eq)] = std::strtod(word.c_str() + eq + 1, nullptr);
  }
  if (r.error.empty() && values.count("total_ns") == 0) r.error = "no total_ns in: " + r.out;
  if (!r.error.empty()) {
    state.SkipWithError(r.error.c_str());
    for (auto _ : state) {
    }
    return std::nullopt;
  }
  double per_iteration_s = values["total_ns"] / 1e9 / static_cast<double>(n);
  for (auto _ : state) state.SetIterationTime(per_iteration_s);
  return values;
}

void RunLoop(benchmark::State& state, std::vector<std::string> argv, const std::string& label) {
  auto values = RunMeasured(state, std::move(argv));
  if (!values) return;
  state.counters["ns_per_call"] = (*values)["total_ns"] / static_cast<double>(state.iterations());
  state.SetLabel(label);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/hv_bench.XXXXXX";
  if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void StartToExit(benchmark::State& state, const std::vector<std::string>& argv,
                 const std::string& label) {
  for (auto _ : state) {
    SpawnResult r = Spawn(argv, /*capture=*/false);
    if (!r.error.empty()) {
      state.SkipWithError(r.error.c_str());
      break;
    }
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
      state.SkipWithError(("exit status " + std::to_string(r.status)).c_str());
      break;
    }
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(label);
}

}  // namespace hvbench
