// File: async_io.cc
#include "vmm/engine/async_io.h"

#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hvrun {
namespace {

// user_data of the cancel requests the destructor sends and of a no-op left
// in the queue; slot indices are below it.
constexpr uint64_t kCancelToken = UINT64_MAX;
// How long the reaper waits for a completion before it looks at stopping_.
constexpr __kernel_timespec kReapTimeout{0, 100 * 1000 * 1000};

}  // namespace

absl::StatusOr<std::unique_ptr<AsyncIo>> AsyncIo::Create(const GuestMemory& memory,
                                                         unsigned depth) {
  auto aio = absl::WrapUnique(new AsyncIo(memory, depth));
  // Plain flags: completions of poll-driven transfers (a pipe, a terminal)
  // run as task work in the submitting thread (hvrun's serve thread), which
  // the kernel interrupts out of its futex sleep for them.
  if (int r = io_uring_queue_init(depth, &aio->ring_, 0); r < 0) {
    return absl::UnavailableError(absl::StrCat("io_uring_queue_init: ", strerror(-r)));
  }
  // With every signal blocked, so that hvrun's stop signals (SIGINT,
  // SIGTERM, the --timeout alarm) go to the threads that act on them.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  aio->reaper_ = std::thread([p = aio.get()] { p->Reap(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return aio;
}

AsyncIo::AsyncIo(const GuestMemory& memory, unsigned depth)
    : memory_(memory), slots_(depth), poll_timeouts_(depth) {
  free_.reserve(depth);
  for (uint32_t i = depth; i > 0; --i) free_.push_back(i - 1);
}

AsyncIo::~AsyncIo() {
  if (!reaper_.joinable()) return;  // the ring never came up
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    // Cancel each transfer in flight by its slot (IORING_ASYNC_CANCEL_ANY
    // would do it in one, but only from Linux 5.19). A poll-driven transfer
    // (a pipe, a terminal) ends at once with -ECANCELED; one already running
    // in an io-wq worker is interrupted, and a disk read finishes. The
    // reaper wakes at least every kReapTimeout and ends once stopping_ and
    // nothing is in flight.
    std::vector<bool> busy(slots_.size(), true);
    for (uint32_t f : free_) busy[f] = false;
    for (uint32_t slot = 0; slot < busy.size(); ++slot) {
      if (!busy[slot]) continue;
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) {
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
        if (sqe == nullptr) break;
      }
      io_uring_prep_cancel64(sqe, slot, 0);
      io_uring_sqe_set_data64(sqe, kCancelToken);
    }
    io_uring_submit(&ring_);
  }
  reaper_.join();
  io_uring_queue_exit(&ring_);
}

bool AsyncIo::Start(const HostIo& io, const Completion& where) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || broken_ || free_.empty()) return false;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) return false;
  const uint32_t slot = free_.back();
  // An offset of -1 (all ones) makes io_uring use and move the fd's own
  // position, as read(2)/write(2) do.
  const uint64_t offset = static_cast<uint64_t>(io.offset);
  const auto len = static_cast<unsigned>(io.data.size());  // <= 1 MiB (kMaxTransfer)
  if (io.write) {
    io_uring_prep_write(sqe, io.fd, io.data.data(), len, offset);
  } else {
    io_uring_prep_read(sqe, io.fd, io.data.data(), len, offset);
  }
  io_uring_sqe_set_data64(sqe, slot);
  // The kernel takes its reference on the fd here, in this call: a close of
  // the guest's handle right after cannot pull the file out from under it.
  // Ours is the last sqe queued (earlier ones are no-ops a failed call left),
  // so it was taken only if everything queued was.
  const unsigned queued = io_uring_sq_ready(&ring_);
  const int taken = io_uring_submit(&ring_);
  if (taken < 0 || static_cast<unsigned>(taken) < queued) {
    // Not taken: turn the sqe into a no-op we ignore, so that it cannot run
    // later, when the next call submits what is left in the queue.
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, kCancelToken);
    return false;
  }
  free_.pop_back();
  slots_[slot] = where;
  ++in_flight_;
  return true;
}

bool AsyncIo::StartPoll(int fd, short events, int64_t timeout_ns, const Completion& where) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || broken_ || free_.empty() || io_uring_sq_space_left(&ring_) < 2) return false;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  io_uring_sqe* timeout = io_uring_get_sqe(&ring_);
  if (sqe == nullptr || timeout == nullptr) return false;
  const uint32_t slot = free_.back();
  io_uring_prep_poll_add(sqe, fd, static_cast<unsigned>(events));
  io_uring_sqe_set_data64(sqe, slot);
  sqe->flags |= IOSQE_IO_LINK;
  // The timeout's own completion is ignored; the poll's says -ECANCELED
  // when the timeout ended it.
  poll_timeouts_[slot] = {timeout_ns / 1000000000, timeout_ns % 1000000000};
  io_uring_prep_link_timeout(timeout, &poll_timeouts_[slot], 0);
  io_uring_sqe_set_data64(timeout, kCancelToken);
  const unsigned queued = io_uring_sq_ready(&ring_);
  const int taken = io_uring_submit(&ring_);
  if (taken < 0 || static_cast<unsigned>(taken) < queued) {
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, kCancelToken);
    io_uring_prep_nop(timeout);
    io_uring_sqe_set_data64(timeout, kCancelToken);
    return false;
  }
  free_.pop_back();
  slots_[slot] = where;
  ++in_flight_;
  return true;
}

void AsyncIo::Complete(const GuestMemory& memory, const Completion& c, int64_t res) {
  if (c.again) {
    res = res > 0 ? c.again() : (res == -ECANCELED || res == 0 ? -EAGAIN : res);
  } else if (c.poll_item != 0) {
    // A poll: its revents into the guest's item, and 1 or 0 as the result.
    const int16_t revents = res > 0 ? static_cast<int16_t>(res) : 0;
    if (!memory.Write(c.poll_item + offsetof(hv_poll_item, revents), revents).ok()) return;
    res = revents != 0 ? 1 : (res == -ECANCELED || res == 0 ? 0 : res);
  }
  const int64_t result = WithProgress(c.done_before, res);
  // The request was checked when it was started, but the guest may have
  // been told nothing about moving it; every write is checked again.
  if (!memory.Write(c.request + offsetof(hv_async, result), result).ok()) return;
  auto done = memory.Span(c.request + offsetof(hv_async, done), sizeof(uint32_t));
  if (!done.ok()) return;
  // result, then done (release), then the counter: a guest that sees the new
  // count and then reads done sees the result.
  std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(done->data()))
      .store(1, std::memory_order_release);
  auto counter = memory.Span(c.counter, sizeof(uint32_t));
  if (!counter.ok()) return;
  auto* word = reinterpret_cast<uint32_t*>(counter->data());
  std::atomic_ref<uint32_t>(*word).fetch_add(1);
  // Shared, not private: the word is in a MAP_SHARED memfd mapping.
  syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void AsyncIo::Reap() {
  for (;;) {
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec timeout = kReapTimeout;
    const int r = io_uring_wait_cqe_timeout(&ring_, &cqe, &timeout);
    if (r == -EINTR || r == -ETIME) {
      absl::MutexLock lock(&mu_);
      if (stopping_ && in_flight_ == 0) return;
      continue;
    }
    if (r < 0) {
      // The ring is broken: nothing more will complete. Refuse new transfers
      // (they are done in line instead).
      absl::MutexLock lock(&mu_);
      broken_ = true;
      return;
    }
    const uint64_t data = io_uring_cqe_get_data64(cqe);
    const int32_t res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    absl::MutexLock lock(&mu_);
    if (data != kCancelToken && data < slots_.size()) {
      Complete(memory_, slots_[data], res);
      free_.push_back(static_cast<uint32_t>(data));
      --in_flight_;
    }
    if (stopping_ && in_flight_ == 0) return;
  }
}

}  // namespace hvrun
