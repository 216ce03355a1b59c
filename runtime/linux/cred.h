// File: runtime/linux/cred.h
//
// The process's credentials, as Linux keeps them: real, effective, saved and
// file-system user and group ids, and the supplementary groups. They start
// as hvrun reports them (hv_boot_info.uid/gid, all four alike, no
// supplementary groups), change only by the set*id calls with Linux's
// rules (sys_cred.cc), and are inherited by fork and kept by execve (the
// guest's set-user-ID bits are never honoured). They decide what the
// runtime's own checks allow (chown, access, tmpfs ownership); hvrun grants
// nothing of the host by them: a guest gets what its mounts give.
#ifndef HVRT_LINUX_CRED_H_
#define HVRT_LINUX_CRED_H_

#include <stdint.h>

namespace hvrt::cred {

struct Ids {
  uint32_t real, effective, saved, fs;
};

const Ids& Uid();
const Ids& Gid();
// Whether (gid) is the effective or a supplementary group.
bool InGroup(uint32_t gid);

// Process start (from boot info).
void Reset();
// Tells hvrun the user ids and whether CAP_KILL is held (HV_PROC_SET_CREDS),
// after they changed: its kill checks them. Nothing where hvrun keeps no
// processes.
void Publish();

}  // namespace hvrt::cred

#endif  // HVRT_LINUX_CRED_H_
