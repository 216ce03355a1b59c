// File: worker_threads.h
//
// What the engine's one-job threads share (threaded_io.h, fifo_opener.h,
// futex_waiter.h): each job runs on a thread of its own, recorded as a
// Worker that has a std::thread (thread) and a std::atomic<bool> (finished)
// it sets last; the owner keeps them in a vector until joined.
#ifndef VMM_ENGINE_WORKER_THREADS_H_
#define VMM_ENGINE_WORKER_THREADS_H_

#include <memory>
#include <vector>

namespace hvrun {

// Joins and drops the workers whose jobs have finished; returns how many
// are still running (the owner's lock held).
template <typename Worker>
size_t JoinFinished(std::vector<std::unique_ptr<Worker>>& workers) {
  std::erase_if(workers, [](const std::unique_ptr<Worker>& w) {
    if (!w->finished.load()) return false;
    w->thread.join();
    return true;
  });
  return workers.size();
}

}  // namespace hvrun

#endif  // VMM_ENGINE_WORKER_THREADS_H_
