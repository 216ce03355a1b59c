// File: process_table.h
//
// ProcessTable: the container's processes. Every process is its own guest
// (its own sandboxed child on sim, its own VM on kvm) with its own memory,
// backend and service engine, run on its own host thread; what processes
// share lives in the host: pipes and open files are host fds (a fork dup()s
// them, so offsets and pipe ends are shared as in Linux), and this table
// holds pids, parents, process groups, sessions and exit statuses.
//
// fork (HV_CALL_FORK) copies the parent's memory, page for page where it
// holds data (GuestMemory::CopyFrom: cost follows what the parent touched,
// never --memory), marks the copy HV_BOOT_FORKED and starts it: the runtime
// resumes the forking thread there with fork's result 0. execve is in place
// (ExecService). The first process (pid 1) is the container's init: when it
// ends, every other process is killed and hvrun exits with init's status.
// Orphans go to init. --pids-limit bounds the table (live and zombie); a
// fork past it is EAGAIN, reported once.
//
// Example:
//   ProcessTable table({.pids_limit = 512, .service = {...}});
//   absl::StatusOr<GuestExit> exit = table.RunInit(std::move(init));
#ifndef HVRUN_PROCESS_TABLE_H_
#define HVRUN_PROCESS_TABLE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "hv-backends/backend.h"
#include "hvrun/exec_service.h"
#include "vmm/engine/service_engine.h"

namespace hvrun {

// One guest, ready to run: what Launch builds for init and Fork for a child.
struct GuestImage {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GuestMemory> memory;
  GuestStart start;
  HostFiles files;
  uint64_t image_end = 0;  // boot_info.free.start: the exec image area's end
};

class ProcessTable final : public ProcessHooks {
 public:
  struct Options {
    std::string backend;  // CreateBackend's name for children
    int pids_limit = 512;
    ServiceOptions service;
  };
  explicit ProcessTable(Options options);
  ~ProcessTable() override;
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Runs pid 1 on the calling thread until it ends; then ends every other
  // process and waits for them. Returns init's end.
  absl::StatusOr<GuestExit> RunInit(GuestImage init);

  // Sends (sig) to init, as a signal from outside the guest (hvrun's own
  // SIGTERM, forwarded: stop_forwarder.h).
  void SignalInit(int sig);

  // The memory every process uses now (bytes of their memfds), for --memory.
  uint64_t UsedBytes();
  // How many processes were created in all (init included).
  int created() const { return created_.load(); }

  int64_t Fork(int32_t pid, uint64_t flags) override;
  int64_t Proc(int32_t pid, hv_proc& req) override;
  HypercallOutcome Exec(int32_t pid, const ServiceContext& ctx, uint64_t arg) override;
  int64_t ProcInfo(int32_t pid, const GuestMemory& memory, uint64_t arg) override;

 private:
  struct Process;
  // A child's thread: runs its guest, then makes it a zombie.
  void RunChild(Process* p);
  // Records how (p) ended (its wait status), hands its children to init and
  // tells its parent. Frees its guest.
  void Ended(Process* p, const absl::StatusOr<GuestExit>& exit);
  // Counts (p)'s events word up and wakes its waits (mu_ held).
  void Notify(Process* p);
  void SendSignal(Process* p, int sig);  // mu_ held
  int64_t Wait(Process* caller, hv_proc& req);
  int64_t Kill(Process* caller, int32_t pid, int sig);
  Process* Find(int32_t pid);  // mu_ held; null if none
  // Takes the zombies no one waits for (their parent ignores SIGCHLD) out of
  // the table (mu_ held); Join waits for their threads to end (mu_ not held).
  std::vector<std::unique_ptr<Process>> Sweep();
  // A child of (parent) stopped or continued (mu_ held).
  void TellParent(Process* parent);
  static void Join(std::vector<std::unique_ptr<Process>>& gone);
  void StopAll();

  Options options_;
  std::mutex mu_;
  std::map<int32_t, std::unique_ptr<Process>> procs_;
  int32_t next_pid_ = 2;
  bool limit_reported_ = false;
  bool fork_supported_ = false;  // the backend's ForkSupported()
  bool fork_reported_ = false;   // --verbose said why fork is refused
  bool ending_ = false;
  uint64_t early_signals_ = 0;  // SignalInit before RunInit
  std::atomic<int> created_{0};
  const absl::Time started_ = absl::Now();  // /proc's start times count from here
};

}  // namespace hvrun

#endif  // HVRUN_PROCESS_TABLE_H_
