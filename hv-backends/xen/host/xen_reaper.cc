// File: xen_reaper.cc
#include "hv-backends/xen/host/xen_reaper.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hv-backends/xen/host/xen_headers.h"

namespace hvrun::xen {
namespace {

constexpr int kReaperFd = 3;
constexpr char kDestroyed = 'D';  // hvrun destroyed the domain itself

}  // namespace

absl::StatusOr<DomainReaper> DomainReaper::Start(uint32_t domid) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "xen: reaper pipe");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  if (read_end.get() == kReaperFd) {
    // dup2 onto itself would keep O_CLOEXEC, and the reaper would lose it.
    read_end.Reset(fcntl(fds[0], F_DUPFD_CLOEXEC, kReaperFd + 1));
    if (!read_end.valid()) return absl::ErrnoToStatus(errno, "xen: reaper pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, read_end.get(), kReaperFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session: a signal to hvrun's process group (a terminal's ^C, a
  // harness killing the group) must not take the reaper with hvrun.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGPIPE, SIGXCPU}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string id = std::to_string(domid);
  char name[] = "hvrun-xen-reaper";
  char flag[sizeof kReaperFlag];
  std::memcpy(flag, kReaperFlag, sizeof kReaperFlag);
  char* argv[] = {name, flag, id.data(), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return absl::ErrnoToStatus(rc, "xen: starting the domain reaper");
  return DomainReaper(pid, std::move(write_end));
}

DomainReaper::DomainReaper(DomainReaper&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pipe_(std::move(other.pipe_)) {}

DomainReaper::~DomainReaper() {
  if (pid_ <= 0) return;
  const char word = kDestroyed;
  (void)!write(pipe_.get(), &word, 1);
  pipe_.Reset();
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

int RunReaper(const char* domid_text) {
  // A terminal's hangup or ^C is hvrun's business, not ours.
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  uint32_t domid = 0;
  const std::string_view text(domid_text);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), domid);
  // Never dom0, nor one of Xen's reserved ids.
  if (ec != std::errc() || end != text.data() + text.size() || domid == 0 ||
      domid >= DOMID_FIRST_RESERVED) {
    std::fprintf(stderr, "hvrun-xen-reaper: bad domain id '%s'\n", domid_text);
    return 2;
  }
  struct stat st {};
  if (fstat(kReaperFd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    std::fprintf(stderr, "hvrun-xen-reaper: fd 3 is not hvrun's pipe; not started by hvrun?\n");
    return 2;
  }
  char word = 0;
  ssize_t n;
  do {
    n = read(kReaperFd, &word, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1 && word == kDestroyed) return 0;
  // hvrun ended without destroying the domain: do it now.
  xc_interface* xch = xc_interface_open(nullptr, nullptr, 0);
  if (xch == nullptr) {
    std::fprintf(stderr, "hvrun-xen-reaper: xc_interface_open: %s; domain %u is left\n",
                 std::strerror(errno), domid);
    return 1;
  }
  const int rc = xc_domain_destroy(xch, domid);
  const int err = errno;
  xc_interface_close(xch);
  if (rc != 0 && err != ESRCH) {
    std::fprintf(stderr, "hvrun-xen-reaper: destroying domain %u: %s\n", domid, std::strerror(err));
    return 1;
  }
  std::fprintf(stderr, "hvrun-xen-reaper: hvrun ended without destroying domain %u; destroyed it\n",
               domid);
  return 0;
}

}  // namespace hvrun::xen
