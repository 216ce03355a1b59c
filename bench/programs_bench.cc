// Programs as they ship, each beside its native run (programs_bench.cc):
//
//   BM_StartDynamic_Native     Debian's /bin/true (dynamically linked), spawned and waited for
//   BM_StartDynamic_<Backend>  hvrun --backend=B /bin/true (hvrun loads ld.so and maps libc)
//   BM_StartStatic_<Backend>   hvrun --backend=B <bin>/hv_bench_true_static, the same program
//                              linked -static: the dynamic start's cost is the ratio of the two
//   BM_Python_Native           python3 -c pass
//   BM_Python_<Backend>        hvrun --backend=B --rootfs=/ /usr/bin/python3 -c pass
//   BM_FirstTouch_Native       first_touch: 1 MiB of fresh anonymous memory written per
//   BM_FirstTouch_<Backend>    iteration (a byte per page), natively and under hvrun
//
// Xen's run only in dom0 (scripts/xen-test.sh), like the other families.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

constexpr char kTrue[] = "/bin/true";
constexpr char kPython[] = "/usr/bin/python3";

void StartDynamic(benchmark::State& state, const char* backend) {
  if (backend == nullptr) return StartToExit(state, {kTrue}, "native");
  StartToExit(state, {HvrunPath(), std::string("--backend=") + backend, kTrue}, backend);
}

void StartStatic(benchmark::State& state, const char* backend) {
  StartToExit(state,
              {HvrunPath(), std::string("--backend=") + backend, BinPath("hv_bench_true_static")},
              backend);
}

void Python(benchmark::State& state, const char* backend) {
  if (backend == nullptr) return StartToExit(state, {kPython, "-c", "pass"}, "native");
  StartToExit(
      state,
      {HvrunPath(), std::string("--backend=") + backend, "--rootfs=/", kPython, "-c", "pass"},
      backend);
}

void FirstTouch(benchmark::State& state, const char* backend) {
  if (backend == nullptr) return RunLoop(state, {BinPath("hv_bench_first_touch")}, "native");
  RunLoop(state,
          {HvrunPath(), std::string("--backend=") + backend, BinPath("hv_bench_first_touch")},
          backend);
}

}  // namespace

void RegisterProgramBenchmarks() {
  struct Family {
    const char* name;
    void (*fn)(benchmark::State&, const char*);
    bool native;
    bool manual;  // guest-timed (RunLoop) rather than start-to-exit
  };
  const Family kFamilies[] = {{"StartDynamic", StartDynamic, true, false},
                              {"StartStatic", StartStatic, false, false},
                              {"Python", Python, true, false},
                              {"FirstTouch", FirstTouch, true, true}};
  for (const Family& f : kFamilies) {
    auto finish = [&](benchmark::internal::Benchmark* b, const GuestBackend* g) {
      if (f.manual) {
        b->UseManualTime()->Iterations(1024);  // 1 GiB in one run
      } else {
        b->UseRealTime()->Unit(benchmark::kMillisecond);
        if (g != nullptr && g->fixed_calls != 0) b->Iterations(1);
      }
    };
    if (f.native) {
      finish(benchmark::RegisterBenchmark((std::string("BM_") + f.name + "_Native").c_str(), f.fn,
                                          nullptr),
             nullptr);
    }
    for (const GuestBackend& g : kGuestBackends) {
      finish(benchmark::RegisterBenchmark((std::string("BM_") + f.name + "_" + g.suffix).c_str(),
                                          f.fn, g.name),
             &g);
    }
  }
}

}  // namespace hvbench
