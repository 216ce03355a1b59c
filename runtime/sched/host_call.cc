// HostCall: see host_call.h.
#include "runtime/sched/host_call.h"

#include "hv/abi.h"
#include "runtime/hv/hypercall.h"
#include "runtime/sched/sched.h"

namespace hvrt::sched {

int64_t HostCall(uint64_t nr, void* arg) {
  hv_async a = {.nr = nr,
                .arg = reinterpret_cast<uint64_t>(arg),
                .counter = reinterpret_cast<uint64_t>(CompletionCounter()),
                .result = 0,
                .done = 0,
                .pad0 = 0};
  // Counted as itself too: hv_stats.per_call says what the app asked for,
  // whichever way it went.
  if (nr < HV_CALL_MAX) hv::Stats().per_call[nr]++;
  int64_t r = hv::Call(HV_CALL_SUBMIT, &a);
  if (r < 0) return r;
  if (r == HV_SUBMIT_QUEUED) BlockOnHost(&a.done);
  // hvrun wrote result before done; BlockOnHost returned after seeing done
  // (or the call completed in line).
  return __atomic_load_n(&a.result, __ATOMIC_ACQUIRE);
}

}  // namespace hvrt::sched
