// File: runtime/linux/futex.h
//
// What thread exit needs from the futex code: Linux's exit_robust_list. A
// thread registers the head of its list of held robust mutexes
// (set_robust_list); when it ends, every lock on the list it still holds is
// marked FUTEX_OWNER_DIED and one waiter is woken, so that the next locker
// gets EOWNERDEAD instead of waiting for ever.
#ifndef HVRT_LINUX_FUTEX_H_
#define HVRT_LINUX_FUTEX_H_

#include <stdint.h>

namespace hvrt::futex {

// Walks the robust list at (head) (app memory, checked as it is read; at
// most kROBUST_LIST_LIMIT entries) of the ending thread (tid).
void ReleaseRobustList(uint64_t head, int32_t tid);

}  // namespace hvrt::futex

#endif  // HVRT_LINUX_FUTEX_H_
