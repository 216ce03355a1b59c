// cxx_features: the C++ runtime a static glibc/libstdc++ program relies on:
// static initialization, iostream, containers, exceptions unwinding across
// frames, std::chrono, thread_local, std::function. Prints only
// deterministic results; exits 0 only if every check passed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

int g_failures = 0;

void Check(bool ok, const std::string& what) {
  std::cout << what << ": " << (ok ? "ok" : "FAILED") << '\n';
  if (!ok) ++g_failures;
}

// Static initialization order: within one translation unit, dynamic
// initializers run in definition order, before main.
std::string& InitLog() {
  static std::string log;  // function-local static: constructed on first use
  return log;
}
struct Recorder {
  explicit Recorder(const char* name) { InitLog() += name; }
};
Recorder g_first("A");
Recorder g_second("B");
Recorder g_third("C");
const std::map<std::string, int> g_table = {{"one", 1}, {"two", 2}, {"three", 3}};

thread_local int t_counter = 5;  // TLS: needs the FS base set up for the app

struct MyError : std::runtime_error {
  explicit MyError(int c) : std::runtime_error("my error " + std::to_string(c)), code(c) {}
  int code;
};

int g_destroyed = 0;
struct Guard {
  ~Guard() { ++g_destroyed; }
};

[[gnu::noinline]] int Level3(int x) {
  Guard g;
  if (x > 2) throw MyError(x * 10);
  return x;
}
[[gnu::noinline]] int Level2(int x) {
  Guard g;
  return Level3(x + 1) + 1;
}
[[gnu::noinline]] int Level1(int x) {
  Guard g;
  std::vector<std::string> owned(3, "resource");  // unwound too
  return Level2(x + 1) + 1;
}

}  // namespace

int main() {
  std::cout << "static init order: " << InitLog() << '\n';
  Check(InitLog() == "ABC", "static initialization in definition order");
  Check(g_table.at("two") == 2 && g_table.size() == 3, "static std::map initialized");

  // Strings and streams.
  std::string s = "hello";
  s += ", world";
  s.append(100, '!');
  Check(s.size() == 112 && s.substr(0, 12) == "hello, world", "std::string");
  std::ostringstream os;
  os << std::setw(6) << std::setfill('0') << 42 << ' ' << std::hex << 255 << ' ' << std::dec
     << std::fixed << std::setprecision(2) << 2.5;
  std::cout << "ostringstream: " << os.str() << '\n';
  Check(os.str() == "000042 ff 2.50", "iostream formatting");
  Check(std::to_string(-12345) == "-12345" && std::to_string(7u) == "7", "std::to_string");
  Check(std::stoi("  -77") == -77 && std::stod("0.25") == 0.25, "std::stoi/stod");

  // Containers and algorithms.
  std::vector<int> v(1000);
  for (int i = 0; i < 1000; ++i) v[static_cast<size_t>(i)] = (i * 7919) % 1000;
  std::sort(v.begin(), v.end());
  bool sorted = std::is_sorted(v.begin(), v.end()) && v.front() == 0 && v.back() == 999;
  Check(sorted, "std::sort of 1000 ints");
  long total = std::accumulate(v.begin(), v.end(), 0L);
  std::cout << "sum after sort: " << total << '\n';
  std::map<std::string, int> m;
  for (const char* w : {"pear", "apple", "fig", "apple", "kiwi", "fig", "apple"}) ++m[w];
  std::cout << "word counts:";
  for (const auto& [word, count] : m) std::cout << ' ' << word << '=' << count;
  std::cout << '\n';
  Check(m["apple"] == 3 && m.begin()->first == "apple", "std::map ordered counts");
  std::unordered_map<int, std::string> um;
  for (int i = 0; i < 5000; ++i) um[i] = std::to_string(i * i);
  Check(um.size() == 5000 && um[70] == "4900", "std::unordered_map with 5000 entries");

  // Exceptions across frames, with destructors run during unwinding.
  int caught_code = 0;
  try {
    Level1(1);
  } catch (const MyError& e) {
    caught_code = e.code;
    std::cout << "caught: " << e.what() << '\n';
  }
  Check(caught_code == 30 && g_destroyed == 3, "exception across 3 frames, 3 destructors");
  bool rethrown = false;
  try {
    try {
      throw std::out_of_range("inner");
    } catch (const std::exception&) {
      throw;
    }
  } catch (const std::out_of_range& e) {
    rethrown = std::string(e.what()) == "inner";
  }
  Check(rethrown, "rethrow");
  bool caught_all = false;
  try {
    throw 17;
  } catch (...) {
    caught_all = true;
  }
  Check(caught_all, "catch (...) of an int");
  bool at_threw = false;
  try {
    (void)v.at(5000);
  } catch (const std::out_of_range&) {
    at_threw = true;
  }
  Check(at_threw, "std::vector::at throws out_of_range");

  // Smart pointers and std::function.
  auto up = std::make_unique<std::vector<int>>(10, 3);
  std::shared_ptr<int> sp = std::make_shared<int>(9);
  std::weak_ptr<int> wp = sp;
  Check(up->size() == 10 && wp.lock() && *wp.lock() == 9, "unique_ptr/shared_ptr/weak_ptr");
  sp.reset();
  Check(wp.expired(), "weak_ptr expires");
  int base = 100;
  std::function<int(int)> add = [base](int x) { return base + x; };
  std::function<int(int)> twice = [&add](int x) { return add(add(x)); };
  Check(twice(1) == 201, "std::function composing lambdas");

  // thread_local in the main thread.
  t_counter += 2;
  Check(t_counter == 7, "thread_local variable");

  // Clocks: steady_clock never goes back; system_clock is a plausible date.
  auto t0 = std::chrono::steady_clock::now();
  bool steady_ok = true;
  for (int i = 0; i < 1000; ++i) {
    auto t1 = std::chrono::steady_clock::now();
    steady_ok &= t1 >= t0;
    t0 = t1;
  }
  Check(steady_ok, "steady_clock monotonic over 1000 reads");
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto years = std::chrono::duration_cast<std::chrono::hours>(since_epoch).count() / (24 * 365.25);
  Check(years > 2025 - 1970 && years < 2031 - 1970, "system_clock between 2025 and 2030");

  std::cout << "cxx_features: " << (g_failures == 0 ? "all ok" : "FAILURES") << std::endl;
  return g_failures == 0 ? 0 : 1;
}
