// Moving bytes through fds: read, write and their vectored and positioned
// forms, lseek, sendfile and copy_file_range. The VFS (runtime/vfs/vfs.h)
// does the work; these decode arguments, check app memory and keep offsets.
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt {
namespace {

using Transfer = int64_t (*)(vfs::File& f, uint64_t buf, uint64_t len, uint64_t* off);

// One transfer at (*off), with the app buffer checked first. An empty
// transfer still checks the fd (Linux returns 0 without looking at buf).
int64_t Checked(Transfer t, vfs::File& f, uint64_t buf, uint64_t len, uint64_t* off) {
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  // read() stores into the buffer, so it must be writable too. As on Linux,
  // a buffer that turns bad part way moves what comes before the bad page.
  if (len != 0) {
    len = user::AccessiblePrefix(buf, len, /*write=*/t == vfs::Read);
    if (len == 0) return -abi::kEFAULT;
  }
  return t(f, buf, len, off);
}

// read/write: at the description's own offset.
int64_t Plain(Transfer t, int32_t fd, uint64_t buf, uint64_t len) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  return Checked(t, *f, buf, len, &f->offset);
}

// pread/pwrite: at (pos); the description's offset does not move.
int64_t Positioned(Transfer t, int32_t fd, uint64_t buf, uint64_t len, int64_t pos) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  if (pos < 0) return -abi::kEINVAL;
  if (!vfs::Seekable(*f)) return -abi::kESPIPE;
  uint64_t off = static_cast<uint64_t>(pos);
  return Checked(t, *f, buf, len, &off);
}

// readv/writev (pos < 0: the description's offset) and preadv/pwritev: one
// transfer per iovec, stopping at the first short one. Like Linux, an error
// after some bytes moved returns the bytes moved.
int64_t Vectored(Transfer t, int32_t fd, uint64_t iov_addr, int32_t iovcnt, int64_t pos,
                 bool positioned) {
  // Linux's order (do_preadv, then vfs_readv): a negative position, a bad
  // fd, an fd with no position (ESPIPE), then one not open for this
  // direction (EBADF, even with nothing to move), then the vector.
  if (positioned && pos < 0) return -abi::kEINVAL;
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  if (positioned && !vfs::Seekable(*f)) return -abi::kESPIPE;
  const uint64_t acc = f->flags & abi::kO_ACCMODE;
  if ((f->flags & abi::kO_PATH) != 0 || acc == (t == vfs::Read ? abi::kO_WRONLY : abi::kO_RDONLY))
    return -abi::kEBADF;
  if (iovcnt < 0 || static_cast<uint64_t>(iovcnt) > abi::kUIO_MAXIOV) return -abi::kEINVAL;
  uint64_t local = 0;
  uint64_t* off = &f->offset;
  if (positioned) {
    local = static_cast<uint64_t>(pos);
    off = &local;
  }
  abi::Iovec iov[16];
  uint64_t total = 0;
  for (int32_t i = 0; i < iovcnt; i++) {
    if (i % 16 == 0) {  // copy the vector in, 16 at a time
      int32_t n = iovcnt - i < 16 ? iovcnt - i : 16;
      if (int64_t r = user::CopyIn(iov, iov_addr + 16 * static_cast<uint64_t>(i), 16 * n); r < 0)
        return total > 0 ? static_cast<int64_t>(total) : r;
    }
    const abi::Iovec& v = iov[i % 16];
    if (static_cast<int64_t>(v.iov_len) < 0)
      return total > 0 ? static_cast<int64_t>(total) : -abi::kEINVAL;
    if (v.iov_len == 0) continue;
    int64_t r = Checked(t, *f, v.iov_base, v.iov_len, off);
    if (r < 0) return total > 0 ? static_cast<int64_t>(total) : r;
    total += static_cast<uint64_t>(r);
    if (static_cast<uint64_t>(r) < v.iov_len) break;
  }
  return static_cast<int64_t>(total);
}

// sendfile/copy_file_range from a host file: its bytes are not in guest
// memory, so they go through a small static buffer, read then write
// (runtime memory is guest memory, so the host fills it directly).
int64_t CopyLoopLocked(vfs::File& in, uint64_t* in_off, vfs::File& out, uint64_t* out_off,
                       uint64_t len) {
  static constinit char buf[16384] = {};
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  uint64_t done = 0;
  while (done < len) {
    uint64_t n = len - done < sizeof buf ? len - done : sizeof buf;
    uint64_t at = *in_off;
    int64_t got = vfs::Read(in, reinterpret_cast<uint64_t>(buf), n, &at);
    if (got <= 0) return done > 0 ? static_cast<int64_t>(done) : got;
    int64_t r =
        vfs::Write(out, reinterpret_cast<uint64_t>(buf), static_cast<uint64_t>(got), out_off);
    if (r < 0) return done > 0 ? static_cast<int64_t>(done) : r;
    *in_off += static_cast<uint64_t>(r);
    done += static_cast<uint64_t>(r);
    if (r < got) break;
  }
  return static_cast<int64_t>(done);
}

// The buffer is shared: a thread keeps it while its host transfers block
// (only that thread), so others wait their turn.
int64_t CopyLoop(vfs::File& in, uint64_t* in_off, vfs::File& out, uint64_t* out_off, uint64_t len) {
  static constinit uint32_t lock = 0;
  sched::Lock(&lock);
  int64_t r = CopyLoopLocked(in, in_off, out, out_off, len);
  sched::Unlock(&lock);
  return r;
}

// sendfile/copy_file_range: file data goes straight from the source's pages
// through vfs::Write (runtime memory is guest memory, so no bounce buffer).
// Only tmpfs regular files can be sources. (*in_off) is advanced.
int64_t Splice(vfs::File& in, uint64_t* in_off, vfs::File& out, uint64_t* out_off, uint64_t len) {
  tmpfs::Inode* src = vfs::InodeOf(in);
  if ((in.flags & abi::kO_ACCMODE) == abi::kO_WRONLY) return -abi::kEBADF;
  if ((out.flags & abi::kO_ACCMODE) == abi::kO_RDONLY) return -abi::kEBADF;
  if (src != nullptr && src->kind == tmpfs::Kind::kHost && abi::IsReg(src->mode))
    return CopyLoop(in, in_off, out, out_off, len);
  if (src == nullptr || src->kind != tmpfs::Kind::kTmpfs || !abi::IsReg(src->mode))
    return -abi::kEINVAL;
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  if (*in_off >= src->size) return 0;
  if (len > src->size - *in_off) len = src->size - *in_off;
  if (vfs::InodeOf(out) == src) {
    // Same file: growing it may move its extent, so stage through a small
    // buffer in bounded chunks rather than point into it.
    char tmp[512];
    uint64_t done = 0;
    while (done < len) {
      uint64_t n = len - done < sizeof tmp ? len - done : sizeof tmp;
      uint64_t got = tmpfs::Read(*src, tmp, n, *in_off);
      if (got == 0) break;
      int64_t r = vfs::Write(out, reinterpret_cast<uint64_t>(tmp), got, out_off);
      if (r < 0) return done > 0 ? static_cast<int64_t>(done) : r;
      *in_off += static_cast<uint64_t>(r);
      done += static_cast<uint64_t>(r);
      if (static_cast<uint64_t>(r) < got) break;
    }
    return static_cast<int64_t>(done);
  }
  int64_t r = vfs::Write(out, src->data + *in_off, len, out_off);
  if (r > 0) *in_off += static_cast<uint64_t>(r);
  return r;
}

// An optional loff_t* argument: reads it into (*v); (*use) says whether given.
int64_t OptionalOffset(uint64_t addr, uint64_t* v, bool* use) {
  *use = addr != 0;
  if (!*use) return 0;
  int64_t x;
  if (int64_t r = user::CopyIn(&x, addr, sizeof x); r < 0) return r;
  if (x < 0) return -abi::kEINVAL;
  *v = static_cast<uint64_t>(x);
  return 0;
}

}  // namespace

// Read implements Linux syscall read(2).
int64_t sys_read(hv_syscall_frame& f) {
  return Plain(vfs::Read, Int(f.args[0]), f.args[1], f.args[2]);
}

// Write implements Linux syscall write(2).
int64_t sys_write(hv_syscall_frame& f) {
  return Plain(vfs::Write, Int(f.args[0]), f.args[1], f.args[2]);
}

// Readv implements Linux syscall readv(2).
int64_t sys_readv(hv_syscall_frame& f) {
  return Vectored(vfs::Read, Int(f.args[0]), f.args[1], Int(f.args[2]), 0, false);
}

// Writev implements Linux syscall writev(2).
int64_t sys_writev(hv_syscall_frame& f) {
  return Vectored(vfs::Write, Int(f.args[0]), f.args[1], Int(f.args[2]), 0, false);
}

// Pread64 implements Linux syscall pread64(2).
int64_t sys_pread64(hv_syscall_frame& f) {
  return Positioned(vfs::Read, Int(f.args[0]), f.args[1], f.args[2],
                    static_cast<int64_t>(f.args[3]));
}

// Pwrite64 implements Linux syscall pwrite64(2).
int64_t sys_pwrite64(hv_syscall_frame& f) {
  return Positioned(vfs::Write, Int(f.args[0]), f.args[1], f.args[2],
                    static_cast<int64_t>(f.args[3]));
}

// Preadv implements Linux syscall preadv(2); the offset comes in (pos_l,
// pos_h), and on x86-64 pos_l alone holds all 64 bits.
int64_t sys_preadv(hv_syscall_frame& f) {
  return Vectored(vfs::Read, Int(f.args[0]), f.args[1], Int(f.args[2]),
                  static_cast<int64_t>(f.args[3]), true);
}

// Pwritev implements Linux syscall pwritev(2).
int64_t sys_pwritev(hv_syscall_frame& f) {
  return Vectored(vfs::Write, Int(f.args[0]), f.args[1], Int(f.args[2]),
                  static_cast<int64_t>(f.args[3]), true);
}

namespace {

// preadv2/pwritev2: offset -1 is the description's own offset (as readv),
// any other negative one EINVAL; flags beyond RWF_HIPRI, DSYNC, SYNC,
// NOWAIT and APPEND are EOPNOTSUPP (HIPRI and NOWAIT change nothing here).
// A write with RWF_DSYNC or RWF_SYNC is then synced as fdatasync/fsync
// would.
int64_t Vectored2(Transfer t, hv_syscall_frame& f) {
  constexpr uint64_t kRWF_DSYNC = 2, kRWF_SYNC = 4, kRWF_APPEND = 0x10, kKnown = 0x1f;
  const int32_t fd = Int(f.args[0]);
  const int64_t pos = static_cast<int64_t>(f.args[3]);
  const uint64_t flags = f.args[5];
  vfs::File* file = vfs::FileOf(fd);
  if (file == nullptr) return -abi::kEBADF;
  if ((flags & ~kKnown) != 0) return -abi::kEOPNOTSUPP;
  if (pos < -1) return -abi::kEINVAL;
  // RWF_APPEND: this one write appends, as with O_APPEND (the offset given
  // is ignored, as Linux does).
  const bool append =
      t == vfs::Write && (flags & kRWF_APPEND) != 0 && (file->flags & abi::kO_APPEND) == 0;
  if (append) file->flags |= abi::kO_APPEND;
  int64_t r = Vectored(t, fd, f.args[1], Int(f.args[2]), append ? -1 : pos, !append && pos != -1);
  if (append) file->flags &= ~abi::kO_APPEND;
  if (r > 0 && t == vfs::Write && (flags & (kRWF_DSYNC | kRWF_SYNC)) != 0) {
    hv_syscall_frame sync = f;
    sync.args[0] = static_cast<uint64_t>(fd);
    if (int64_t s = (flags & kRWF_SYNC) != 0 ? sys_fsync(sync) : sys_fdatasync(sync); s < 0)
      return s;
  }
  return r;
}

}  // namespace

// Preadv2 and Pwritev2 implement Linux syscalls preadv2(2) and pwritev2(2).
int64_t sys_preadv2(hv_syscall_frame& f) { return Vectored2(vfs::Read, f); }
int64_t sys_pwritev2(hv_syscall_frame& f) { return Vectored2(vfs::Write, f); }

// Lseek implements Linux syscall lseek(2): SEEK_SET/CUR/END on files,
// SEEK_SET on directories (a getdents position), 0 on the mem devices;
// pipes and the console have no offset (-ESPIPE).
int64_t sys_lseek(hv_syscall_frame& f) {
  vfs::File* file = vfs::FileOf(Int(f.args[0]));
  if (file == nullptr) return -abi::kEBADF;
  if (!vfs::Seekable(*file)) return -abi::kESPIPE;
  tmpfs::Inode* n = vfs::InodeOf(*file);
  int64_t off = static_cast<int64_t>(f.args[1]);
  int32_t whence = Int(f.args[2]);
  if (n->kind != tmpfs::Kind::kTmpfs &&
      n->kind != tmpfs::Kind::kHost) {  // /dev/null, zero, random: always 0
    if (whence < abi::kSEEK_SET || whence > abi::kSEEK_END) return -abi::kEINVAL;
    file->offset = 0;
    return 0;
  }
  // A host file's offset is its host fd's position (hostfs.h): the host
  // moves it, for every process that shares it.
  if (n->kind == tmpfs::Kind::kHost && !abi::IsDir(n->mode) && hostfs::OffsetIsHostPosition(*n)) {
    if (whence < abi::kSEEK_SET || whence > abi::kSEEK_HOLE) return -abi::kEINVAL;
    const int64_t pos = hostfs::FdOp(*n, HV_FDOP_SEEK, static_cast<uint32_t>(whence),
                                     static_cast<uint64_t>(off), 0);
    if (pos >= 0) file->offset = static_cast<uint64_t>(pos);
    return pos;
  }
  // A host directory's position is its handle's (hostfs.h): SEEK_SET 0
  // rewinds it (a fresh handle), SEEK_CUR 0 tells it, SEEK_END is the
  // host file system's answer (ext4: the largest offset; others: EINVAL).
  if (abi::IsDir(n->mode) && n->kind == tmpfs::Kind::kHost) {
    if (whence == abi::kSEEK_CUR && off == 0) return static_cast<int64_t>(file->offset);
    if (whence == abi::kSEEK_END) {
      return hostfs::FdOp(*n, HV_FDOP_SEEK, abi::kSEEK_END, static_cast<uint64_t>(off), 0);
    }
    if (whence != abi::kSEEK_SET || off != 0) return -abi::kEINVAL;
    if (int64_t r = hostfs::Rewind(*n); r < 0) return r;
    file->offset = 0;
    return 0;
  }
  int64_t base;
  switch (whence) {
    case abi::kSEEK_SET:
      base = 0;
      break;
    case abi::kSEEK_CUR:
      base = static_cast<int64_t>(file->offset);
      break;
    case abi::kSEEK_END:
      // /proc's generated files have no end to seek from (Linux's seq
      // files say EINVAL); its directories, like Linux's, have size 0; a
      // tmpfs directory takes SEEK_SET and SEEK_CUR only.
      if (n->dev == vfs::kDevProc) {
        if (!abi::IsDir(n->mode)) return -abi::kEINVAL;
        base = 0;
        break;
      }
      if (abi::IsDir(n->mode)) return -abi::kEINVAL;
      if (n->kind == tmpfs::Kind::kHost) {  // the host file's size now
        abi::Stat st;
        if (int64_t r = hostfs::Stat(*n, &st); r < 0) return r;
        base = st.st_size;
        break;
      }
      base = static_cast<int64_t>(n->size);
      break;
    default:
      return -abi::kEINVAL;
  }
  int64_t pos;
  if (__builtin_add_overflow(base, off, &pos)) return -abi::kEOVERFLOW;
  if (pos < 0) return -abi::kEINVAL;
  file->offset = static_cast<uint64_t>(pos);
  return pos;
}

// Sendfile implements Linux syscall sendfile(2) from a tmpfs file to any
// writable fd. With (offset) given, the input fd's offset does not move.
int64_t sys_sendfile(hv_syscall_frame& f) {
  vfs::File* out = vfs::FileOf(Int(f.args[0]));
  vfs::File* in = vfs::FileOf(Int(f.args[1]));
  if (out == nullptr || in == nullptr) return -abi::kEBADF;
  if ((out->flags & abi::kO_APPEND) != 0) return -abi::kEINVAL;
  uint64_t pos = 0;
  bool given;
  if (int64_t r = OptionalOffset(f.args[2], &pos, &given); r < 0) return r;
  uint64_t* in_off = given ? &pos : &in->offset;
  int64_t r = Splice(*in, in_off, *out, &out->offset, f.args[3]);
  if (r >= 0 && given) {
    int64_t v = static_cast<int64_t>(pos);
    if (int64_t w = user::CopyOut(f.args[2], &v, sizeof v); w < 0) return w;
  }
  return r;
}

// CopyFileRange implements Linux syscall copy_file_range(2) between tmpfs
// files (-EINVAL for other kinds, -EXDEV never: every in-guest file can be
// copied to any other). (flags) must be 0.
int64_t sys_copy_file_range(hv_syscall_frame& f) {
  vfs::File* in = vfs::FileOf(Int(f.args[0]));
  vfs::File* out = vfs::FileOf(Int(f.args[2]));
  if (in == nullptr || out == nullptr) return -abi::kEBADF;
  if (f.args[5] != 0) return -abi::kEINVAL;
  if ((out->flags & abi::kO_APPEND) != 0) return -abi::kEBADF;
  tmpfs::Inode* dst = vfs::InodeOf(*out);
  if (dst == nullptr || (dst->kind != tmpfs::Kind::kTmpfs && dst->kind != tmpfs::Kind::kHost) ||
      !abi::IsReg(dst->mode))
    return abi::IsDir(dst != nullptr ? dst->mode : 0) ? -abi::kEISDIR : -abi::kEINVAL;
  uint64_t in_pos = 0;
  uint64_t out_pos = 0;
  bool in_given;
  bool out_given;
  if (int64_t r = OptionalOffset(f.args[1], &in_pos, &in_given); r < 0) return r;
  if (int64_t r = OptionalOffset(f.args[3], &out_pos, &out_given); r < 0) return r;
  uint64_t* in_off = in_given ? &in_pos : &in->offset;
  uint64_t* out_off = out_given ? &out_pos : &out->offset;
  tmpfs::Inode* src = vfs::InodeOf(*in);
  if (src == dst) {  // overlapping ranges of one file: -EINVAL, as Linux
    uint64_t len = f.args[4];
    if (*in_off < *out_off + len && *out_off < *in_off + len) return -abi::kEINVAL;
  }
  int64_t r = Splice(*in, in_off, *out, out_off, f.args[4]);
  if (r < 0) return r;
  int64_t v;
  if (in_given) {
    v = static_cast<int64_t>(in_pos);
    if (int64_t w = user::CopyOut(f.args[1], &v, sizeof v); w < 0) return w;
  }
  if (out_given) {
    v = static_cast<int64_t>(out_pos);
    if (int64_t w = user::CopyOut(f.args[3], &v, sizeof v); w < 0) return w;
  }
  return r;
}

}  // namespace hvrt
