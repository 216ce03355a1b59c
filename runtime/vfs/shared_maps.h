// File: runtime/vfs/shared_maps.h
//
// MAP_SHARED mappings of files (in-guest tmpfs files and host files in
// mounts), the way SQLite's WAL index (-shm) and LMDB use them.
//
// The mechanism is the same on every backend and needs nothing of the host
// but pread/pwrite: a shared mapping is guest pages holding a copy of the
// file's bytes (sys_mm.cc's MapFile), registered here, and the runtime keeps
// the copy and the file coherent, because every read and write of a file in
// the guest passes through it:
//   - write()/pwrite() to a mapped range also store into the mapping
//     (MirrorWrite), so the mapping sees them at once;
//   - read()/pread() of a mapped range take the mapping's bytes
//     (OverlayRead), so stores through the mapping are seen at once;
//   - the mapping's bytes go to the file (WriteBack: pwrite, never past the
//     file's current size, as stores past EOF are not the file's on Linux
//     either) on msync, munmap (and MAP_FIXED over it, mremap of it),
//     fsync/fdatasync of the file, and when the guest exits.
// A file is known by its host (st_dev, st_ino) for host files (opened twice,
// it is one file) and by its inode for tmpfs files. Two mappings of the same
// bytes are two copies: a store through one is seen through the other only
// after a write-back and a read (no app here does that). Host processes
// writing the same host file are seen only by later reads and mappings, as
// with a network file system. A guest that crashes loses its stores not yet
// written back. The registration holds the file open (like Linux's mapping
// holds its struct file) until the mapping is gone.
//
// Example:
//   shared_maps::Add(ino, addr, len, off);          // after copying the file in
//   shared_maps::MirrorWrite(*n, src, off, done);   // after a write
#ifndef HVRT_VFS_SHARED_MAPS_H_
#define HVRT_VFS_SHARED_MAPS_H_

#include <stdint.h>

#include "runtime/vfs/tmpfs.h"

namespace hvrt::shared_maps {

// At most this many shared file mappings at once (then mmap says ENOMEM).
inline constexpr uint32_t kMaxMaps = 512;

// Registers [addr, addr + len) (page-aligned, already holding the file's
// bytes from offset (off)) as a shared mapping of inode (ino). Returns 0 or
// -ENOMEM (table full) or -errno (the host could not stat the file).
int64_t Add(uint32_t ino, uint64_t addr, uint64_t len, uint64_t off);

// Registers [addr, addr + len) as a MAP_PRIVATE mapping of inode (ino) from
// file offset (off), for what Linux re-reads from the file: MADV_DONTNEED
// (RefillPrivate), mremap growing it (PrivateAt), and ftruncate (its pages
// past the new end raise SIGBUS). It is never written back, and is known by
// its inode only (another open of the same host file truncating it is not
// seen). Best effort: a full table leaves it unregistered. Holds the inode.
void AddPrivate(uint32_t ino, uint64_t addr, uint64_t len, uint64_t off);
// The private mapping holding (addr): its inode and the file offset of
// (addr); false if none.
bool PrivateAt(uint64_t addr, uint32_t* inode, uint64_t* off);
// [addr, addr + len) was just zeroed (MADV_DONTNEED): the private mappings'
// pages there get their file's bytes again.
void RefillPrivate(uint64_t addr, uint64_t len);
// Reads (n)'s bytes from (off) into guest memory [addr, addr + len) until
// the end of the file. Returns the bytes read, or -errno.
int64_t ReadFile(tmpfs::Inode& n, uint64_t addr, uint64_t len, uint64_t off);

// Registers [addr, addr + len) as shared anonymous memory (MAP_SHARED |
// MAP_ANONYMOUS): no file, but MADV_DONTNEED must leave it as it is, as
// Linux's shared pages live on in their shmem object. Best effort: a full
// table leaves it unregistered.
void AddAnonymous(uint64_t addr, uint64_t len);

// Whether any shared mapping exists (the hooks' fast path).
bool Any();

// After (n) wrote (len) bytes from (src) at file offset (off).
void MirrorWrite(tmpfs::Inode& n, const void* src, uint64_t off, uint64_t len);
// After (n) read (len) bytes into (dst) from file offset (off).
void OverlayRead(tmpfs::Inode& n, void* dst, uint64_t off, uint64_t len);

// Writes back the mapped pages in [addr, addr + len); with (forget), the
// mappings' parts there stop being shared (munmap, MAP_FIXED, mremap).
// Returns 0 or the first write-back error (-errno).
int64_t WriteBackRange(uint64_t addr, uint64_t len, bool forget);
// The mappings' parts in [addr, addr + len) stop being known here, without
// a write-back (a forked child dropping MADV_DONTFORK ranges).
void Forget(uint64_t addr, uint64_t len);
// Writes back every mapping of the file behind (n) (fsync).
int64_t WriteBackFile(tmpfs::Inode& n);
// The file behind (n) is now (size) bytes long: its mappings' bytes past
// that read as zero, as Linux's pages past a truncation do once it grows.
void Truncated(tmpfs::Inode& n, uint64_t size);
// The lowest stretch of [lo, hi) that shared mappings cover, as
// [*start, *end) (clipped to [lo, hi), joined with mappings that touch it);
// false, leaving them alone, if none does.
bool FirstCovered(uint64_t lo, uint64_t hi, uint64_t* start, uint64_t* end);
// Writes back everything (the guest exits).
void WriteBackAll();

// Forgets every mapping (boot).
void Reset();

}  // namespace hvrt::shared_maps

#endif  // HVRT_VFS_SHARED_MAPS_H_
