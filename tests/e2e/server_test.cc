// A real third-party server as a guest: Debian's lighttpd, built static from
// Debian's source by scripts/build-static-server.sh, serves files from a
// read-only mount under hvrun, published on a host port (-p), and the host
// fetches them over HTTP: a page and a 256 KiB file byte for byte, two
// requests on one kept-alive connection, a 404 for a missing page; then
// SIGTERM to hvrun reaches lighttpd's handler and it stops cleanly within
// --stop-timeout. The same config runs natively first (StaticServerNative),
// so a broken build or config fails there, not as an hvrun failure.
//
// The binary: $HV_STATIC_SERVER, else <build>/static-server/lighttpd (made by
// `scripts/build-static-server.sh <build>/static-server`, or the build target
// static_server); without it the tests skip, saying so.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/hvrun_env.h"

#ifndef HV_STATIC_SERVER_DIR
#error "HV_STATIC_SERVER_DIR must be defined by the build"
#endif

namespace hvtest {
namespace {

using Clock = std::chrono::steady_clock;

std::string StaticServerPath() {
  const char* env = std::getenv("HV_STATIC_SERVER");
  return env && *env ? env : HV_STATIC_SERVER_DIR "/lighttpd";
}

std::string MissingServer() {
  if (FileExists(StaticServerPath())) return "";
  return "no static lighttpd at " + StaticServerPath() +
         ": build it with `scripts/build-static-server.sh " HV_STATIC_SERVER_DIR
         "` (or `cmake --build --preset default --target static_server`), or point "
         "HV_STATIC_SERVER at one";
}

int Connect(int port) {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(s);
    return -1;
  }
  timeval tv{10, 0};  // a hung server fails the test instead of hanging it
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

// Polls until 127.0.0.1:(port) takes a connection, the server ends, or 30 s
// pass; "" when it answers, else why not.
std::string WaitForPort(Background& server, int port) {
  const auto end = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    if (const int s = Connect(port); s >= 0) {
      close(s);
      return "";
    }
    int status;
    if (server.Ended(&status)) {
      return "the server ended (status " + std::to_string(status) + ") before it listened:\n" +
             Abbrev(server.Output());
    }
    if (Clock::now() > end) {
      return "nothing listens on port " + std::to_string(port) + " after 30 s:\n" +
             Abbrev(server.Output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

struct Response {
  std::string error;  // empty when a whole response came
  int status = 0;
  std::string headers;  // the status line and headers, CRLFs kept
  std::string body;
};

// Reads one response from (s), (buffered) holding bytes already read: the
// body is Content-Length bytes, or everything up to EOF without one.
Response ReadResponse(int s, std::string* buffered) {
  Response r;
  auto fill = [&]() {
    char chunk[16384];
    const ssize_t n = read(s, chunk, sizeof chunk);
    if (n > 0) buffered->append(chunk, static_cast<size_t>(n));
    return n;
  };
  size_t end;
  while ((end = buffered->find("\r\n\r\n")) == std::string::npos) {
    if (fill() <= 0) {
      r.error = "the connection ended (or timed out) inside the headers: " + Abbrev(*buffered);
      return r;
    }
  }
  r.headers = buffered->substr(0, end + 2);
  buffered->erase(0, end + 4);
  if (sscanf(r.headers.c_str(), "HTTP/1.%*d %d", &r.status) != 1) {
    r.error = "not an HTTP status line: " + Abbrev(r.headers, 200);
    return r;
  }
  long length = -1;
  for (size_t at = 0; at < r.headers.size();) {
    const size_t eol = r.headers.find("\r\n", at);
    const std::string line = r.headers.substr(at, eol - at);
    if (strncasecmp(line.c_str(), "Content-Length:", 15) == 0) length = atol(line.c_str() + 15);
    at = eol + 2;
  }
  if (length < 0) {
    while (fill() > 0) {
    }
    r.body.swap(*buffered);
    return r;
  }
  while (buffered->size() < static_cast<size_t>(length)) {
    if (fill() <= 0) {
      r.error = "the body ended after " + std::to_string(buffered->size()) + " of " +
                std::to_string(length) + " bytes";
      return r;
    }
  }
  r.body = buffered->substr(0, static_cast<size_t>(length));
  buffered->erase(0, static_cast<size_t>(length));
  return r;
}

bool SendAll(int s, const std::string& data) {
  for (size_t at = 0; at < data.size();) {
    const ssize_t n = write(s, data.data() + at, data.size() - at);
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

// GET (path) on a connection of its own (Connection: close).
Response Get(int port, const std::string& path) {
  Response r;
  const int s = Connect(port);
  if (s < 0) {
    r.error = std::string("connect: ") + strerror(errno);
    return r;
  }
  std::string buffered;
  if (!SendAll(s, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
    r.error = std::string("write: ") + strerror(errno);
  } else {
    r = ReadResponse(s, &buffered);
  }
  close(s);
  return r;
}

// The free host TCP port the kernel picks (bound, read back, closed).
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

// A document root and lighttpd.conf in a fresh directory, removed after.
class Site {
 public:
  Site() {
    char tmpl[] = "/tmp/hv_server_test.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
    mkdir((dir_ + "/www").c_str(), 0755);
    index_ = "<!doctype html>\n<html><body><h1>hvrun</h1><p>served by lighttpd</p></body></html>\n";
    // 256 KiB that no two offsets confuse: numbered lines.
    while (big_.size() < 256 * 1024) {
      big_ += "line " + std::to_string(big_.size()) + " of the big file, as bytes\n";
    }
    Write("www/index.html", index_);
    Write("www/big.txt", big_);
  }
  ~Site() {
    if (!dir_.empty()) {
      for (const char* f : {"www/index.html", "www/big.txt", "lighttpd.conf"}) {
        unlink((dir_ + "/" + f).c_str());
      }
      rmdir((dir_ + "/www").c_str());
      rmdir(dir_.c_str());
    }
  }
  // Writes lighttpd.conf: (bind):(port), the document root, no logs but
  // lighttpd's error log on stderr.
  std::string Config(const std::string& bind, int port) {
    Write("lighttpd.conf", "server.document-root = \"" + dir_ +
                               "/www\"\n"
                               "server.bind = \"" +
                               bind +
                               "\"\n"
                               "server.port = " +
                               std::to_string(port) +
                               "\n"
                               "server.upload-dirs = ( \"/tmp\" )\n"
                               "index-file.names = ( \"index.html\" )\n"
                               "mimetype.assign = ( \".html\" => \"text/html\", "
                               "\".txt\" => \"text/plain\" )\n");
    return dir_ + "/lighttpd.conf";
  }
  const std::string& dir() const { return dir_; }
  const std::string& index() const { return index_; }
  const std::string& big() const { return big_; }

 private:
  void Write(const std::string& rel, const std::string& data) {
    std::ofstream(dir_ + "/" + rel, std::ios::binary | std::ios::trunc) << data;
  }
  std::string dir_, index_, big_;
};

// What the host checks against a running server on (port).
void CheckServes(const Site& site, int port) {
  Response r = Get(port, "/index.html");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200) << r.headers;
  EXPECT_EQ(FirstDifference(site.index(), r.body), "");
  EXPECT_NE(r.headers.find("Content-Type: text/html"), std::string::npos) << r.headers;

  r = Get(port, "/big.txt");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200) << r.headers;
  EXPECT_EQ(FirstDifference(site.big(), r.body), "");

  r = Get(port, "/");  // index-file.names
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200) << r.headers;
  EXPECT_EQ(FirstDifference(site.index(), r.body), "");

  r = Get(port, "/missing.html");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 404) << r.headers;

  // Two requests on one kept-alive connection, then a conditional GET the
  // server answers from its stat cache (304 Not Modified).
  const int s = Connect(port);
  ASSERT_GE(s, 0) << strerror(errno);
  std::string buffered;
  ASSERT_TRUE(SendAll(s, "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  Response first = ReadResponse(s, &buffered);
  ASSERT_EQ(first.error, "");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, site.index());
  std::string etag;
  if (size_t at = first.headers.find("ETag: "); at != std::string::npos) {
    etag = first.headers.substr(at + 6, first.headers.find("\r\n", at) - at - 6);
  }
  EXPECT_NE(etag, "") << first.headers;
  ASSERT_TRUE(SendAll(s, "GET /index.html HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: " + etag +
                             "\r\nConnection: close\r\n\r\n"));
  Response second = ReadResponse(s, &buffered);
  ASSERT_EQ(second.error, "");
  EXPECT_EQ(second.status, 304) << second.headers;
  close(s);
}

// How lighttpd ends after SIGTERM when its handler ran: main() returns 0, or
// 1 when a connection was still open (the last one may still be lingering
// towards its close when the signal comes). Dying of the signal is 143.
bool StoppedCleanly(int status) { return status == 0 || status == 1; }

TEST(StaticServerNative, ServesFiles) {
  if (std::string why = MissingServer(); !why.empty()) GTEST_SKIP() << why;
  Site site;
  ASSERT_NE(site.dir(), "");
  const int port = FreePort();
  Background server({StaticServerPath(), "-D", "-f", site.Config("127.0.0.1", port)},
                    /*with_stderr=*/true);
  ASSERT_TRUE(server.started());
  ASSERT_EQ(WaitForPort(server, port), "");
  CheckServes(site, port);
  kill(server.pid(), SIGTERM);
  EXPECT_TRUE(StoppedCleanly(server.Wait(std::chrono::seconds(10)))) << server.Output();
  EXPECT_NE(server.Output().find("server stopped"), std::string::npos) << server.Output();
}

std::vector<std::string> ServerBackends() {
  std::vector<std::string> out;
  for (const std::string& b : BackendsUnderTest()) {
    if (BackendForks(b)) out.push_back(b);  // the backends with host sockets so far
  }
  return out;
}

class StaticServer : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string why = MissingPrerequisite(GetParam()); !why.empty()) GTEST_SKIP() << why;
    if (std::string why = MissingHvrunBuild(); !why.empty()) FAIL() << why;
    if (std::string why = MissingServer(); !why.empty()) GTEST_SKIP() << why;
  }
};

// lighttpd binds the wildcard address on guest port 8080 (the config it
// reads from the read-only mount); -p publishes that on a free host port.
// It opens its config and every file it serves with O_RDONLY | O_CLOEXEC |
// O_NOCTTY | O_NONBLOCK (fdevent_open_cloexec), and answers from its stat
// cache with pread and writev.
TEST_P(StaticServer, ServesFilesFromAMountAndStopsOnSigterm) {
  Site site;
  ASSERT_NE(site.dir(), "");
  const int host_port = FreePort();
  constexpr int kGuestPort = 8080;
  constexpr int kStopTimeoutSeconds = 10;
  Background server(
      {HvrunPath(), "--backend=" + GetParam(), "--verbose", "--timeout=120s",
       "--stop-timeout=" + std::to_string(kStopTimeoutSeconds) + "s", "--network=loopback", "-p",
       std::to_string(host_port) + ":" + std::to_string(kGuestPort), "-v",
       site.dir() + ":" + site.dir() + ":ro", StaticServerPath(), "-D", "-f",
       site.Config("0.0.0.0", kGuestPort)},
      /*with_stderr=*/true);
  ASSERT_TRUE(server.started());
  ASSERT_EQ(WaitForPort(server, host_port), "");
  CheckServes(site, host_port);

  // SIGTERM to hvrun goes to the guest's first process: lighttpd's handler
  // sets its shutdown flag, it leaves its epoll loop and exits 0.
  const auto sent = Clock::now();
  ASSERT_EQ(kill(server.pid(), SIGTERM), 0);
  const int status = server.Wait(std::chrono::seconds(kStopTimeoutSeconds + 5));
  const double took = std::chrono::duration<double>(Clock::now() - sent).count();
  EXPECT_TRUE(StoppedCleanly(status)) << "status " << status << " after " << took << " s\n"
                                      << Abbrev(server.Output());
  EXPECT_LT(took, kStopTimeoutSeconds) << "lighttpd did not stop by itself:\n"
                                       << Abbrev(server.Output());
  const std::string& out = server.Output();
  EXPECT_NE(out.find("server stopped"), std::string::npos) << Abbrev(out);
  EXPECT_FALSE(HasSanitizerReport(out)) << out;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StaticServer);
INSTANTIATE_TEST_SUITE_P(Backends, StaticServer, ::testing::ValuesIn(ServerBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hvtest
