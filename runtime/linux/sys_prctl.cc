// prctl(2): the options programs and test harnesses use. The parent-death
// signal goes to hvrun's process table (which sends it when the parent
// ends); thread names are kept per thread for PR_GET_NAME. Everything else
// is -EINVAL, as Linux says for an option it does not know.
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/procfs.h"

namespace hvrt {
namespace {

constexpr uint64_t kPR_SET_PDEATHSIG = 1;
constexpr uint64_t kPR_GET_PDEATHSIG = 2;
constexpr uint64_t kPR_GET_DUMPABLE = 3;
constexpr uint64_t kPR_SET_DUMPABLE = 4;
constexpr uint64_t kPR_SET_NAME = 15;
constexpr uint64_t kPR_GET_NAME = 16;
constexpr uint64_t kPR_SET_MM = 35;
constexpr uint64_t kPR_SET_CHILD_SUBREAPER = 36;
constexpr uint64_t kPR_GET_CHILD_SUBREAPER = 37;
constexpr uint64_t kPR_SET_NO_NEW_PRIVS = 38;
constexpr uint64_t kPR_GET_NO_NEW_PRIVS = 39;

constexpr uint64_t kTaskCommLen = 16;  // TASK_COMM_LEN, the NUL included
static_assert(kTaskCommLen == 16, "procfs::DefaultComm fills 16 bytes");

// Names set with PR_SET_NAME, by thread slot ("" = never set: the
// program's own name).
// Per thread (sched slot), as on Linux: the name and no_new_privs. A new
// thread starts with its creator's (PrctlOnClone); a fork's one thread
// keeps the forking thread's, in its slot.
constinit char g_names[sched::kMaxThreads][kTaskCommLen] = {};
constinit uint8_t g_no_new_privs[sched::kMaxThreads] = {};

}  // namespace

void PrctlOnClone(int32_t tid) {
  const int slot = sched::SlotOf(tid);
  if (slot < 0) return;
  Copy(g_names[slot], g_names[sched::CurrentSlot()], kTaskCommLen);
  g_no_new_privs[slot] = g_no_new_privs[sched::CurrentSlot()];
}

// Prctl implements Linux syscall prctl(2) for PR_SET/GET_PDEATHSIG,
// PR_SET/GET_DUMPABLE, PR_SET/GET_NAME, PR_SET/GET_NO_NEW_PRIVS and
// PR_SET/GET_CHILD_SUBREAPER; PR_SET_MM is EPERM; anything else EINVAL.
int64_t sys_prctl(hv_syscall_frame& f) {
  process::PrctlState& st = process::Prctl();
  const uint64_t arg = f.args[1];
  switch (f.args[0]) {
    case kPR_SET_PDEATHSIG: {
      if (arg != 0 && !signals::Valid(static_cast<int64_t>(arg))) return -abi::kEINVAL;
      hv_proc p = {HV_PROC_SET_PDEATHSIG, 0, static_cast<int32_t>(arg), 0, 0};
      int64_t r = hv::Call(HV_CALL_PROC, &p);
      // No process table (xen): the parent is hvrun itself, which outlives
      // the guest, so the signal could never come; remembering it is all.
      if (r < 0 && r != -abi::kENOSYS) return r;
      st.pdeath_sig = static_cast<int32_t>(arg);
      return 0;
    }
    case kPR_GET_PDEATHSIG:
      return user::CopyOut(arg, &st.pdeath_sig, sizeof st.pdeath_sig);
    case kPR_GET_DUMPABLE:
      return st.dumpable;
    case kPR_SET_DUMPABLE:
      if (arg > 1) return -abi::kEINVAL;
      st.dumpable = static_cast<int32_t>(arg);
      return 0;
    case kPR_SET_NAME: {
      // Up to 15 bytes of the string; a longer one is cut, as Linux does.
      char name[kTaskCommLen] = {};
      for (uint64_t i = 0; i < kTaskCommLen - 1; i++) {
        if (int64_t r = user::CopyIn(&name[i], arg + i, 1); r < 0) return r;
        if (name[i] == '\0') break;
      }
      Copy(g_names[sched::CurrentSlot()], name, kTaskCommLen);
      // The main thread's name is the process's in /proc/<pid> (hvrun's).
      if (sched::CurrentTid() == process::Pid()) procfs::Publish(name);
      return 0;
    }
    case kPR_GET_NAME: {
      char name[kTaskCommLen];
      const char* mine = g_names[sched::CurrentSlot()];
      if (mine[0] != '\0') {
        Copy(name, mine, kTaskCommLen);
      } else {
        procfs::DefaultComm(name);  // the program's file name
      }
      return user::CopyOut(arg, name, kTaskCommLen);
    }
    case kPR_SET_NO_NEW_PRIVS:
      if (arg != 1 || f.args[2] != 0 || f.args[3] != 0 || f.args[4] != 0) return -abi::kEINVAL;
      g_no_new_privs[sched::CurrentSlot()] = 1;
      return 0;
    case kPR_GET_NO_NEW_PRIVS:
      if (arg != 0 || f.args[2] != 0 || f.args[3] != 0 || f.args[4] != 0) return -abi::kEINVAL;
      return g_no_new_privs[sched::CurrentSlot()];
    case kPR_SET_CHILD_SUBREAPER: {
      hv_proc p = {HV_PROC_SET_SUBREAPER, 0, arg != 0 ? 1 : 0, 0, 0, 0};
      int64_t r = hv::Call(HV_CALL_PROC, &p);
      if (r < 0 && r != -abi::kENOSYS) return r;  // xen: one process, no orphans
      st.child_subreaper = arg != 0 ? 1 : 0;
      return 0;
    }
    case kPR_GET_CHILD_SUBREAPER:
      return user::CopyOut(arg, &st.child_subreaper, sizeof st.child_subreaper);
    case kPR_SET_MM:
      return -abi::kEPERM;  // CAP_SYS_RESOURCE is not the guest's
    default:
      return -abi::kEINVAL;
  }
}

}  // namespace hvrt
