// hv_bench, HTTP: Debian's lighttpd, built static from Debian's source
// (scripts/build-static-server.sh), serving a 1 KiB page, loaded from the
// host with Debian's wrk, natively and under hvrun in the same run.
//
//   BM_HttpWrk_<Where>   wrk -t1 -c4 -d3s --latency http://127.0.0.1:PORT/index.html
//
// Counters: requests_per_second (wrk's Requests/sec), latency_avg_us,
// latency_p50_us, latency_p99_us (wrk's), requests (how many in the run),
// socket_errors and timeouts (wrk's; a non-2xx answer is an error instead).
// Manual time is wrk's run (about 3 s), one iteration, 3 repetitions (their
// mean, median, stddev and cv reported). <Where> is Native or a
// backend with host sockets (sim, kvm). The server: $HV_STATIC_SERVER, else
// <build>/static-server/lighttpd; without it, or without wrk on PATH, the
// benchmarks report an error saying how to get them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"

#ifndef HV_STATIC_SERVER_DIR
#error "HV_STATIC_SERVER_DIR must be defined by the build"
#endif

namespace hvbench {
namespace {

constexpr const char* kWrkDuration = "3s";
constexpr const char* kWrkConnections = "4";
// Each repetition starts its own server; a shared 2-core host varies a lot
// from one 3 s run to the next, so the median is the number to read.
constexpr int kRepetitions = 3;

std::string StaticServerPath() {
  const char* env = std::getenv("HV_STATIC_SERVER");
  return env && *env ? env : HV_STATIC_SERVER_DIR "/lighttpd";
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// (name) on $PATH, or "".
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

int FreePort() {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

bool Answers(int port) {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A server process in its own process group, output to (log); stopped with
// SIGTERM (then SIGKILL to its group after 10 s) when this goes away.
class Server {
 public:
  Server(const std::vector<std::string>& argv, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Server() { Stop(); }
  bool Running() {
    if (pid_ <= 0) return false;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
    return pid_ > 0;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      usleep(10000);
    }
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// "45.36us" / "2.65ms" / "1.02s" in microseconds; -1 if not a duration.
double Micros(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return -1;
  const std::string unit(end);
  if (unit == "us") return v;
  if (unit == "ms") return v * 1e3;
  if (unit == "s") return v * 1e6;
  if (unit == "m") return v * 60e6;
  return -1;
}

struct WrkResult {
  double requests_per_second = -1;
  double requests = -1;
  double latency_avg_us = -1, latency_p50_us = -1, latency_p99_us = -1;
  double socket_errors = 0;  // connect, read and write errors
  double timeouts = 0;       // requests unanswered after wrk's 2 s
  std::string wrong;         // "Non-2xx or 3xx responses: N", if any
};

WrkResult ParseWrk(const std::string& out) {
  WrkResult r;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "Requests/sec:") r.requests_per_second = std::strtod(second.c_str(), nullptr);
    if (first == "Latency" && r.latency_avg_us < 0) r.latency_avg_us = Micros(second);
    if (first == "50%") r.latency_p50_us = Micros(second);
    if (first == "99%") r.latency_p99_us = Micros(second);
    if (second == "requests") r.requests = std::strtod(first.c_str(), nullptr);
    if (first == "Non-2xx") r.wrong = line;
    int connect = 0, read = 0, write = 0, timeout = 0;
    if (sscanf(line.c_str(), " Socket errors: connect %d, read %d, write %d, timeout %d", &connect,
               &read, &write, &timeout) == 4) {
      r.socket_errors = connect + read + write;
      r.timeouts = timeout;
    }
  }
  return r;
}

void HttpWrk(benchmark::State& state, const char* backend) {
  const std::string server = StaticServerPath();
  if (!IsFile(server)) {
    state.SkipWithError(("no static lighttpd at " + server +
                         ": build it with scripts/build-static-server.sh " HV_STATIC_SERVER_DIR
                         " (or set HV_STATIC_SERVER)")
                            .c_str());
    return;
  }
  const std::string wrk = FindOnPath("wrk");
  if (wrk.empty()) {
    state.SkipWithError(
        "no wrk on PATH: apt-get install wrk (scripts/build-static-server.sh does)");
    return;
  }
  TempDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("cannot make a temporary directory");
    return;
  }
  mkdir((dir.path() + "/www").c_str(), 0755);
  {
    std::string page = "<!doctype html>\n<html><body>\n";
    while (page.size() < 1000) page += "<p>hvrun serves this page through lighttpd.</p>\n";
    page += "</body></html>\n";
    std::ofstream(dir.path() + "/www/index.html") << page;
  }
  const int port = FreePort();
  const std::string conf = dir.path() + "/lighttpd.conf";
  std::ofstream(conf) << "server.document-root = \"" << dir.path() << "/www\"\n"
                      << "server.bind = \"127.0.0.1\"\nserver.port = " << port << "\n"
                      << "server.upload-dirs = ( \"/tmp\" )\n"
                      << "mimetype.assign = ( \".html\" => \"text/html\" )\n";
  const std::vector<std::string> program = {server, "-D", "-f", conf};
  std::vector<std::string> argv = program;
  if (backend != nullptr) {
    argv = HvrunCommand(backend, {dir.path() + ":" + dir.path() + ":ro"}, program);
    argv.insert(argv.begin() + 2, "--network=loopback");
  }
  const std::string log = dir.path() + "/server.log";
  Server running(argv, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Answers(port)) {
    if (!running.Running() || std::chrono::steady_clock::now() > deadline) {
      state.SkipWithError(("lighttpd did not listen on port " + std::to_string(port) + ": " +
                           ReadFile(log).substr(0, 1500))
                              .c_str());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WrkResult result;
  std::string error;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    SpawnResult run =
        Spawn({wrk, "-t1", std::string("-c") + kWrkConnections, std::string("-d") + kWrkDuration,
               "--latency", "http://127.0.0.1:" + std::to_string(port) + "/index.html"},
              /*capture=*/true);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    result = ParseWrk(run.out);
    if (!run.error.empty()) {
      error = "wrk: " + run.error + "\n" + run.out;
    } else if (result.requests_per_second < 0) {
      error = "no Requests/sec in wrk's output:\n" + run.out;
    } else if (!result.wrong.empty()) {
      error = "wrong answers: " + result.wrong + "\nserver log: " + ReadFile(log).substr(0, 1500);
    }
    if (!error.empty()) break;
  }
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  running.Stop();
  state.counters["requests_per_second"] = result.requests_per_second;
  state.counters["requests"] = result.requests;
  state.counters["latency_avg_us"] = result.latency_avg_us;
  state.counters["latency_p50_us"] = result.latency_p50_us;
  state.counters["latency_p99_us"] = result.latency_p99_us;
  state.counters["socket_errors"] = result.socket_errors;
  state.counters["timeouts"] = result.timeouts;
  state.SetLabel(std::string(backend ? backend : "native") + ", lighttpd, wrk -t1 -c" +
                 kWrkConnections + " -d" + kWrkDuration);
}

}  // namespace

void RegisterHttpBenchmarks() {
  struct Where {
    const char* suffix;
    const char* backend;  // null: native
  };
  for (const Where& w : {Where{"Native", nullptr}, Where{"Sim", "sim"}, Where{"Kvm", "kvm"}}) {
    benchmark::RegisterBenchmark((std::string("BM_HttpWrk_") + w.suffix).c_str(), HttpWrk,
                                 w.backend)
        ->UseManualTime()
        ->Iterations(1)
        ->Repetitions(kRepetitions)
        ->ReportAggregatesOnly(true)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace hvbench
