// File: service_engine.cc
#include "vmm/engine/service_engine.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "vmm/engine/sigio_router.h"

namespace hvrun {
namespace {

HypercallOutcome Nop(const ServiceContext&, uint64_t) { return HypercallOutcome::Reply(0); }

// Indexed by enum hv_call. HV_CALL_REGISTER is absent: registering the
// syscall entry is delivery, so each backend handles it itself.
constexpr std::array<ServiceFn, HV_CALL_MAX> kServices = [] {
  std::array<ServiceFn, HV_CALL_MAX> t{};
  t[HV_CALL_NOP] = Nop;
  t[HV_CALL_EXIT] = Exit;
  t[HV_CALL_CONSOLE_WRITE] = ConsoleWrite;
  t[HV_CALL_CONSOLE_READ] = ConsoleRead;
  t[HV_CALL_CONSOLE_INFO] = ConsoleInfo;
  t[HV_CALL_RANDOM] = Random;
  t[HV_CALL_MEM_DISCARD] = MemDiscard;
  t[HV_CALL_UNSUPPORTED] = Unsupported;
  t[HV_CALL_PANIC] = Panic;
  t[HV_CALL_CLOCK] = Clock;
  t[HV_CALL_FILE_OPEN] = FileOpen;
  t[HV_CALL_FILE_CLOSE] = FileClose;
  t[HV_CALL_FILE_READ] = FileRead;
  t[HV_CALL_FILE_WRITE] = FileWrite;
  t[HV_CALL_FILE_STAT] = FileStat;
  t[HV_CALL_FILE_GETDENTS] = FileGetdents;
  t[HV_CALL_FILE_PATHOP] = FilePathop;
  t[HV_CALL_FILE_FDOP] = FileFdop;
  t[HV_CALL_WAIT] = Wait;
  t[HV_CALL_PIPE] = PipeCreate;
  t[HV_CALL_MEM_SHARE] = MemShare;
  t[HV_CALL_FUTEX] = Futex;
  t[HV_CALL_EVENTFD] = EventfdCreate;
  t[HV_CALL_SYSV_SHM] = SysvShm;
  t[HV_CALL_SOCKET] = Socket;
  t[HV_CALL_POLL] = Poll;
  t[HV_CALL_EPOLL] = Epoll;
  t[HV_CALL_TIMERFD] = Timerfd;
  return t;
}();

// Calls that end in a plain reply, so that they can be submitted.
bool Submittable(uint64_t nr) {
  return nr < HV_CALL_MAX && kServices[nr] != nullptr && nr != HV_CALL_EXIT &&
         nr != HV_CALL_PANIC && nr != HV_CALL_WAIT && nr != HV_CALL_PIPE &&
         nr != HV_CALL_MEM_SHARE && nr != HV_CALL_EVENTFD && nr != HV_CALL_SYSV_SHM &&
         nr != HV_CALL_PROC_INFO;
}

}  // namespace

bool ServiceEngine::AsyncReady() {
  if (async_ == nullptr && !async_unavailable_) {
    auto created = AsyncIo::Create(memory_);
    if (created.ok()) {
      async_ = *std::move(created);
    } else {
      async_unavailable_ = true;
      if (options_.verbose) {
        absl::FPrintF(stderr,
                      "hvrun: %s; a blocking console or file transfer waits on a host thread "
                      "of its own instead of io_uring\n",
                      created.status().message());
      }
    }
  }
  return async_ != nullptr;
}

bool ServiceEngine::StartAsync(const HostIo& io, const AsyncIo::Completion& where) {
  AsyncReady();
  if (async_ != nullptr && async_->Start(io, where)) return true;
  if (threaded_ == nullptr) threaded_ = std::make_unique<ThreadedIo>(memory_);
  return threaded_->Start(io, where);
}

int64_t ServiceEngine::SubmitOpen(uint64_t open_arg, uint64_t request, uint64_t counter,
                                  bool* queued) {
  const ServiceContext ctx{memory_, options_, files_};
  FifoWait wait;
  const int64_t r = FileOpenOrWait(ctx, open_arg, &wait);
  if (r != kOpenWaits) return r;
  uint64_t token = 0;
  const int64_t handle = files_.Reserve(wait.read_only, /*stream=*/true, &token);
  if (handle < 0) return handle;
  if (fifo_opener_ == nullptr) fifo_opener_ = std::make_unique<FifoOpener>(memory_, files_);
  if (!fifo_opener_->Start(std::move(wait), static_cast<uint32_t>(handle), token,
                           {.request = request, .counter = counter})) {
    files_.Fill(static_cast<uint32_t>(handle), token, UniqueFd());
    return -EAGAIN;
  }
  ++queued_;
  *queued = true;
  return 0;
}

HypercallOutcome ServiceEngine::Submit(uint64_t arg) {
  auto req = memory_.Read<hv_async>(arg);
  if (!req.ok()) return HypercallOutcome::Reply(-EFAULT);
  if (!Submittable(req->nr)) return HypercallOutcome::Reply(-EINVAL);
  if (req->counter % 4 != 0) return HypercallOutcome::Reply(-EINVAL);
  if (!memory_.Contains(req->counter, sizeof(uint32_t))) return HypercallOutcome::Reply(-EFAULT);
  int64_t result;
  if (IsHostIo(req->nr)) {
    ++counts_[req->nr];
    const ServiceContext ctx{memory_, options_, files_};
    HostIo io;
    result = PrepareHostIo(ctx, req->nr, req->arg, &io);
    if (result == 0) result = TryHostIo(io);
    int64_t before = 0;  // what a file transfer moved before it would block
    // A short read of a regular file would look like its end to the guest,
    // so the rest is tried too, until it is all there, the end of the file,
    // an error, or it would block (a stream's short transfer is what a pipe
    // gives anyway; the runtime goes on with a console write itself).
    while (!io.stream && result > 0 && static_cast<uint64_t>(result) < io.data.size()) {
      before += result;
      io.data = io.data.subspan(static_cast<size_t>(result));
      if (io.offset >= 0) io.offset += result;
      result = TryHostIo(io);
    }
    if (before > 0 && result != -EAGAIN && result != -EOPNOTSUPP) {
      result = WithProgress(before, result);
      before = 0;
    }
    // Would block: on io_uring. A host file whose file system cannot say
    // (EOPNOTSUPP: ext4's buffered writes) runs in line: disk time, bounded.
    // A host stdio stream in O_NONBLOCK mode (shared with whoever started
    // hvrun) would make io_uring answer EAGAIN at once: it is waited for in
    // line instead, by the console service's stop-aware poll.
    const bool console = req->nr == HV_CALL_CONSOLE_READ || req->nr == HV_CALL_CONSOLE_WRITE;
    const AsyncIo::Completion where{.request = arg, .counter = req->counter, .done_before = before};
    if (result == -EAGAIN && io.nowait) {
      // the guest's O_NONBLOCK: EAGAIN is the answer
    } else if (result == -EAGAIN && !(io.stream && (fcntl(io.fd, F_GETFL) & O_NONBLOCK) != 0)) {
      if (StartAsync(io, where)) {
        ++queued_;
        return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
      }
    } else if (result == -EAGAIN && !console) {
      // A named FIFO's fd, which hvrun keeps O_NONBLOCK (files.cc's
      // OpenFifo): io_uring would answer EAGAIN at once, so it waits on a
      // host thread, which polls and tries again.
      if (threaded_ == nullptr) threaded_ = std::make_unique<ThreadedIo>(memory_);
      if (threaded_->Start(io, where)) {
        ++queued_;
        return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
      }
    }
    if ((result == -EAGAIN && !io.nowait) || result == -EOPNOTSUPP) {
      // In line after all, blocking: the console through its service's
      // stop-aware path, a pipe and the rest of a file transfer with
      // read/pread (stop-aware too: StopSignals::Stopping ends the retries).
      result = WithProgress(
          before, io.stream && console ? kServices[req->nr](ctx, req->arg).result : RunFileIo(io));
    }
  } else if (req->nr == HV_CALL_FUTEX) {
    ++counts_[req->nr];
    const ServiceContext ctx{memory_, options_, files_};
    FutexWait wait;
    result = PrepareFutex(ctx, req->arg, &wait);
    if (wait.word != nullptr) {
      if (futex_waiter_ == nullptr) futex_waiter_ = std::make_unique<FutexWaiter>(memory_);
      if (futex_waiter_->Start(wait, {.request = arg, .counter = req->counter})) {
        ++queued_;
        return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
      }
      result = -EBUSY;
    }
  } else if (req->nr == HV_CALL_POLL) {
    ++counts_[req->nr];
    const ServiceContext ctx{memory_, options_, files_};
    PollWait wait;
    result = PreparePoll(ctx, req->arg, &wait);
    if (result == kPollWaits && wait.fds.size() == 1 && AsyncReady() &&
        async_->StartPoll(wait.fds[0].get(), wait.events[0], wait.timeout_ns,
                          {.request = arg, .counter = req->counter, .poll_item = wait.items})) {
      // One fd (a blocking socket call): io_uring's poll, no thread.
      ++queued_;
      return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
    }
    if (result == kPollWaits) {
      if (poll_waiter_ == nullptr) poll_waiter_ = std::make_unique<PollWaiter>(memory_);
      if (poll_waiter_->Start(std::move(wait), {.request = arg, .counter = req->counter})) {
        ++queued_;
        return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
      }
      result = -EBUSY;
    }
  } else if (req->nr == HV_CALL_SOCKET) {
    ++counts_[req->nr];
    bool queued = false;
    result = SubmitSocket(req->arg, arg, req->counter, &queued);
    if (queued) {
      ++queued_;
      return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
    }
  } else if (req->nr == HV_CALL_FILE_OPEN) {
    ++counts_[req->nr];
    bool queued = false;
    result = SubmitOpen(req->arg, arg, req->counter, &queued);
    if (queued) return HypercallOutcome::Reply(HV_SUBMIT_QUEUED);
  } else {
    result = Handle(req->nr, req->arg).result;
  }
  (void)memory_.Write(arg + offsetof(hv_async, result), result);
  (void)memory_.Write(arg + offsetof(hv_async, done), uint32_t{1});
  return HypercallOutcome::Reply(HV_SUBMIT_DONE);
}

int64_t ServiceEngine::SubmitSocket(uint64_t socket_arg, uint64_t request, uint64_t counter,
                                    bool* queued) {
  const ServiceContext ctx{memory_, options_, files_};
  const int64_t result = Socket(ctx, socket_arg).result;
  auto req = memory_.Read<hv_socket>(socket_arg);
  if (result != -EAGAIN || !req.ok() || (req->flags & HV_SOCK_WAIT) == 0 ||
      (req->flags & MSG_DONTWAIT) != 0 || !AsyncReady()) {
    return result;
  }
  short events;
  switch (req->op) {
    case HV_SOCK_RECVMSG:
    case HV_SOCK_ACCEPT:
      events = POLLIN;
      break;
    case HV_SOCK_SENDMSG:
      events = POLLOUT;
      break;
    default:
      return result;
  }
  // Socket() wrote the budget (SO_RCVTIMEO, SO_SNDTIMEO) into arg2: 0 is no
  // wait at all.
  auto budget = memory_.Read<int64_t>(socket_arg + offsetof(hv_socket, arg2));
  if (!budget.ok() || *budget == 0) return result;
  const int64_t wait = *budget < 0 ? HV_SOCK_WAIT_NS : std::min<int64_t>(*budget, HV_SOCK_WAIT_NS);
  // A dup: another thread's close cannot turn the number into another file
  // before io_uring takes its own reference (at submit).
  const int handle_fd = files_.fd(req->handle);
  UniqueFd fd(handle_fd < 0 ? -1 : fcntl(handle_fd, F_DUPFD_CLOEXEC, 3));
  if (!fd.valid()) return result;
  AsyncIo::Completion where{.request = request, .counter = counter};
  where.again = [this, socket_arg] {
    const ServiceContext again{memory_, options_, files_};
    return Socket(again, socket_arg).result;
  };
  if (!async_->StartPoll(fd.get(), events, wait, where)) return result;
  *queued = true;
  return 0;
}

int64_t ServiceEngine::SetAsync(const hv_file_fdop& req) {
  if (procs_ == nullptr) return -ENOSYS;
  const int fd = files_.fd(req.handle);
  if (fd < 0) return -EBADF;
  if (!files_.stream(req.handle)) return 0;  // a regular file: Linux ignores O_ASYNC
  if (req.flags > 64 || req.arg1 > 1 || static_cast<int64_t>(req.arg0) > INT32_MAX ||
      static_cast<int64_t>(req.arg0) < INT32_MIN) {
    return -EINVAL;
  }
  if (async_watches_.erase(req.handle) != 0) SigioRouter::Get().Unwatch(fd);
  if (req.arg1 == 0) return 0;
  const int32_t sig = req.flags == 0 ? SIGIO : static_cast<int32_t>(req.flags);
  if (absl::Status s =
          SigioRouter::Get().Watch(fd, procs_, pid_, static_cast<int32_t>(req.arg0), sig);
      !s.ok()) {
    return -ENOMEM;
  }
  async_watches_.insert(req.handle);
  return 0;
}

ServiceEngine::~ServiceEngine() {
  for (uint32_t handle : async_watches_) {
    if (const int fd = files_.fd(handle); fd >= 0) SigioRouter::Get().Unwatch(fd);
  }
}

HypercallOutcome ServiceEngine::Handle(uint64_t nr, uint64_t arg) {
  if (nr == HV_CALL_SUBMIT) {
    ++counts_[nr];
    return Submit(arg);
  }
  if (nr == HV_CALL_FILE_FDOP || nr == HV_CALL_FILE_CLOSE) {
    // O_ASYNC is the engine's (it owns io_uring and knows the process); a
    // watched handle's close ends its watch first, so the host fd goes.
    if (nr == HV_CALL_FILE_FDOP) {
      auto req = memory_.Read<hv_file_fdop>(arg);
      if (req.ok() && req->op == HV_FDOP_ASYNC) {
        ++counts_[nr];
        return HypercallOutcome::Reply(SetAsync(*req));
      }
    } else if (!async_watches_.empty()) {
      auto req = memory_.Read<hv_file_io>(arg);
      if (req.ok() && async_watches_.erase(req->handle) != 0) {
        if (const int fd = files_.fd(req->handle); fd >= 0) SigioRouter::Get().Unwatch(fd);
      }
    }
  }
  if (nr == HV_CALL_FORK || nr == HV_CALL_PROC || nr == HV_CALL_EXEC || nr == HV_CALL_PROC_INFO) {
    ++counts_[nr];
    if (procs_ == nullptr) return HypercallOutcome::Reply(-ENOSYS);
    if (nr == HV_CALL_FORK) {
      auto flags = memory_.Read<uint64_t>(arg);
      if (!flags.ok()) return HypercallOutcome::Reply(-EFAULT);
      if ((*flags & ~HV_FORK_PARENT) != 0) return HypercallOutcome::Reply(-EINVAL);
      return HypercallOutcome::Reply(procs_->Fork(pid_, *flags));
    }
    if (nr == HV_CALL_EXEC) {
      const ServiceContext ctx{memory_, options_, files_};
      return procs_->Exec(pid_, ctx, arg);
    }
    if (nr == HV_CALL_PROC_INFO)
      return HypercallOutcome::Reply(procs_->ProcInfo(pid_, memory_, arg));
    auto req = memory_.Read<hv_proc>(arg);
    if (!req.ok()) return HypercallOutcome::Reply(-EFAULT);
    const int64_t r = procs_->Proc(pid_, *req);
    if (!memory_.Write(arg, *req).ok()) return HypercallOutcome::Reply(-EFAULT);
    return HypercallOutcome::Reply(r);
  }
  if (nr >= HV_CALL_MAX || kServices[nr] == nullptr) return HypercallOutcome::Reply(-ENOSYS);
  ++counts_[nr];
  const ServiceContext ctx{memory_, options_, files_};
  return kServices[nr](ctx, arg);
}

}  // namespace hvrun
