// File: services.h
//
// The hypercall services, one function per call, shared by every backend.
// Each first copies its argument struct out of guest memory (checked), then
// checks every length and offset, then acts. A bad guest pointer is the
// guest's error (-EFAULT), never hvrun's.
#ifndef VMM_SERVICES_SERVICES_H_
#define VMM_SERVICES_SERVICES_H_

#include <cstdint>
#include <span>
#include <vector>

#include "vmm/base/guest_memory.h"
#include "vmm/base/hypercall.h"
#include "vmm/services/host_files.h"
#include "vmm/services/network_policy.h"

namespace hvrun {

struct ServiceOptions {
  bool verbose = false;  // report unsupported syscalls as they happen
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
  // HV_CALL_PIPE: host pipes, which processes share (false: ENOSYS, and the
  // runtime keeps pipes inside the guest; for a backend without processes).
  bool host_pipes = true;
  // What the guest's sockets may do (--network, --publish).
  NetworkPolicy network;
};

struct ServiceContext {
  const GuestMemory& memory;
  const ServiceOptions& options;
  HostFiles& files;  // the mounts and the guest's open host files
};

using ServiceFn = HypercallOutcome (*)(const ServiceContext& ctx, uint64_t arg);

// One transfer on a host fd that can block hvrun for long (the console, host
// files): what HV_CALL_SUBMIT starts without holding the guest up
// (engine/async_io.h).
struct HostIo {
  bool write = false;
  int fd = -1;
  std::span<uint8_t> data;  // in guest memory, already checked
  int64_t offset = -1;      // -1: the fd's own position (the console)
  // Whether waiting is unbounded (a console stream) rather than disk time.
  bool stream = false;
  // HV_IO_NOWAIT: only what moves without waiting (-EAGAIN otherwise).
  bool nowait = false;
};

// Whether hypercall (nr) is a HostIo transfer (CONSOLE_READ/WRITE,
// FILE_READ/WRITE).
bool IsHostIo(uint64_t nr);
// Checks hypercall (nr)'s argument at (arg) exactly as its service would and
// says which transfer it asks for. Returns 0, or the -errno the service
// would have replied.
int64_t PrepareHostIo(const ServiceContext& ctx, uint64_t nr, uint64_t arg, HostIo* io);
// The per-service halves of PrepareHostIo.
int64_t PrepareConsoleIo(const ServiceContext& ctx, uint64_t arg, bool write, HostIo* io);
int64_t PrepareFileIo(const ServiceContext& ctx, uint64_t arg, bool write, HostIo* io);
// The result of a transfer that had moved (before) bytes when it went on
// and then got (r): the total, or, like read(2) after partial progress, the
// bytes moved when (r) is an error.
inline int64_t WithProgress(int64_t before, int64_t r) {
  return before > 0 && r < 0 ? before : before + r;
}
// Does a file (not stream) transfer, blocking: pread or pwrite.
int64_t RunFileIo(const HostIo& io);
// Tries (io) without blocking (RWF_NOWAIT; for a stream that cannot say,
// such as a terminal or /dev/null, poll). Returns its result, or -EAGAIN
// when it would block, or -EOPNOTSUPP when a file's fd cannot say.
int64_t TryHostIo(const HostIo& io);

// A FIFO open that must wait for the other end (Linux's O_RDONLY or
// O_WRONLY open of a FIFO without O_NONBLOCK), to be finished off the
// mailbox (engine/fifo_opener.h).
struct FifoWait {
  UniqueFd path;  // O_PATH of the FIFO, beneath its mount
  int flags = 0;  // for open(2) of hvrun's /proc/self/fd/<path>
  bool read_only = false;
};
// The FILE_OPEN service: a handle or -errno, or kOpenWaits when the open is
// such a FIFO open and (wait) took it (null (wait): -EAGAIN instead, so a
// guest that asks directly, not through HV_CALL_SUBMIT, never holds hvrun).
inline constexpr int64_t kOpenWaits = INT64_MAX;
int64_t FileOpenOrWait(const ServiceContext& ctx, uint64_t arg, FifoWait* wait);

// An HV_FUTEX_WAIT, checked: hvrun's view of the word and what to wait for
// (engine/futex_waiter.h waits for it off the mailbox).
struct FutexWait {
  uint32_t* word = nullptr;
  uint32_t val = 0;
  int64_t timeout_ns = 0;  // at most HV_FUTEX_SLICE_NS
  uint32_t bitset = 0;
};
// Checks a submitted HV_CALL_FUTEX: (wait->word) set for a wait that must
// block, else the reply (a wake's count, -EAGAIN for a word that is not
// (val), -errno).
int64_t PrepareFutex(const ServiceContext& ctx, uint64_t arg, FutexWait* wait);

// Paths beneath a mount for the services outside files.cc (sockets.cc): the
// parent directory of (at), opened O_PATH beneath its mount, and the last
// component (a real name); (*read_only): the mount is ":ro". Or the path
// itself, O_PATH|O_NOFOLLOW. 0 or -errno (an escape is -EACCES).
int64_t OpenPathParent(const ServiceContext& ctx, const hv_mount_path& at, UniqueFd* parent,
                       std::string* name, bool* read_only);
int64_t OpenPathNoFollow(const ServiceContext& ctx, const hv_mount_path& at, UniqueFd* out);

// HV_CALL_POLL, checked and tried at once: the reply (how many are ready,
// or -errno), or, where nothing is ready and the caller may wait (submitted
// with a timeout), kPollWaits with (wait) holding dups of the fds.
struct PollWait {
  uint64_t items = 0;  // guest address of the hv_poll_item array
  std::vector<UniqueFd> fds;
  std::vector<short> events;
  int64_t timeout_ns = 0;
};
inline constexpr int64_t kPollWaits = INT64_MAX;
int64_t PreparePoll(const ServiceContext& ctx, uint64_t arg, PollWait* wait);
// Writes each item's revents from (ready) (pollfd.revents, in order) and
// returns how many are non-zero, or -EFAULT.
int64_t FinishPoll(const GuestMemory& memory, uint64_t items, const std::vector<short>& ready);

HypercallOutcome ConsoleWrite(const ServiceContext& ctx, uint64_t arg);  // hv_console_io
HypercallOutcome ConsoleRead(const ServiceContext& ctx, uint64_t arg);   // hv_console_io
HypercallOutcome ConsoleInfo(const ServiceContext& ctx, uint64_t arg);   // hv_console_info
HypercallOutcome Random(const ServiceContext& ctx, uint64_t arg);        // hv_buffer
HypercallOutcome MemDiscard(const ServiceContext& ctx, uint64_t arg);    // hv_buffer
HypercallOutcome MemShare(const ServiceContext& ctx, uint64_t arg);      // hv_mem_share
// Whether [addr, addr+len) may be shared with other processes (the memory
// the runtime hands out: never the boot info, backend pages, CPU tables,
// program images or kvm's top page directories), and the -errno a sharing
// call's status maps to (0 for OK).
bool ShareableRange(const GuestMemory& memory, uint64_t addr, uint64_t len);
int64_t ShareErrno(const absl::Status& s);
HypercallOutcome Futex(const ServiceContext& ctx, uint64_t arg);        // hv_futex
HypercallOutcome Clock(const ServiceContext& ctx, uint64_t arg);        // hv_clock
HypercallOutcome Unsupported(const ServiceContext& ctx, uint64_t arg);  // hv_unsupported
HypercallOutcome Panic(const ServiceContext& ctx, uint64_t arg);        // hv_buffer
HypercallOutcome Exit(const ServiceContext& ctx, uint64_t arg);
HypercallOutcome Wait(const ServiceContext& ctx, uint64_t arg);           // hv_exit
HypercallOutcome FileOpen(const ServiceContext& ctx, uint64_t arg);       // hv_file_open
HypercallOutcome FileClose(const ServiceContext& ctx, uint64_t arg);      // hv_file_io
HypercallOutcome FileRead(const ServiceContext& ctx, uint64_t arg);       // hv_file_io
HypercallOutcome FileWrite(const ServiceContext& ctx, uint64_t arg);      // hv_file_io
HypercallOutcome FileGetdents(const ServiceContext& ctx, uint64_t arg);   // hv_file_io
HypercallOutcome FileStat(const ServiceContext& ctx, uint64_t arg);       // hv_file_stat
HypercallOutcome FilePathop(const ServiceContext& ctx, uint64_t arg);     // hv_file_pathop
HypercallOutcome FileFdop(const ServiceContext& ctx, uint64_t arg);       // hv_file_fdop
HypercallOutcome PipeCreate(const ServiceContext& ctx, uint64_t arg);     // hv_pipe
HypercallOutcome EventfdCreate(const ServiceContext& ctx, uint64_t arg);  // hv_eventfd
HypercallOutcome SysvShm(const ServiceContext& ctx, uint64_t arg);        // hv_sysv_shm
HypercallOutcome Socket(const ServiceContext& ctx, uint64_t arg);         // hv_socket
HypercallOutcome Poll(const ServiceContext& ctx, uint64_t arg);           // hv_poll
HypercallOutcome Epoll(const ServiceContext& ctx, uint64_t arg);          // hv_epoll
HypercallOutcome Timerfd(const ServiceContext& ctx, uint64_t arg);        // hv_timerfd

// Returns the name of Linux x86-64 syscall (nr), or "" if unknown.
const char* SyscallName(uint64_t nr);

}  // namespace hvrun

#endif  // VMM_SERVICES_SERVICES_H_
