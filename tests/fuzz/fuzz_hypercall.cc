// File: tests/fuzz/fuzz_hypercall.cc
//
// libFuzzer target for every hypercall handler, through the ServiceEngine
// exactly as a backend calls it: Handle(nr, arg) and the HV_CALL_SUBMIT
// path, on arbitrary guest memory contents and argument structs. Guest
// memory is a real 64 KiB GuestMemory (memfd); host files are two mounts of
// a private scratch directory, "rw" (mount 0) and "ro" (mount 1, ":ro"),
// and a fresh shared-memory store per input (mount 2, /dev/shm, 256 KiB),
// beside an outside file the guest must never reach.
//
// Input layout (little-endian):
//   byte 0      bits 0-2: number of calls - 1 (1..8); bit 3: verbose
//   then, per call, 10 bytes: nr (u8), how (u8: bit 0 = submit it through
//               HV_CALL_SUBMIT with an hv_async the harness writes at
//               kAsync), arg (u64: the guest address of its argument)
//   the rest    guest memory from 0x1000 (argument structs, paths, data)
// tests/fuzz/make_seeds.py writes inputs in this layout.
//
// Nothing may block: hvrun's stdio is /dev/null (a console read gets EOF at
// once, a write never waits); HV_CALL_WAIT only returns a kSleep outcome
// (sleeping is the backend's job), so it needs no special case; FIFOs
// cannot be created through the file services. RLIMIT_FSIZE bounds the
// disk a guest can fill (ftruncate, fallocate, pwrite at a huge offset).
// So a submitted transfer is always tried and done in line; the io_uring
// path of one that would block (AsyncIo) is not reached here, and is left
// to tests/unit/engine/submit_test.cc.
//
// With HVRUN_FUZZ_TRACE set, each call and its outcome go to stderr (for
// writing seeds: see that a seed reaches what it means to).
//
// After each input the target checks, beyond ASan and UBSan, that nothing
// escaped the mounts: the scratch directory holds exactly rw, ro and the
// outside file; the outside file and everything under ro are unchanged
// (content, mode, link count, times); the engine's replies are results or
// -errno; a kSleep's wake word points into guest memory.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_check.h"
#include "vmm/base/guest_memory.h"
#include "vmm/base/unique_fd.h"
#include "vmm/engine/service_engine.h"
#include "vmm/services/host_files.h"
#include "vmm/services/shm_store.h"

namespace hvrun {
namespace {

constexpr uint64_t kMemorySize = 64 << 10;
constexpr uint64_t kContents = 0x1000;  // input bytes go here, after the null page
// The last page holds the harness's own hv_async and completion counter
// when a call is submitted (the input's bytes there are overwritten then).
constexpr uint64_t kAsync = kMemorySize - 0x1000;
constexpr uint64_t kCounter = kAsync + 0x100;
constexpr size_t kMaxCalls = 8;  // a power of two: byte 0's low bits count them
constexpr size_t kRecordSize = 10;
// The most a guest can make the scratch files grow (one file, one call).
constexpr rlim_t kMaxFileSize = 16 << 20;

constexpr char kOutsideText[] = "outside\n";
constexpr char kReadOnlyText[] = "read only\n";

struct Call {
  uint8_t nr = 0;
  bool submit = false;
  uint64_t arg = 0;
};

// What a file looked like, for "unchanged" checks.
struct FileState {
  std::string content;
  mode_t mode = 0;
  nlink_t nlink = 0;
  timespec mtime{};
  timespec ctime{};
  bool operator==(const FileState& o) const {
    return content == o.content && mode == o.mode && nlink == o.nlink &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

// The names in directory (dir), "." and ".." left out.
std::set<std::string> List(int dir) {
  std::set<std::string> names;
  // A copy of (dir) shares its offset: rewind, whoever read it last.
  const int copy = fcntl(dir, F_DUPFD_CLOEXEC, 0);
  FUZZ_CHECK(copy >= 0);
  std::unique_ptr<DIR, DirCloser> d(fdopendir(copy));  // owns (copy)
  FUZZ_CHECK(d != nullptr);
  rewinddir(d.get());
  while (const dirent* e = readdir(d.get())) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.insert(name);
  }
  return names;
}

// Removes everything inside directory (dir), depth first, never following
// a symlink (unlinkat removes the link itself).
void RemoveContents(int dir) {
  for (const std::string& name : List(dir)) {
    if (unlinkat(dir, name.c_str(), 0) == 0) continue;
    FUZZ_CHECK(errno == EISDIR || errno == EPERM);
    // The guest may have made it unsearchable; hvrun may not run as root.
    (void)fchmodat(dir, name.c_str(), 0700, 0);
    UniqueFd sub(openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    FUZZ_CHECK(sub.valid());
    RemoveContents(sub.get());
    FUZZ_CHECK(unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0);
  }
}

FileState StateOf(int dir, const char* name) {
  FileState state;
  struct stat st {};
  FUZZ_CHECK(fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0);
  state.mode = st.st_mode;
  state.nlink = st.st_nlink;
  state.mtime = st.st_mtim;
  state.ctime = st.st_ctim;
  if (S_ISREG(st.st_mode)) {
    UniqueFd fd(openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    FUZZ_CHECK(fd.valid());
    char buf[256];
    ssize_t n;
    while ((n = read(fd.get(), buf, sizeof buf)) > 0) state.content.append(buf, n);
  }
  return state;
}

void WriteFile(int dir, const char* name, const char* text, mode_t mode) {
  UniqueFd fd(openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  FUZZ_CHECK(fd.valid());
  FUZZ_CHECK(write(fd.get(), text, strlen(text)) == static_cast<ssize_t>(strlen(text)));
  FUZZ_CHECK(fchmod(fd.get(), mode) == 0);
}

class Harness {
 public:
  Harness() : memory_(MustCreate()) {
    // A guest may grow a scratch file up to kMaxFileSize; past it the call
    // fails with EFBIG instead of killing the fuzzer with SIGXFSZ.
    signal(SIGXFSZ, SIG_IGN);
    const rlimit fsize{kMaxFileSize, kMaxFileSize};
    FUZZ_CHECK(setrlimit(RLIMIT_FSIZE, &fsize) == 0);
    null_.Reset(open("/dev/null", O_RDWR | O_CLOEXEC));
    FUZZ_CHECK(null_.valid());

    std::string tmpl = ScratchParent() + "/hvrun-fuzz-hypercall-XXXXXX";
    FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
    scratch_path_ = tmpl;
    scratch_.Reset(open(scratch_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    FUZZ_CHECK(scratch_.valid());
    FUZZ_CHECK(mkdirat(scratch_.get(), "rw", 0755) == 0);
    FUZZ_CHECK(mkdirat(scratch_.get(), "ro", 0755) == 0);
    WriteFile(scratch_.get(), "outside", kOutsideText, 0600);
    rw_.Reset(openat(scratch_.get(), "rw", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ro_.Reset(openat(scratch_.get(), "ro", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    FUZZ_CHECK(rw_.valid() && ro_.valid());
    WriteFile(ro_.get(), "file", kReadOnlyText, 0644);
    outside_ = StateOf(scratch_.get(), "outside");
    ro_dir_ = StateOf(scratch_.get(), "ro");
    ro_file_ = StateOf(ro_.get(), "file");
  }

  ~Harness() {
    // Leaves no scratch directory behind (ctest's replay ends normally).
    RemoveContents(scratch_.get());
    rmdir(scratch_path_.c_str());
  }

  void Run(const uint8_t* data, size_t size) {
    if (size == 0) return;
    const size_t ncalls = 1 + (data[0] & (kMaxCalls - 1));
    const bool verbose = (data[0] & 8) != 0;
    std::vector<Call> calls;
    size_t at = 1;
    for (size_t i = 0; i < ncalls && at + kRecordSize <= size; ++i, at += kRecordSize) {
      Call c{.nr = data[at], .submit = (data[at + 1] & 1) != 0};
      std::memcpy(&c.arg, data + at + 2, sizeof(c.arg));
      calls.push_back(c);
    }
    std::memset(memory_.host_base(), 0, kMemorySize);
    const size_t contents = std::min<size_t>(size - at, kMemorySize - kContents);
    std::memcpy(memory_.host_base() + kContents, data + at, contents);

    PrepareRw();
    {
      // A fresh shared-memory store per input (small: its quota is part of
      // what is fuzzed), removed with everything in it at the end.
      absl::StatusOr<std::shared_ptr<ShmStore>> store = ShmStore::Create(256 << 10);
      FUZZ_CHECK(store.ok());
      // A fresh engine per input: its handle table and io_uring (if a
      // transfer was queued) go with it, in-flight transfers cancelled.
      ServiceEngine engine(memory_,
                           ServiceOptions{.verbose = verbose,
                                          .stdin_fd = null_.get(),
                                          .stdout_fd = null_.get(),
                                          .stderr_fd = null_.get()},
                           Mounts(**store));
      for (const Call& c : calls) {
        const int64_t result = c.submit ? Submit(engine, c) : Handle(engine, c);
        if (trace_) {
          std::fprintf(stderr, "hypercall %d%s arg 0x%llx -> %lld\n", c.nr,
                       c.submit ? " (submitted)" : "", static_cast<unsigned long long>(c.arg),
                       static_cast<long long>(result));
        }
      }
    }
    CheckNothingEscaped();
  }

 private:
  static GuestMemory MustCreate() {
    absl::StatusOr<GuestMemory> memory = GuestMemory::Create(kMemorySize);
    FUZZ_CHECK(memory.ok());
    return *std::move(memory);
  }

  // Where the scratch directory goes: $HVRUN_FUZZ_SCRATCH if set, else
  // /dev/shm, else $TMPDIR or /tmp. A tmpfs first because a guest's fsync
  // on a disk costs milliseconds: on ext4 the target ran 20 times fewer
  // inputs a second. The file services' checks are the same on any file
  // system.
  static std::string ScratchParent() {
    const char* dir = getenv("HVRUN_FUZZ_SCRATCH");
    if (dir != nullptr && *dir != '\0') return dir;
    if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
    const char* tmp = getenv("TMPDIR");
    return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }

  // rw as each input starts: a file, a directory, and the links a guest
  // would try to leave by (relative, absolute, a /proc magic link).
  void PrepareRw() {
    RemoveContents(rw_.get());
    FUZZ_CHECK(fchmod(rw_.get(), 0755) == 0);
    WriteFile(rw_.get(), "file", "hello\n", 0644);
    FUZZ_CHECK(mkdirat(rw_.get(), "dir", 0755) == 0);
    FUZZ_CHECK(symlinkat("../outside", rw_.get(), "up") == 0);
    FUZZ_CHECK(symlinkat((scratch_path_ + "/outside").c_str(), rw_.get(), "abs") == 0);
    FUZZ_CHECK(symlinkat("/proc/self/cwd", rw_.get(), "proc") == 0);
    FUZZ_CHECK(symlinkat("file", rw_.get(), "inside") == 0);
  }

  // The scratch mounts, and (store)'s /dev/shm as mount 2.
  HostFiles Mounts(const ShmStore& store) const {
    HostFiles files;
    absl::StatusOr<HostMount> rw = HostMount::Parse(scratch_path_ + "/rw:/data");
    absl::StatusOr<HostMount> ro = HostMount::Parse(scratch_path_ + "/ro:/ro:ro");
    absl::StatusOr<HostMount> shm = store.Mount();
    FUZZ_CHECK(rw.ok() && ro.ok() && shm.ok());
    files.AddMount(*std::move(rw));
    files.AddMount(*std::move(ro));
    files.AddMount(*std::move(shm));
    return files;
  }

  // Returns the reply (or 0 for another outcome).
  int64_t Handle(ServiceEngine& engine, const Call& c) const {
    const HypercallOutcome out = engine.Handle(c.nr, c.arg);
    switch (out.kind) {
      case HypercallOutcome::Kind::kReply:
        FUZZ_CHECK(out.result >= -4095);  // a result or -errno
        break;
      case HypercallOutcome::Kind::kSleep:
        if (out.wake_word != nullptr) {
          const auto* word = reinterpret_cast<const uint8_t*>(out.wake_word);
          FUZZ_CHECK(word >= memory_.host_base() + memory_.start());
          FUZZ_CHECK(word + sizeof(uint32_t) <= memory_.host_base() + kMemorySize);
          FUZZ_CHECK(reinterpret_cast<uintptr_t>(word) % 4 == 0);
        }
        break;
      case HypercallOutcome::Kind::kExit:
      case HypercallOutcome::Kind::kFatal:
        break;
    }
    return out.result;
  }

  // Returns the reply to HV_CALL_SUBMIT, or the call's own result if done.
  int64_t Submit(ServiceEngine& engine, const Call& c) {
    FUZZ_CHECK(memory_.Write(kAsync, hv_async{c.nr, c.arg, kCounter, -1, 0, 0}).ok());
    const HypercallOutcome out = engine.Handle(HV_CALL_SUBMIT, kAsync);
    FUZZ_CHECK(out.kind == HypercallOutcome::Kind::kReply);
    if (out.result == HV_SUBMIT_DONE) {
      // Written after the call itself, so whatever the call wrote (its
      // buffer may be the hv_async) cannot hide them.
      const hv_async req = *memory_.Read<hv_async>(kAsync);
      FUZZ_CHECK(req.done == 1);
      FUZZ_CHECK(req.result >= -4095);
      return req.result;
    }
    if (out.result != HV_SUBMIT_QUEUED) FUZZ_CHECK(out.result < 0 && out.result >= -4095);
    return out.result;
  }

  void CheckNothingEscaped() const {
    FUZZ_CHECK(List(scratch_.get()) == (std::set<std::string>{"outside", "ro", "rw"}));
    FUZZ_CHECK(StateOf(scratch_.get(), "outside") == outside_);
    FUZZ_CHECK(List(ro_.get()) == std::set<std::string>{"file"});
    FUZZ_CHECK(StateOf(scratch_.get(), "ro") == ro_dir_);
    FUZZ_CHECK(StateOf(ro_.get(), "file") == ro_file_);
  }

  GuestMemory memory_;
  const bool trace_ = getenv("HVRUN_FUZZ_TRACE") != nullptr;
  UniqueFd null_;
  std::string scratch_path_;
  UniqueFd scratch_, rw_, ro_;
  FileState outside_, ro_dir_, ro_file_;
};

}  // namespace
}  // namespace hvrun

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static hvrun::Harness harness;  // one guest memory and scratch tree for the run
  harness.Run(data, size);
  return 0;
}
