// The set*id family and getres*id, getgroups/setgroups: see cred.h. Linux's
// rules (kernel/sys.c): with CAP_SETUID (CAP_SETGID for groups) any id may
// be set; without, only to one of the current real, effective or saved ids.
// When no id is 0 any more, the capabilities go, as Linux drops them.
#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"

namespace hvrt {
namespace cred {
namespace {

constexpr uint32_t kUnchanged = 0xffffffffu;
constexpr uint32_t kMaxGroups = 256;  // kept here (Linux's NGROUPS_MAX is 65536)

struct State {
  bool set;
  Ids uid, gid;
  uint32_t ngroups;
  uint32_t groups[kMaxGroups];
};
constinit State g = {};

State& S() {
  if (!g.set) Reset();
  return g;
}

bool OneOf(uint32_t v, const Ids& ids) {
  return v == ids.real || v == ids.effective || v == ids.saved;
}

// After the user ids changed from (before): Linux's capability rules
// (commoncap's cap_emulate_setxuid, without SECBIT_KEEP_CAPS).
void FixCaps(const Ids& before) {
  const Ids& now = g.uid;
  const bool had_root = before.real == 0 || before.effective == 0 || before.saved == 0;
  const bool has_root = now.real == 0 || now.effective == 0 || now.saved == 0;
  if (had_root && !has_root) {
    DropCapabilities(/*permitted=*/true);
  } else if (before.effective == 0 && now.effective != 0) {
    DropCapabilities(/*permitted=*/false);
  } else if (before.effective != 0 && now.effective == 0) {
    RaiseCapabilities();  // effective = permitted
  }
  Publish();
}

}  // namespace

const Ids& Uid() { return S().uid; }
const Ids& Gid() { return S().gid; }

bool InGroup(uint32_t gid) {
  const State& s = S();
  if (gid == s.gid.fs) return true;
  for (uint32_t i = 0; i < s.ngroups; i++) {
    if (s.groups[i] == gid) return true;
  }
  return false;
}

void Publish() {
  const Ids& u = S().uid;
  hv_proc p = {HV_PROC_SET_CREDS,
               static_cast<int32_t>(u.real),
               static_cast<int32_t>(u.effective),
               static_cast<int32_t>(u.saved),
               HasCapability(kCapKill) ? 1u : 0u,
               0};
  hv::Call(HV_CALL_PROC, &p);
}

void Reset() {
  const hv_boot_info& bi = boot::Info();
  g.set = true;
  g.uid = {bi.uid, bi.uid, bi.uid, bi.uid};
  g.gid = {bi.gid, bi.gid, bi.gid, bi.gid};
  g.ngroups = 0;
}

namespace {

// setres[ug]id's work for (ids); (privileged): the capability to set any.
int64_t SetRes(Ids& ids, uint32_t r, uint32_t e, uint32_t s, bool privileged) {
  if (!privileged) {  // (freestanding: no initializer_list to loop over)
    if (r != kUnchanged && !OneOf(r, ids)) return -abi::kEPERM;
    if (e != kUnchanged && !OneOf(e, ids)) return -abi::kEPERM;
    if (s != kUnchanged && !OneOf(s, ids)) return -abi::kEPERM;
  }
  if (r != kUnchanged) ids.real = r;
  if (e != kUnchanged) ids.effective = e;
  if (s != kUnchanged) ids.saved = s;
  ids.fs = ids.effective;
  return 0;
}

// setre[ug]id: the saved id follows the effective one when the real id is
// set, or the effective one is set to something else than the real one.
int64_t SetRe(Ids& ids, uint32_t r, uint32_t e, bool privileged) {
  if (!privileged) {
    if (r != kUnchanged && r != ids.real && r != ids.effective) return -abi::kEPERM;
    if (e != kUnchanged && !OneOf(e, ids)) return -abi::kEPERM;
  }
  const uint32_t old_real = ids.real;
  if (r != kUnchanged) ids.real = r;
  if (e != kUnchanged) ids.effective = e;
  if (r != kUnchanged || (e != kUnchanged && e != old_real)) ids.saved = ids.effective;
  ids.fs = ids.effective;
  return 0;
}

// set[ug]id: all of them with the capability, else the effective one to
// the real or saved id.
int64_t Set(Ids& ids, uint32_t v, bool privileged) {
  if (v == kUnchanged) return -abi::kEINVAL;
  if (privileged) {
    ids = {v, v, v, v};
    return 0;
  }
  if (v != ids.real && v != ids.saved) return -abi::kEPERM;
  ids.effective = ids.fs = v;
  return 0;
}

// setfs[ug]id: returns the old id; changes it only to one of the ids, or
// anything with the capability.
int64_t SetFs(Ids& ids, uint32_t v, bool privileged) {
  const uint32_t old = ids.fs;
  if (v != kUnchanged && (privileged || OneOf(v, ids) || v == ids.fs)) ids.fs = v;
  return old;
}

int64_t GetRes(const Ids& ids, uint64_t r, uint64_t e, uint64_t s) {
  if (int64_t x = user::CopyOut(r, &ids.real, 4); x < 0) return x;
  if (int64_t x = user::CopyOut(e, &ids.effective, 4); x < 0) return x;
  return user::CopyOut(s, &ids.saved, 4);
}

uint32_t U32(uint64_t v) { return static_cast<uint32_t>(v); }

}  // namespace
}  // namespace cred

// Setuid, Setgid, Setreuid, Setregid, Setresuid, Setresgid, Setfsuid,
// Setfsgid, Getresuid, Getresgid implement the Linux syscalls of those names.
int64_t sys_setuid(hv_syscall_frame& f) {
  const cred::Ids before = cred::S().uid;
  int64_t r = cred::Set(cred::g.uid, cred::U32(f.args[0]), HasCapability(kCapSetuid));
  if (r == 0) cred::FixCaps(before);
  return r;
}

int64_t sys_setgid(hv_syscall_frame& f) {
  return cred::Set(cred::S().gid, cred::U32(f.args[0]), HasCapability(kCapSetgid));
}

int64_t sys_setreuid(hv_syscall_frame& f) {
  const cred::Ids before = cred::S().uid;
  int64_t r = cred::SetRe(cred::g.uid, cred::U32(f.args[0]), cred::U32(f.args[1]),
                          HasCapability(kCapSetuid));
  if (r == 0) cred::FixCaps(before);
  return r;
}

int64_t sys_setregid(hv_syscall_frame& f) {
  return cred::SetRe(cred::S().gid, cred::U32(f.args[0]), cred::U32(f.args[1]),
                     HasCapability(kCapSetgid));
}

int64_t sys_setresuid(hv_syscall_frame& f) {
  const cred::Ids before = cred::S().uid;
  int64_t r = cred::SetRes(cred::g.uid, cred::U32(f.args[0]), cred::U32(f.args[1]),
                           cred::U32(f.args[2]), HasCapability(kCapSetuid));
  if (r == 0) cred::FixCaps(before);
  return r;
}

int64_t sys_setresgid(hv_syscall_frame& f) {
  return cred::SetRes(cred::S().gid, cred::U32(f.args[0]), cred::U32(f.args[1]),
                      cred::U32(f.args[2]), HasCapability(kCapSetgid));
}

int64_t sys_setfsuid(hv_syscall_frame& f) {
  return cred::SetFs(cred::S().uid, cred::U32(f.args[0]), HasCapability(kCapSetuid));
}

int64_t sys_setfsgid(hv_syscall_frame& f) {
  return cred::SetFs(cred::S().gid, cred::U32(f.args[0]), HasCapability(kCapSetgid));
}

int64_t sys_getresuid(hv_syscall_frame& f) {
  return cred::GetRes(cred::Uid(), f.args[0], f.args[1], f.args[2]);
}

int64_t sys_getresgid(hv_syscall_frame& f) {
  return cred::GetRes(cred::Gid(), f.args[0], f.args[1], f.args[2]);
}

// Getgroups and Setgroups implement getgroups(2) and setgroups(2).
int64_t sys_getgroups(hv_syscall_frame& f) {
  const int32_t size = static_cast<int32_t>(f.args[0]);
  const cred::State& s = cred::S();
  if (size < 0) return -abi::kEINVAL;
  if (size == 0) return s.ngroups;
  if (static_cast<uint32_t>(size) < s.ngroups) return -abi::kEINVAL;
  if (int64_t r = user::CopyOut(f.args[1], s.groups, 4ull * s.ngroups); r < 0) return r;
  return s.ngroups;
}

int64_t sys_setgroups(hv_syscall_frame& f) {
  const int32_t size = static_cast<int32_t>(f.args[0]);
  if (size < 0 || size > 65536) return -abi::kEINVAL;
  if (!HasCapability(kCapSetgid)) return -abi::kEPERM;
  if (static_cast<uint32_t>(size) > cred::kMaxGroups) return -abi::kENOMEM;
  cred::State& s = cred::S();
  // Straight into place: CopyIn checks the whole range before it copies.
  if (size > 0) {
    if (int64_t r = user::CopyIn(s.groups, f.args[1], 4ull * static_cast<uint32_t>(size)); r < 0)
      return r;
  }
  s.ngroups = static_cast<uint32_t>(size);
  return 0;
}

}  // namespace hvrt
