// File: runtime/mm/shared_anon.h
//
// MAP_SHARED|MAP_ANONYMOUS memory between processes. Each such mapping is
// told to hvrun (HV_CALL_MEM_SHARE), which maps the same host pages into
// every child forked later, instead of a copy. This table knows, per range,
// whose pages they are:
//   own        made here, not yet seen by a fork;
//   exported   made here, and a child maps them too;
//   inherited  a parent's pages, or a store file's (AddFile), which hvrun
//              maps over this process's own;
//   pinned     an exported range this process unmapped: a child may still
//              use its pages, which are this process's own memfd pages, so
//              they are never freed or handed out again while it lives;
//              likewise, on sim, an inherited range this process unmapped
//              whose own pages it could not map back (remap_own_entry).
// Where hvrun has no processes (xen: -ENOSYS) nothing is recorded.
//
// A futex in a shared range may be woken by another process, which cannot
// reach this one's scheduler: sys_futex waits on it in steps and re-reads
// the word (Contains).
#ifndef HVRT_MM_SHARED_ANON_H_
#define HVRT_MM_SHARED_ANON_H_

#include <stdint.h>

namespace hvrt::mm::shared_anon {

inline constexpr int kMaxRanges = 256;

void Reset();
// [addr, addr+len) (whole pages) was just mapped MAP_SHARED|MAP_ANONYMOUS.
// -ENOMEM when the table (or hvrun's) is full; 0 otherwise.
int64_t Add(uint64_t addr, uint64_t len);
// [addr, addr+len) (whole pages, just taken as private memory) becomes the
// pages of host file (handle) from (offset), a file of the shared-memory
// store (HV_SHARE_MAP_FILE): hvrun maps them there, and on sim the child
// maps them too (map_file_entry). Recorded as inherited: unmapping it maps
// this process's own pages back. -ENOSYS where hvrun has no processes
// (xen: the caller copies instead); -errno otherwise.
int64_t AddFile(uint64_t addr, uint64_t len, uint32_t handle, uint64_t offset);
// The second half of AddFile, after hvrun mapped a file at [addr, addr+len)
// (HV_SHARE_MAP_FILE or HV_SYSV_ATTACH) from (offset): on sim the child
// maps it too; recorded as inherited. 0 or -errno (then hvrun's mapping is
// ended again).
int64_t AdoptFile(uint64_t addr, uint64_t len, uint64_t offset);
// [addr, addr+len) is being unmapped (or replaced): its sharing ends; pages
// of an exported range (and, on sim, of an inherited one) become pinned.
void Remove(uint64_t addr, uint64_t len);
// Whether the page at (addr) must stay (pinned), or is shared (any kind but
// pinned).
bool Pinned(uint64_t addr);
// Whether any page of [lo, hi) is pinned (unmapped, to the app).
bool PinnedIn(uint64_t lo, uint64_t hi);
bool Contains(uint64_t addr);
// fork: in the parent, own ranges are exported now; in the child, every
// shared range is inherited and pinned ones are plain (copied) memory.
void AfterForkParent();
void AfterForkChild();

}  // namespace hvrt::mm::shared_anon

#endif  // HVRT_MM_SHARED_ANON_H_
