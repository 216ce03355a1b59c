// Capabilities: capget and capset. The guest's process starts with every
// capability if its uid (boot_info.uid) is 0, else none, as a Linux process
// does; capset may drop them (and raise only what is still permitted).
// hvrun checks no capability itself: a guest never gets more of the host
// than its mounts give, whatever it holds here. Per process (all threads).
#include "runtime/boot/boot_info.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {
namespace {

constexpr uint32_t kVersion1 = 0x19980330;       // one 32-bit data struct
constexpr uint32_t kVersion2 = 0x20071026;       // two (deprecated, as 3)
constexpr uint32_t kVersion3 = 0x20080522;       // two
constexpr uint64_t kAllCaps = (1ull << 41) - 1;  // CAP_CHOWN .. CAP_CHECKPOINT_RESTORE

struct Header {
  uint32_t version;
  int32_t pid;
};
struct Data {  // one of two 32-bit halves
  uint32_t effective;
  uint32_t permitted;
  uint32_t inheritable;
};

struct Caps {
  bool set;  // 0: not yet looked at: from the uid
  uint64_t effective, permitted, inheritable;
};
constinit Caps g_caps = {};

Caps& Current() {
  if (!g_caps.set) {
    const uint64_t all = boot::Info().uid == 0 ? kAllCaps : 0;
    g_caps = Caps{true, all, all, 0};
  }
  return g_caps;
}

// Reads and checks the header: the number of data structs, or -errno (a
// version Linux does not know: it writes its own back, EINVAL).
int64_t CheckHeader(uint64_t addr, Header* h) {
  if (int64_t r = user::CopyIn(h, addr, sizeof *h); r < 0) return r;
  if (h->version == kVersion1) return 1;
  if (h->version == kVersion2 || h->version == kVersion3) return 2;
  Header fixed = {kVersion3, h->pid};
  if (int64_t r = user::CopyOut(addr, &fixed, sizeof fixed); r < 0) return r;
  return -abi::kEINVAL;
}

bool IsSelf(int32_t pid) { return pid == 0 || pid == process::Pid() || sched::Alive(pid); }

}  // namespace

bool HasCapability(int cap) { return ((Current().effective >> cap) & 1) != 0; }

void DropCapabilities(bool permitted) {
  Caps& c = Current();
  c.effective = 0;
  if (permitted) c.permitted = 0;
}

void RaiseCapabilities() {
  Caps& c = Current();
  c.effective = c.permitted;
}

// Capget implements Linux syscall capget(2) for this process (pid 0, its
// pid or one of its tids; another process: -ESRCH, which hvrun cannot read).
int64_t sys_capget(hv_syscall_frame& f) {
  Header h;
  const int64_t n = CheckHeader(f.args[0], &h);
  if (f.args[1] == 0) return n == -abi::kEINVAL ? 0 : (n < 0 ? n : 0);  // a version probe
  if (n < 0) return n;
  if (h.pid < 0) return -abi::kEINVAL;
  if (!IsSelf(h.pid)) return -abi::kESRCH;
  const Caps& c = Current();
  Data d[2] = {{static_cast<uint32_t>(c.effective), static_cast<uint32_t>(c.permitted),
                static_cast<uint32_t>(c.inheritable)},
               {static_cast<uint32_t>(c.effective >> 32), static_cast<uint32_t>(c.permitted >> 32),
                static_cast<uint32_t>(c.inheritable >> 32)}};
  return user::CopyOut(f.args[1], d, sizeof(Data) * static_cast<uint64_t>(n));
}

// Capset implements Linux syscall capset(2) for the calling process: the
// new permitted set within the old, effective within the new permitted,
// inheritable within the old inheritable and permitted; else -EPERM.
int64_t sys_capset(hv_syscall_frame& f) {
  Header h;
  const int64_t n = CheckHeader(f.args[0], &h);
  if (n < 0) return n;
  if (h.pid != 0 && h.pid != process::Pid()) return -abi::kEPERM;
  Data d[2] = {};
  if (int64_t r = user::CopyIn(d, f.args[1], sizeof(Data) * static_cast<uint64_t>(n)); r < 0) {
    return r;
  }
  auto join = [](uint32_t lo, uint32_t hi) { return (static_cast<uint64_t>(hi) << 32) | lo; };
  const uint64_t eff = join(d[0].effective, d[1].effective) & kAllCaps;
  const uint64_t perm = join(d[0].permitted, d[1].permitted) & kAllCaps;
  const uint64_t inh = join(d[0].inheritable, d[1].inheritable) & kAllCaps;
  Caps& c = Current();
  if ((perm & ~c.permitted) != 0 || (eff & ~perm) != 0 ||
      (inh & ~(c.inheritable | c.permitted)) != 0) {
    return -abi::kEPERM;
  }
  c.effective = eff;
  c.permitted = perm;
  c.inheritable = inh;
  cred::Publish();  // CAP_KILL may have gone
  return 0;
}

}  // namespace hvrt
