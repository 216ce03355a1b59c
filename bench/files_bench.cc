// hv_bench, files: file I/O through a hvrun mount (-v DIR:/data) beside the
// same guest program run natively on a host directory.
//
//   BM_FileSeqWrite_<Where>   file_io seqwrite: 1 MiB write()s, 64 MiB file
//   BM_FileSeqRead_<Where>    file_io seqread: 1 MiB read()s of that file
//   BM_FileRandRead_<Where>   file_io randread: 4 KiB pread()s, random offsets
//   BM_FileRandWrite_<Where>  file_io randwrite: 4 KiB pwrite()s, random offsets
//   BM_SmallFile_<Where>      small_files: create+write 100 B+close, stat, unlink
//
// <Where> is Native (the program run directly with a fresh host temp dir as
// its directory) or a kGuestBackends suffix (the program under hvrun with a
// fresh host temp dir mounted at /data and the argument /data). Every run
// gets its own directory, removed afterwards. Time is the guest's own
// measurement (manual time; setup such as writing the file a read test reads
// is not counted). One iteration is one 1 MiB / 4 KiB operation, or one small
// file's create+stat+unlink; iteration counts are fixed so the family stays
// quick under the slowest backend, and each benchmark runs kRepetitions times
// (a fresh process and directory each) and reports mean/median/stddev/cv:
// single runs of these vary a lot on a loaded 2-core host.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_util.h"

namespace hvbench {
namespace {

constexpr int kMiB = 1 << 20;
constexpr int kSeqChunks = 256;   // 1 MiB operations per run: 4 passes over 64 MiB
constexpr int kRandOps = 4096;    // 4 KiB operations per run
constexpr int kSmallFiles = 500;  // files per run
constexpr int kRepetitions = 5;

// The command that runs `program [args...] DIR` natively (backend null) or
// under hvrun with dir mounted at /data; RunMeasured appends N.
std::vector<std::string> DirCommand(const char* backend, const std::string& dir,
                                    std::vector<std::string> program) {
  if (backend == nullptr) {
    program.push_back(dir);
    return program;
  }
  program.push_back("/data");
  return HvrunCommand(backend, {dir + ":/data"}, program);
}

// Runs file_io MODE in a fresh directory; bytes_per_op sizes one iteration.
void FileIo(benchmark::State& state, const char* backend, const char* mode, int bytes_per_op) {
  TempDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  auto values =
      RunMeasured(state, DirCommand(backend, dir.path(), {BinPath("hv_bench_file_io"), mode}));
  if (!values) return;
  state.SetBytesProcessed(state.iterations() * bytes_per_op);
  if (bytes_per_op < kMiB) state.SetItemsProcessed(state.iterations());  // operations/s
  state.SetLabel(backend ? backend : "native");
}

void SmallFiles(benchmark::State& state, const char* backend) {
  TempDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  auto values =
      RunMeasured(state, DirCommand(backend, dir.path(), {BinPath("hv_bench_small_files")}));
  if (!values) return;
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());  // items_per_second = files/s (all three steps)
  state.counters["create_per_s"] = n / ((*values)["create_ns"] / 1e9);
  state.counters["stat_per_s"] = n / ((*values)["stat_ns"] / 1e9);
  state.counters["unlink_per_s"] = n / ((*values)["unlink_ns"] / 1e9);
  state.SetLabel(backend ? backend : "native");
}

}  // namespace

void RegisterFileBenchmarks() {
  struct Where {
    std::string suffix;
    const char* backend;  // null: native
  };
  std::vector<Where> wheres = {{"Native", nullptr}};
  for (const GuestBackend& b : kGuestBackends) wheres.push_back({b.suffix, b.name});

  struct IoCase {
    const char* name;
    const char* mode;
    int bytes_per_op;
    int iterations;
  };
  const IoCase cases[] = {
      {"BM_FileSeqWrite_", "seqwrite", kMiB, kSeqChunks},
      {"BM_FileSeqRead_", "seqread", kMiB, kSeqChunks},
      {"BM_FileRandRead_", "randread", 4096, kRandOps},
      {"BM_FileRandWrite_", "randwrite", 4096, kRandOps},
  };
  for (const IoCase& c : cases) {
    for (const Where& w : wheres) {
      benchmark::RegisterBenchmark((c.name + w.suffix).c_str(), FileIo, w.backend, c.mode,
                                   c.bytes_per_op)
          ->UseManualTime()
          ->Iterations(c.iterations)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  for (const Where& w : wheres) {
    benchmark::RegisterBenchmark(("BM_SmallFile_" + w.suffix).c_str(), SmallFiles, w.backend)
        ->UseManualTime()
        ->Iterations(kSmallFiles)
        ->Repetitions(kRepetitions)
        ->ReportAggregatesOnly(true)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace hvbench
