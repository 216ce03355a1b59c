// File: tests/e2e/process.cc
#include "tests/e2e/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

extern char** environ;

namespace hvtest {
namespace {

using Clock = std::chrono::steady_clock;

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(int in_fd, int out_fd, int err_fd, int report_fd, char* const* argv,
                            char* const* envp, const RunSpec& spec) {
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  }
  bool core_set = false;
  for (const RunSpec::Limit& l : spec.rlimits) core_set |= l.resource == RLIMIT_CORE;
  if (!core_set) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
  }
  for (const RunSpec::Limit& l : spec.rlimits) {
    struct rlimit lim = {l.soft, l.hard == RunSpec::kSameAsSoft ? l.soft : l.hard};
    if (setrlimit(l.resource, &lim) != 0) {
      int e = errno;
      (void)!write(report_fd, &e, sizeof e);
      _exit(127);
    }
  }
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
    int e = errno;
    (void)!write(report_fd, &e, sizeof e);
    _exit(127);
  }
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
    int e = errno;
    (void)!write(report_fd, &e, sizeof e);
    _exit(127);
  }
  execve(argv[0], argv, envp);
  int e = errno;
  (void)!write(report_fd, &e, sizeof e);
  _exit(127);
}

}  // namespace

int RunResult::ShellStatus() const {
  if (signaled) return 128 + signo;
  return exit_code;
}

std::string SignalName(int signo) {
  const char* abbrev = sigabbrev_np(signo);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signo);
}

bool HasSanitizerReport(const std::string& text) {
  return text.find("AddressSanitizer") != std::string::npos ||
         text.find("LeakSanitizer") != std::string::npos ||
         text.find("UndefinedBehaviorSanitizer") != std::string::npos ||
         text.find("runtime error:") != std::string::npos;
}

std::string Abbrev(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  return text.substr(0, max) + "\n... (" + std::to_string(text.size() - max) + " more bytes)";
}

std::string FirstDifference(const std::string& want, const std::string& got) {
  if (want == got) return "";
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  size_t from = i > 60 ? i - 60 : 0;
  std::ostringstream os;
  os << "first difference at byte " << i << " (lengths: expected " << want.size() << ", got "
     << got.size() << ")\n  expected: ..." << Abbrev(want.substr(from, 160), 160)
     << "\n  got:      ..." << Abbrev(got.substr(from, 160), 160);
  return os.str();
}

std::string RunResult::Describe() const {
  std::ostringstream os;
  os << "command:";
  for (const auto& a : argv) os << " '" << a << "'";
  os << "\n  ";
  if (!started) {
    os << "did not start: " << error;
  } else if (timed_out) {
    os << "TIMED OUT and was killed";
  } else if (signaled) {
    os << "killed by " << SignalName(signo);
  } else {
    os << "exited with " << exit_code;
  }
  if (left_processes_behind) os << " (and left processes behind holding its output)";
  if (!error.empty() && started) os << "; " << error;
  os << " after " << wall_seconds << " s\n  stdout: <<" << Abbrev(out, 1500) << ">>\n  stderr: <<"
     << Abbrev(err, 3000) << ">>";
  return os.str();
}

RunResult Run(const RunSpec& spec) {
  RunResult r;
  r.argv = spec.argv;
  // Writing to a child that exited must be EPIPE, not a signal for us.
  signal(SIGPIPE, SIG_IGN);
  if (spec.argv.empty()) {
    r.error = "empty argv";
    return r;
  }

  std::vector<std::string> env_strings;
  if (spec.inherit_env) {
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  }
  env_strings.insert(env_strings.end(), spec.env.begin(), spec.env.end());
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int in[2], out[2], err[2], report[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
      pipe2(report, O_CLOEXEC)) {
    r.error = std::string("pipe2: ") + strerror(errno);
    return r;
  }
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    r.error = std::string("fork: ") + strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1], report[0], report[1]}) close(fd);
    return r;
  }
  if (pid == 0) ExecChild(in[0], out[1], err[1], report[1], argv.data(), envp.data(), spec);
  setpgid(pid, pid);  // also in the child; whichever runs first wins
  close(in[0]);
  close(out[1]);
  close(err[1]);
  close(report[1]);

  int exec_errno = 0;
  ssize_t n = read(report[0], &exec_errno, sizeof exec_errno);  // EOF on successful exec
  close(report[0]);
  if (n == sizeof exec_errno) {
    waitpid(pid, nullptr, 0);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    r.error = "exec " + spec.argv[0] + ": " + strerror(exec_errno);
    return r;
  }
  r.started = true;

  int in_fd = in[1], out_fd = out[0], err_fd = err[0];
  fcntl(in_fd, F_SETFL, O_NONBLOCK);
  size_t in_off = 0;
  if (spec.stdin_data.empty()) CloseFd(in_fd);

  // A pidfd turns "the child exited" into a poll event (Linux 5.3+); without
  // one, the loop below falls back to polling waitpid every few ms.
  int pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto deadline = start + spec.timeout;
  bool reaped = false;
  int status = 0;
  Clock::time_point reaped_at;
  char buf[65536];
  while (out_fd >= 0 || err_fd >= 0 || !reaped) {
    auto now = Clock::now();
    if (now >= deadline) {
      r.timed_out = true;
      break;
    }
    // Once the child is gone, its output should end at once; give a
    // straggler that still holds the pipes a short grace period.
    if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      reaped_at = now;
    }
    if (reaped && now - reaped_at > std::chrono::seconds(5)) {
      r.left_processes_behind = true;
      break;
    }
    struct pollfd fds[4];
    int nfds = 0;
    int idx_in = -1, idx_out = -1, idx_err = -1;
    if (pid_fd >= 0 && !reaped) fds[nfds++] = {pid_fd, POLLIN, 0};
    if (in_fd >= 0) {
      idx_in = nfds;
      fds[nfds++] = {in_fd, POLLOUT, 0};
    }
    if (out_fd >= 0 && (spec.read_stdout || reaped)) {
      idx_out = nfds;
      fds[nfds++] = {out_fd, POLLIN, 0};
    }
    if (err_fd >= 0) {
      idx_err = nfds;
      fds[nfds++] = {err_fd, POLLIN, 0};
    }
    int rc = poll(nfds ? fds : nullptr, nfds, nfds ? 100 : 2);
    if (rc < 0) {
      if (errno == EINTR) continue;
      r.error = std::string("poll: ") + strerror(errno);
      break;
    }
    if (idx_in >= 0 && fds[idx_in].revents) {
      if (fds[idx_in].revents & (POLLERR | POLLHUP)) {
        CloseFd(in_fd);  // the child closed its stdin: stop feeding it
      } else {
        ssize_t w = write(in_fd, spec.stdin_data.data() + in_off, spec.stdin_data.size() - in_off);
        if (w > 0) in_off += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == spec.stdin_data.size()) {
          CloseFd(in_fd);
        }
      }
    }
    auto drain = [&](int idx, int& fd, std::string& sink) {
      if (idx < 0 || !fds[idx].revents) return;
      ssize_t got = read(fd, buf, sizeof buf);
      if (got > 0) {
        sink.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseFd(fd);
      }
    };
    drain(idx_out, out_fd, r.out);
    drain(idx_err, err_fd, r.err);
  }
  CloseFd(in_fd);
  CloseFd(out_fd);
  CloseFd(err_fd);
  CloseFd(pid_fd);
  if (r.timed_out || r.left_processes_behind) {
    kill(-pid, SIGKILL);
    if (!reaped) kill(pid, SIGKILL);
  }
  if (!reaped) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // Anything the child left in its process group goes now, so that one
  // failing test cannot leak processes into the next.
  kill(-pid, SIGKILL);
  r.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(status)) {
    r.exited = true;
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signaled = true;
    r.signo = WTERMSIG(status);
  }
  return r;
}

Background::Background(const std::vector<std::string>& argv, bool with_stderr) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    dup2(out[1], 1);
    if (with_stderr) dup2(out[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  out_ = out[0];
}

Background::~Background() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
}

bool Background::ReadSome(int timeout_ms) {
  pollfd p{out_, POLLIN, 0};
  if (out_ < 0 || poll(&p, 1, timeout_ms) != 1) return false;
  char chunk[4096];
  const ssize_t n = read(out_, chunk, sizeof chunk);
  if (n <= 0) return false;
  output_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::string Background::Line(std::chrono::milliseconds patience) {
  const auto end = std::chrono::steady_clock::now() + patience;
  for (;;) {
    if (const size_t nl = output_.find('\n'); nl != std::string::npos) {
      std::string line = output_.substr(0, nl);
      output_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) return "";
  }
}

const std::string& Background::Output() {
  while (ReadSome(0)) {
  }
  return output_;
}

bool Background::Ended(int* status) {
  if (pid_ > 0) {
    int s;
    if (waitpid(pid_, &s, WNOHANG) == pid_) {
      pid_ = -1;
      status_ = WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
    }
  }
  if (pid_ > 0) return false;
  *status = status_;
  return true;
}

int Background::Wait(std::chrono::milliseconds patience) {
  const auto end = std::chrono::steady_clock::now() + patience;
  int status;
  while (!Ended(&status)) {
    if (std::chrono::steady_clock::now() > end) return -1;
    usleep(10000);
  }
  return status;
}

}  // namespace hvtest
