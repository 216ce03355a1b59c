// File: runtime/vfs/tmpfs.h
//
// The in-guest filesystem: a bounded, static inode table and file data in
// guest memory pages from the runtime's page allocator (runtime/mm). Every
// in-guest tree ("/", /tmp, /dev, /proc) is made of these inodes; what tells
// them apart is the inode's (dev) (one per mount, see vfs.h) and, for device
// files and pipes, its (kind).
//
// Data layout. An inode's data is one contiguous extent of whole pages
// (data, cap), grown by doubling through mm::Mremap (in place when the pages
// above are free, else moved) and freed with mm::Munmap. One extent keeps
// reads, writes and mmap plain copies and obviously correct; the price is
// that a file needs contiguous free memory. Bytes of the extent at or past
// (size) are always zero (fresh pages are zero, and truncation zeroes what it
// cuts), so growing a file never has to clear anything.
//   - regular file: the bytes; symlink: the target (no NUL);
//   - directory: an array of DirRec slots (size = slots in use, free slots
//     have ino 0 and are reused, so getdents positions stay stable);
//   - pipe: a ring buffer of kPipeBytes, of which (entries) may be full
//     (F_SETPIPE_SZ).
// When memory runs out, growth fails with -ENOSPC (as a full tmpfs does).
//
// Example:
//   uint32_t ino = tmpfs::NewInode(abi::kS_IFREG | 0644, kDevTmp);
//   tmpfs::Write(tmpfs::Get(ino), "hi", 2, 0);
#ifndef HVRT_VFS_TMPFS_H_
#define HVRT_VFS_TMPFS_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/linux/abi/time.h"

namespace hvrt::tmpfs {

inline constexpr uint32_t kMaxInodes = 4096;
inline constexpr uint32_t kNameMax = 255;      // NAME_MAX
inline constexpr uint64_t kPipeBytes = 65536;  // Linux's default pipe capacity
// The largest file size accepted before asking for memory; anything larger
// cannot fit in guest memory (at most 60 GiB) anyway.
inline constexpr uint64_t kMaxFileSize = 1ull << 40;

// What reads and writes of an inode do.
enum class Kind : uint8_t {
  kFree,     // an unused table slot
  kTmpfs,    // a regular file, directory or symlink with its data in pages
  kNull,     // /dev/null
  kZero,     // /dev/zero
  kRandom,   // /dev/random, /dev/urandom: HV_CALL_RANDOM
  kConsole,  // hvrun's stdin/stdout/stderr (stream): runtime/vfs/console.h
  kPipe,     // pipe2(): a ring in the data extent
  kFdAlias,  // /dev/stdin etc., /proc/self/fd/N: a link to whatever fd (stream) is
  kHost,     // a host mount's directory or an open host file: runtime/vfs/hostfs.h
  kSignalFd, // signalfd(2): (entries) is its signal mask (runtime/linux/signalfd.h)
};

struct Inode {
  Kind kind;
  bool mountpoint;  // the root of a mount: cannot be removed or renamed
  // With a root file system (--rootfs): a directory of the guest's own tree
  // that lies over the root file system's directory of the same path (the
  // root, and the directories made on the way to a mount point). Names it
  // lacks, and the directory itself, are the root file system's (vfs.cc).
  bool overlay;
  // kConsole: 0, 1 or 2; kFdAlias: the fd (up to vfs::kMaxFds); kHost: the
  // mount index.
  uint16_t stream;
  uint32_t mode;  // S_IF* | permission bits
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint32_t dev;        // the mount it belongs to (st_dev minor)
  uint32_t parent;     // directories: the inode of ".."
  uint32_t opens;      // open file descriptions on it: data lives until 0
  uint64_t rdev;       // device files: st_rdev
  uint64_t size;       // see the layout above
  uint64_t entries;    // directories: live entries (not "." and ".."); pipes: capacity
  uint64_t data;       // extent address, 0 if none
  uint64_t cap;        // extent bytes (whole pages)
  uint64_t pipe_head;  // pipes: read position in the ring
  uint32_t readers;    // pipes: open read ends
  uint32_t writers;    // pipes: open write ends
  abi::Timespec atime;
  abi::Timespec mtime;
  abi::Timespec ctime;
  // shared_maps.h: which file this is, once asked (kHost: the host's
  // st_dev/st_ino; kTmpfs: ~0 and the inode number); 0, 0: not yet.
  uint64_t file_dev;
  uint64_t file_ino;
};

// One directory slot: (ino) 0 means free.
struct DirRec {
  uint32_t ino;
  uint8_t len;
  char name[kNameMax];
};
static_assert(sizeof(DirRec) == 260);

// Forgets every inode (boot). Extents are not freed: mm::Init just reset the
// allocator.
void Reset();

// Inode (ino) (1-based), or nullptr if (ino) is 0, out of range or free.
Inode* Get(uint32_t ino);
// The number of inode (n), which Get(number) returns.
uint32_t NumberOf(const Inode& n);

// A new inode of (kind), (mode), on (dev): nlink 1 (2 for a directory),
// owned by the guest's uid/gid, all three times now. Returns its number, or 0
// if the table is full.
uint32_t NewInode(Kind kind, uint32_t mode, uint32_t dev);
// How many inode slots are taken (statfs's f_files - f_ffree).
uint32_t InodesInUse();

// NewInode, named (name) (NUL-terminated) in directory (dir): for the trees
// the runtime builds itself (/dev, /proc). A directory gets (dir) as its
// parent. Returns its number, or 0 if the table is full or (dir) is none.
uint32_t NewEntry(uint32_t dir, const char* name, Kind kind, uint32_t mode, uint32_t dev);

// Frees (ino)'s data and slot if no name and no open file refers to it.
void MaybeRelease(uint32_t ino);

// Calls (fn) with each data extent (address, bytes) the inodes hold: the
// runtime's own pages, which execve keeps.
void ForEachExtent(void (*fn)(uint64_t addr, uint64_t len));

// The current realtime clock.
abi::Timespec Now();

// Makes the extent hold at least (bytes). 0, -EFBIG or -ENOSPC.
int64_t Reserve(Inode& n, uint64_t bytes);

// Sets a file's size, zero-filling growth. 0, -EFBIG or -ENOSPC.
int64_t SetSize(Inode& n, uint64_t size);

// Copies file bytes at (off) to runtime address (dst): up to (len), fewer at
// the end of the file. Returns the count.
uint64_t Read(const Inode& n, void* dst, uint64_t len, uint64_t off);

// Copies (len) bytes from (src) into the file at (off), growing it. Returns
// (len) or -EFBIG/-ENOSPC.
int64_t Write(Inode& n, const void* src, uint64_t len, uint64_t off);

// Directories. Names are (name, len) pairs, not NUL-terminated, len <= 255.
uint32_t DirLookup(const Inode& dir, const char* name, uint64_t len);
// Adds (name) -> (ino); the caller has checked that it is not there.
// 0 or -ENOSPC.
int64_t DirAdd(Inode& dir, const char* name, uint64_t len, uint32_t ino);
// Points existing (name) at (ino), or removes it when (ino) is 0.
void DirSet(Inode& dir, const char* name, uint64_t len, uint32_t ino);
// Slot (i) (< dir.size), possibly free.
const DirRec& DirAt(const Inode& dir, uint64_t i);

}  // namespace hvrt::tmpfs

#endif  // HVRT_VFS_TMPFS_H_
