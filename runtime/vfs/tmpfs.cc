// The in-guest filesystem's inodes and data: see tmpfs.h.
#include "runtime/vfs/tmpfs.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/clock.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/cred.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/hostfs.h"

namespace hvrt::tmpfs {
namespace {

constinit Inode g_inodes[kMaxInodes] = {};
constinit uint32_t g_next = 0;  // where the search for a free slot starts
// Slots [0, g_high) have ever been used. Reset() clears only those: at boot
// the table (.bss) is already zero, and touching all of it would cost a page
// fault per page, which is expensive under nested virtualization.
constinit uint32_t g_high = 0;

DirRec* Recs(const Inode& dir) { return reinterpret_cast<DirRec*>(dir.data); }

}  // namespace

void Reset() {
  Fill(g_inodes, 0, g_high * sizeof(Inode));
  g_next = 0;
  g_high = 0;
}

Inode* Get(uint32_t ino) {
  if (ino == 0 || ino > kMaxInodes) return nullptr;
  Inode* n = &g_inodes[ino - 1];
  return n->kind == Kind::kFree ? nullptr : n;
}

abi::Timespec Now() {
  int64_t ns = 0;
  clock::Read(abi::kCLOCK_REALTIME, &ns);
  return {ns / 1000000000, ns % 1000000000};
}

void ForEachExtent(void (*fn)(uint64_t addr, uint64_t len)) {
  for (uint32_t i = 0; i < g_high; i++) {
    const Inode& n = g_inodes[i];
    if (n.kind != Kind::kFree && n.data != 0 && n.cap != 0) {
      fn(n.data, n.cap);
    }
  }
}

uint32_t NumberOf(const Inode& n) { return static_cast<uint32_t>(&n - g_inodes) + 1; }

uint32_t InodesInUse() {
  uint32_t n = 0;
  for (uint32_t i = 0; i < g_high; i++) n += g_inodes[i].kind != Kind::kFree ? 1 : 0;
  return n;
}

uint32_t NewInode(Kind kind, uint32_t mode, uint32_t dev) {
  for (uint32_t k = 0; k < kMaxInodes; k++) {
    uint32_t i = (g_next + k) % kMaxInodes;
    Inode& n = g_inodes[i];
    if (n.kind != Kind::kFree) continue;
    if (i + 1 > g_high) g_high = i + 1;
    n = Inode{};
    n.kind = kind;
    n.mode = mode;
    n.nlink = abi::IsDir(mode) ? 2 : 1;
    n.uid = cred::Uid().fs;  // a new file is its creator's
    n.gid = cred::Gid().fs;
    n.dev = dev;
    n.atime = n.mtime = n.ctime = Now();
    g_next = (i + 1) % kMaxInodes;
    return i + 1;
  }
  return 0;
}

uint32_t NewEntry(uint32_t dir, const char* name, Kind kind, uint32_t mode, uint32_t dev) {
  uint32_t ino = NewInode(kind, mode, dev);
  Inode* n = Get(ino);
  Inode* d = Get(dir);
  if (n == nullptr || d == nullptr) return 0;
  if (abi::IsDir(mode)) {
    n->parent = dir;
    d->nlink++;
  }
  DirAdd(*d, name, StrLen(name), ino);
  return ino;
}

void MaybeRelease(uint32_t ino) {
  Inode* n = Get(ino);
  if (n == nullptr || n->nlink > 0 || n->opens > 0) return;
  if (n->kind == Kind::kHost) hostfs::Release(*n);  // its host handle, if any
  // Console and device inodes are never named by a directory that can drop
  // them, so only tmpfs files and pipes get here.
  if (n->data != 0) mm::Munmap(n->data, n->cap);  // zeroes and frees the pages
  *n = Inode{};
}

int64_t Reserve(Inode& n, uint64_t bytes) {
  if (bytes <= n.cap) return 0;
  if (bytes > kMaxFileSize) return -abi::kEFBIG;
  // Double, so appending N bytes costs O(N) copying overall; if the double
  // does not fit, try the exact size before giving up.
  uint64_t want = mm::PageUp(bytes);
  uint64_t doubled = mm::PageUp(n.cap * 2);
  uint64_t tries[2] = {doubled > want ? doubled : want, want};
  // A failed allocation is counted as the app running out of memory (hvrun
  // reports it), so try the double only where a run that large exists.
  if (tries[0] != want && mm::Pages().FindTopDown(tries[0] / mm::kPageSize) == 0) tries[0] = want;
  for (uint64_t cap : tries) {
    int64_t a;
    if (n.data == 0) {
      uint64_t p = mm::AllocTopDown(cap);
      a = p == 0 ? -abi::kENOMEM : static_cast<int64_t>(p);
    } else {
      a = mm::Mremap(n.data, n.cap, cap, abi::kMREMAP_MAYMOVE, 0);
    }
    if (a >= 0) {
      n.data = static_cast<uint64_t>(a);
      n.cap = cap;
      return 0;
    }
  }
  return -abi::kENOSPC;
}

int64_t SetSize(Inode& n, uint64_t size) {
  if (size > n.size) {
    if (int64_t r = Reserve(n, size); r < 0) return r;
  } else if (size < n.size) {
    // Keep the "zero past size" invariant for a later extension.
    Fill(reinterpret_cast<void*>(n.data + size), 0, n.size - size);
  }
  n.size = size;
  return 0;
}

uint64_t Read(const Inode& n, void* dst, uint64_t len, uint64_t off) {
  if (off >= n.size) return 0;
  if (len > n.size - off) len = n.size - off;
  Copy(dst, reinterpret_cast<const void*>(n.data + off), len);
  return len;
}

int64_t Write(Inode& n, const void* src, uint64_t len, uint64_t off) {
  if (off > kMaxFileSize || len > kMaxFileSize - off) return -abi::kEFBIG;
  if (int64_t r = Reserve(n, off + len); r < 0) return r;
  Move(reinterpret_cast<void*>(n.data + off), src, len);  // src may be this file
  if (off + len > n.size) n.size = off + len;
  return static_cast<int64_t>(len);
}

uint32_t DirLookup(const Inode& dir, const char* name, uint64_t len) {
  const DirRec* r = Recs(dir);
  for (uint64_t i = 0; i < dir.size; i++) {
    if (r[i].ino != 0 && r[i].len == len && Compare(r[i].name, name, len) == 0) return r[i].ino;
  }
  return 0;
}

int64_t DirAdd(Inode& dir, const char* name, uint64_t len, uint32_t ino) {
  uint64_t slot = dir.size;
  for (uint64_t i = 0; i < dir.size; i++) {
    if (Recs(dir)[i].ino == 0) {
      slot = i;
      break;
    }
  }
  if (slot == dir.size) {
    if (int64_t r = Reserve(dir, (dir.size + 1) * sizeof(DirRec)); r < 0) return r;
    dir.size++;
  }
  DirRec& rec = Recs(dir)[slot];
  rec.ino = ino;
  rec.len = static_cast<uint8_t>(len);
  Copy(rec.name, name, len);
  dir.entries++;
  dir.mtime = dir.ctime = Now();
  return 0;
}

void DirSet(Inode& dir, const char* name, uint64_t len, uint32_t ino) {
  DirRec* r = Recs(dir);
  for (uint64_t i = 0; i < dir.size; i++) {
    if (r[i].ino != 0 && r[i].len == len && Compare(r[i].name, name, len) == 0) {
      r[i].ino = ino;
      if (ino == 0) dir.entries--;
      dir.mtime = dir.ctime = Now();
      return;
    }
  }
}

const DirRec& DirAt(const Inode& dir, uint64_t i) { return Recs(dir)[i]; }

}  // namespace hvrt::tmpfs
