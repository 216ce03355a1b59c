// The network policy (--network, --publish) seen from the host: a guest
// server that binds the wildcard address must listen only on the host's
// loopback by default (the host kernel's own table of listening sockets,
// /proc/net/tcp, says where), on every interface with --network=host, and
// on the published host port with -p; --network=none refuses IP sockets.
// The host connects and gets the guest's echo. A host AF_UNIX server reads to
// the guest as a process outside its pids.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/hvrun_env.h"

namespace hvtest {
namespace {

// The local address ("0100007F" = 127.0.0.1, "00000000" = any) of the host's
// listening TCP socket on (port), from /proc/net/tcp; "" if none.
std::string ListeningAddress(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  char want[8];
  snprintf(want, sizeof want, "%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.size() == 13 && local.substr(9) == want) return local.substr(0, 8);
  }
  return "";
}

// Connects to 127.0.0.1:(port), sends "ping" and returns what comes back.
std::string Ping(int port) {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string got;
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && write(s, "ping", 4) == 4) {
    char buf[64];
    ssize_t n;
    while ((n = read(s, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  }
  close(s);
  return got;
}

// A free host TCP port (bound, read back, closed).
int FreePort() {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  socklen_t len = sizeof a;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

std::vector<std::string> NetworkBackends() {
  std::vector<std::string> out;
  for (const std::string& b : BackendsUnderTest()) {
    if (BackendForks(b)) out.push_back(b);  // the backends with host sockets so far
  }
  return out;
}

class Network : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    if (std::string why = MissingHvrunBuild(); !why.empty()) FAIL() << why;
  }
  std::vector<std::string> Argv(const std::vector<std::string>& flags, int port) {
    std::vector<std::string> argv = {HvrunPath(), "--backend=" + GetParam(), "--timeout=60s"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(ProgramPath("net_listen"));
    argv.push_back(std::to_string(port));
    argv.push_back("20000");
    return argv;
  }
};

TEST_P(Network, DefaultListensOnLoopbackOnly) {
  Background g(Argv({}, 0));
  const std::string line = g.Line();
  int port = 0;
  char addr[32] = {};
  ASSERT_EQ(sscanf(line.c_str(), "listening %d %31s", &port, addr), 2) << line;
  EXPECT_STREQ(addr, "0.0.0.0");  // the guest's view: what it asked for
  EXPECT_EQ(ListeningAddress(port), "0100007F") << "port " << port;
  EXPECT_EQ(Ping(port), "echo:ping");
  EXPECT_EQ(g.Line(), "accepted");
  EXPECT_EQ(g.Wait(), 0);
}

TEST_P(Network, HostModeListensEverywhere) {
  Background g(Argv({"--network=host"}, 0));
  int port = 0;
  ASSERT_EQ(sscanf(g.Line().c_str(), "listening %d", &port), 1);
  EXPECT_EQ(ListeningAddress(port), "00000000");
  EXPECT_EQ(Ping(port), "echo:ping");
  EXPECT_EQ(g.Wait(), 0);
}

TEST_P(Network, PublishedPortListensOnTheHostPort) {
  const int host_port = FreePort();
  const int guest_port = 8080;
  Background g(
      Argv({"-p", std::to_string(host_port) + ":" + std::to_string(guest_port)}, guest_port));
  int port = 0;
  char addr[32] = {};
  ASSERT_EQ(sscanf(g.Line().c_str(), "listening %d %31s", &port, addr), 2);
  EXPECT_EQ(port, guest_port);  // the guest sees its own port
  EXPECT_STREQ(addr, "0.0.0.0");
  EXPECT_EQ(ListeningAddress(host_port), "00000000");
  EXPECT_EQ(ListeningAddress(guest_port), "");
  EXPECT_EQ(Ping(host_port), "echo:ping");
  EXPECT_EQ(g.Wait(), 0);
}

TEST_P(Network, NoneRefusesIpSockets) {
  RunResult r = RunHvrun(GetParam(), {"--network=none"}, ProgramPath("net_listen"), {"0", "0"});
  EXPECT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

// A one-request HTTP server on the host's loopback, on a thread: what a
// guest client fetches from outside the container.
class HostHttpServer {
 public:
  explicit HostHttpServer(std::string body) : body_(std::move(body)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listener_, 4);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~HostHttpServer() {
    shutdown(listener_, SHUT_RDWR);
    thread_.join();
    close(listener_);
  }
  int port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  void Serve() {
    pollfd p{listener_, POLLIN, 0};
    if (poll(&p, 1, 30000) != 1) return;
    const int c = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    char buf[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    const std::string reply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                              std::to_string(body_.size()) + "\r\n\r\n" + body_;
    (void)!write(c, reply.data(), reply.size());
    close(c);
  }
  std::string body_;
  int listener_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

// A guest HTTP client (busybox wget) fetches from a server on the host.
TEST_P(Network, GuestClientFetchesFromAHostServer) {
  if (!FileExists("/bin/busybox")) GTEST_SKIP() << "no /bin/busybox (scripts/install-deps.sh)";
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "line " + std::to_string(i) + " of the host's page\n";
  HostHttpServer server(body);
  RunResult r = RunHvrun(
      GetParam(), {"-v", "/bin:/bin:ro"}, "/bin/busybox",
      {"wget", "-q", "-O", "-", "http://127.0.0.1:" + std::to_string(server.port()) + "/page"});
  EXPECT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, body);
}

// A guest AF_UNIX client of a server on the host, through a mount: the
// server is no guest process, so SO_PEERCRED and the credentials of its
// message read pid 0 (outside the guest's pids) and the host's ids.
TEST_P(Network, UnixPeerOnTheHostReadsAsPidZero) {
  std::string dir = ::testing::TempDir() + "hv_unix_peer_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/server.sock";
  const int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof a.sun_path);
  memcpy(a.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  pid_t client_pid = 0;
  std::thread server([&] {
    pollfd p{listener, POLLIN, 0};
    if (poll(&p, 1, 30000) != 1) return;
    const int c = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    ucred who{};
    socklen_t len = sizeof who;
    getsockopt(c, SOL_SOCKET, SO_PEERCRED, &who, &len);
    client_pid = who.pid;
    char buf[8];
    if (read(c, buf, sizeof buf) == 5) (void)!write(c, "hi", 2);
    close(c);
  });
  RunResult r =
      RunHvrun(GetParam(), {"-v", dir + ":" + dir}, ProgramPath("unix_host_peer"), {path});
  server.join();
  close(listener);
  unlink(path.c_str());
  rmdir(dir.c_str());
  EXPECT_TRUE(r.Exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  const std::string ids = "uid=" + std::to_string(getuid()) + " gid=" + std::to_string(getgid());
  EXPECT_EQ(r.out, "peer pid=0 " + ids + "\nmessage hi pid=0 " + ids + "\n");
  // The host sees hvrun, never a guest pid, behind the guest's socket.
  EXPECT_GT(client_pid, 0);
}

TEST(NetworkFlags, BadValuesAreRefused) {
  for (const std::vector<std::string>& flags : {std::vector<std::string>{"--network=bridge"},
                                                {"-p", "80"},
                                                {"-p", "0:80"},
                                                {"-p", "80:80/sctp"},
                                                {"-p", "1.2.3:80:80"},
                                                {"--network=none", "-p", "80:80"}}) {
    std::vector<std::string> args = flags;
    args.push_back(ProgramPath("net_listen"));
    RunResult r = RunHvrunRaw(args);
    EXPECT_TRUE(r.Exited()) << r.Describe();
    EXPECT_EQ(r.exit_code, 125) << flags[0] << " " << (flags.size() > 1 ? flags[1] : "");
    EXPECT_NE(r.err.find("hvrun: "), std::string::npos) << r.err;
  }
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Network);
INSTANTIATE_TEST_SUITE_P(Backends, Network, ::testing::ValuesIn(NetworkBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
