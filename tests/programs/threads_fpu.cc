// Each thread keeps its own values in vector registers (xmm7, and ymm2's
// upper half where the CPU has AVX) across sched_yield, which switches to
// the other threads. On the kvm backend nothing but the runtime's per-thread
// XSAVE area preserves them (the syscall trampoline saves no vector state).
#include <sys/syscall.h>

#include <cstdio>
#include <thread>
#include <vector>

namespace {

int CheckSse(int t) {
  int bad = 0;
  for (int i = 0; i < 200; i++) {
    double v = t * 1000.0 + i, out;
    long r;
    asm volatile(
        "movsd %[v], %%xmm7\n\t"
        "syscall\n\t"
        "movsd %%xmm7, %[o]"
        : [o] "=m"(out), "=a"(r)
        : [v] "m"(v), "a"(static_cast<long>(SYS_sched_yield))
        : "rcx", "r11", "xmm7", "memory");
    bad += out != v;
  }
  return bad;
}

int CheckAvx(int t) {
  int bad = 0;
  for (int i = 0; i < 200; i++) {
    double v = t * 1000.0 + i, out;
    long r;
    asm volatile(
        "vbroadcastsd %[v], %%ymm2\n\t"
        "syscall\n\t"
        "vextractf128 $1, %%ymm2, %%xmm3\n\t"
        "vmovsd %%xmm3, %[o]\n\t"
        "vzeroupper"
        : [o] "=m"(out), "=a"(r)
        : [v] "m"(v), "a"(static_cast<long>(SYS_sched_yield))
        : "rcx", "r11", "xmm2", "xmm3", "memory");
    bad += out != v;
  }
  return bad;
}

}  // namespace

int main() {
  bool avx = __builtin_cpu_supports("avx");
  int bad[6] = {};
  std::vector<std::thread> ts;
  for (int t = 0; t < 6; t++) {
    ts.emplace_back([t, avx, &bad] { bad[t] = CheckSse(t) + (avx ? CheckAvx(t) : 0); });
  }
  for (auto& t : ts) t.join();
  int total = 0;
  for (int b : bad) total += b;
  std::printf("vector registers lost: %d\n", total);
  std::printf("threads_fpu: %s\n", total == 0 ? "all ok" : "FAILED");
  return total == 0 ? 0 : 1;
}
