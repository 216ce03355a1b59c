// File: runtime/vfs/procfs.h
//
// The generated parts of /proc/self: the files whose contents depend on the
// process's state at the time they are read, over the fixed /proc tree that
// vfs.cc builds.
//
//   /proc/self/maps  Linux's format, regenerated on every open (a snapshot):
//                    the app image's PT_LOAD segments (the app path, perms
//                    from the program headers), [heap] once brk has grown,
//                    the anonymous pages the app has mapped (rw-p: guest
//                    memory keeps no protections, see mm/vm.h), and the main
//                    thread's [stack]. The runtime's own pages (file data,
//                    pipe rings) are left out. At most kMapsBytes of text:
//                    lines past that are dropped whole.
//   /proc/self/fdinfo/  one generated file per open fd: pos, flags, mnt_id,
//                    ino (and a signalfd's sigmask), made at lookup.
//   /proc/self/fd/   one entry per open fd, named in decimal. Each is a
//                    magic link like /dev/stdin: readlink says what the fd
//                    is (an absolute path, "pipe:[INO]", ...), a path walk
//                    through it reaches the fd's own file (vfs.cc Walk).
//
// The fd links are two inodes used in turn (like Lookup::hpath), rewritten
// by each lookup, so a lookup's link inode is valid until the next-but-one.
//
// Example:
//   procfs::Build(self_dir_ino);                 // boot, from vfs::Reset
//   uint32_t link = procfs::FdLookup("3", 1);    // in a walk of /proc/self/fd
#ifndef HVRT_VFS_PROCFS_H_
#define HVRT_VFS_PROCFS_H_

#include <stdint.h>

#include "runtime/vfs/tmpfs.h"

namespace hvrt::procfs {

inline constexpr uint64_t kMapsBytes = 16384;

// Makes exe, maps and fd/ in directory (self) (/proc/self). Boot only.
void Build(uint32_t self);

// Whether (ino) is /proc/self/fd or /proc/self/fdinfo, whose entries are
// not in their slots: path walks ask FdLookup and getdents FdEntry instead.
bool IsFdDir(uint32_t ino);

// The inode for entry (name, len) of (dir) (one of those two), filled in for
// that fd: a magic link in fd/, a generated file in fdinfo/ (pos, flags,
// mnt_id, ino; a signalfd's sigmask), or 0 if the name is no open fd
// (-ENOENT for the caller). Two of each are used in turn (see the header).
uint32_t FdLookup(uint32_t dir, const char* name, uint64_t len);

// The getdents entry of (dir) at index (i) (= the fd number): false if fd
// (i) is closed. Else the decimal name into (name) (at least 8 bytes) with
// its length in (*len), and the d_ino to report in (*ino).
bool FdEntry(uint32_t dir, uint64_t i, char* name, uint64_t* len, uint32_t* ino);
// Indexes past this are past the end of the directory.
uint64_t FdEntryEnd();

// Called by open before it opens (ino): regenerates /proc/self/maps when
// that is what is being opened. 0 or -errno (-ENOSPC: no memory for it).
int64_t BeforeOpen(uint32_t ino);

// Shared by procfs.cc and procfs_pid.cc. An entry of /proc made at boot
// (owned by the guest's uid/gid: /proc/self/* is the process's on Linux);
// a generated file's new contents, marked modified now; /proc/self/exe's
// text, the app's path made absolute (Linux's link always is; glibc's static
// startup asserts a '/'), into (out) of (cap), returning its length; the
// program's name as comm: its file name cut to 15 bytes, NUL-padded to 16.
uint32_t Make(uint32_t dir, const char* name, tmpfs::Kind kind, uint32_t mode);
int64_t Rewrite(tmpfs::Inode& n, const char* text, uint64_t len);
uint64_t ExePath(char* out, uint64_t cap);
void DefaultComm(char out[16]);

// /proc/<pid> (procfs_pid.cc). /proc/self gets stat, status, cmdline and
// comm, generated as they are opened (BeforeOpen); /proc/<own pid> is
// /proc/self; /proc/<pid> of another process of the container is one
// directory (stat, status, cmdline, comm, exe) filled from hvrun's process
// table (HV_CALL_PROC_INFO) by each lookup of a pid, so a lookup's files are
// valid until the next lookup of another pid. getdents of /proc lists the
// pids after its fixed entries. No fd/ or maps of another process.
void BuildPid(uint32_t self);
bool IsProcRoot(uint32_t ino);
// The directory for decimal pid (name, len), or 0 (-ENOENT for the caller).
uint32_t PidLookup(const char* name, uint64_t len);
// How many pids /proc lists (asking hvrun again when (refresh)), and entry
// (i) of them: its name (12 bytes at least), length and d_ino.
uint64_t PidEntries(bool refresh);
bool PidEntry(uint64_t i, char* name, uint64_t* len, uint32_t* ino);
// BeforeOpen's part for /proc/self/{stat,status,cmdline,comm}.
int64_t RefreshSelf(uint32_t ino);
// Tells hvrun what this process runs: (comm) alone (PR_SET_NAME on the main
// thread), or, with null, its name, command line and program (start, execve).
void Publish(const char* comm);

// One line of /proc/self/maps as Linux prints it:
//   "start-end perms offset 00:00 0 " then, with a path (path, path_len;
//   path_len 0: none), spaces to column 73 and the path; then '\n'. (perms)
//   is 4 chars ("r-xp"). Into (buf) of (cap); returns the length, or 0 if the
//   line does not fit (nothing partial is kept).
uint64_t FormatMapsLine(char* buf, uint64_t cap, uint64_t start, uint64_t end, const char* perms,
                        uint64_t offset, const char* path, uint64_t path_len);

}  // namespace hvrt::procfs

#endif  // HVRT_VFS_PROCFS_H_
