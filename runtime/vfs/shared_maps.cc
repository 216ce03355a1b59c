// MAP_SHARED file mappings kept coherent with reads and writes: see
// shared_maps.h.
#include "runtime/vfs/shared_maps.h"

#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/mm/protect.h"
#include "runtime/vfs/hostfs.h"

namespace hvrt::shared_maps {
namespace {

using tmpfs::Inode;
using tmpfs::Kind;

struct Map {
  uint64_t addr;  // 0: a free slot
  uint64_t len;
  uint64_t off;  // file offset of addr
  uint64_t dev;  // the file (Inode::file_dev/file_ino); 0, 0: shared anonymous memory
  uint64_t ino;
  uint32_t inode;  // the inode held open for write-back (0: none)
  bool priv;       // a MAP_PRIVATE file mapping: never written back (below)
};

constinit Map g_maps[kMaxMaps] = {};
constinit uint32_t g_high = 0;       // slots [0, g_high) may be in use
constinit uint32_t g_count = 0;      // in use
constinit uint32_t g_host_maps = 0;  // of which shared mappings of host files
constinit uint32_t g_private = 0;    // of which MAP_PRIVATE file mappings

constexpr uint64_t kTmpfsDev = ~uint64_t{0};

// Fills in (n)'s file identity if it is not known yet; false if the host
// cannot say (then nothing of (n) is shared).
bool Identify(Inode& n) {
  if (n.file_ino != 0) return true;
  if (n.kind == Kind::kTmpfs) {
    n.file_dev = kTmpfsDev;
    n.file_ino = tmpfs::NumberOf(n);
    return true;
  }
  if (n.kind != Kind::kHost) return false;
  abi::Stat st;
  if (hostfs::Stat(n, &st) < 0) return false;
  n.file_dev = st.st_dev;
  n.file_ino = st.st_ino == 0 ? ~uint64_t{0} : st.st_ino;
  return true;
}

// Whether reads and writes of (n) must look at the table: a shared mapping
// of its kind of file exists, and (n) is identified (asking the host once
// per host inode only while host files are mapped).
bool Relevant(Inode& n) {
  if (g_count == g_private) return false;
  if (n.kind == Kind::kHost) return g_host_maps > 0 && Identify(n);
  return n.kind == Kind::kTmpfs && Identify(n);
}

bool SameFile(const Map& m, const Inode& n) {
  return m.addr != 0 && m.ino != 0 && m.dev == n.file_dev && m.ino == n.file_ino;
}

// The overlap of file ranges [a, a + alen) and [b, b + blen): its start and
// length (0: none).
uint64_t Overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen, uint64_t* start) {
  uint64_t lo = a > b ? a : b;
  uint64_t ahi = a + alen, bhi = b + blen;
  uint64_t hi = ahi < bhi ? ahi : bhi;
  *start = lo;
  return hi > lo ? hi - lo : 0;
}

// The file's current size, or -errno.
int64_t FileSize(Inode& n) {
  if (n.kind == Kind::kTmpfs) return static_cast<int64_t>(n.size);
  abi::Stat st;
  if (int64_t r = hostfs::Stat(n, &st); r < 0) return r;
  return st.st_size;
}

// Writes the mapping (m)'s pages [addr, addr + len) to its file, stopping
// at the file's end.
int64_t WriteBack(const Map& m, uint64_t addr, uint64_t len) {
  if (m.priv) return 0;
  Inode* n = tmpfs::Get(m.inode);
  if (n == nullptr || len == 0) return 0;
  int64_t size = FileSize(*n);
  if (size < 0) return size;
  uint64_t off = m.off + (addr - m.addr);
  if (off >= static_cast<uint64_t>(size)) return 0;
  if (len > static_cast<uint64_t>(size) - off) len = static_cast<uint64_t>(size) - off;
  if (n->kind == Kind::kTmpfs) {
    mm::protect::ScopedAccess access(addr, addr + len);
    int64_t r = tmpfs::Write(*n, reinterpret_cast<const void*>(addr), len, off);
    return r < 0 ? r : 0;
  }
  for (uint64_t done = 0; done < len;) {
    int64_t r = hostfs::Write(*n, addr + done, len - done, off + done);
    if (r < 0) return r;
    if (r == 0) return -abi::kEIO;
    done += static_cast<uint64_t>(r);
  }
  return 0;
}

// One more (+1) or one less (-1) mapping of (m)'s kind in the counters.
void Count(const Map& m, int d) {
  g_count += d;
  if (m.priv) {
    g_private += d;
  } else if (const Inode* n = tmpfs::Get(m.inode); n != nullptr && n->kind == Kind::kHost) {
    g_host_maps += d;
  }
}

// Whether (m) is a private mapping of inode (n) itself (private mappings
// are known by inode, not by file identity: see shared_maps.h).
bool SameInode(const Map& m, const Inode& n) {
  return m.addr != 0 && m.priv && tmpfs::Get(m.inode) == &n;
}

void Release(Map& m) {
  Inode* n = tmpfs::Get(m.inode);
  Count(m, -1);
  uint32_t ino = m.inode;
  m = Map{};
  if (n != nullptr) {
    n->opens--;
    tmpfs::MaybeRelease(ino);
  }
}

Map* FreeSlot() {
  for (uint32_t i = 0; i < kMaxMaps; i++) {
    if (g_maps[i].addr == 0) {
      if (i + 1 > g_high) g_high = i + 1;
      return &g_maps[i];
    }
  }
  return nullptr;
}

// Copies between the buffer holding (n)'s bytes [off, off + len) and every
// mapping of those bytes: into the mappings (to_maps), or out of them.
void CopyOverlaps(Inode& n, char* buf, uint64_t off, uint64_t len, bool to_maps) {
  if (len == 0 || !Relevant(n)) return;
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    uint64_t start;
    uint64_t k = SameFile(m, n) ? Overlap(off, len, m.off, m.len, &start) : 0;
    if (k == 0) continue;
    char* mapped = reinterpret_cast<char*>(m.addr + (start - m.off));
    char* at = buf + (start - off);
    // The mapping may be read-only or PROT_NONE to the app, not to us.
    const uint64_t lo = reinterpret_cast<uint64_t>(mapped);
    mm::protect::ScopedAccess access(lo, lo + k);
    if (to_maps) {
      Move(mapped, at, k);
    } else {
      Move(at, mapped, k);
    }
  }
}

}  // namespace

bool Any() { return g_count != 0; }

void AddAnonymous(uint64_t addr, uint64_t len) {
  if (addr == 0 || len == 0) return;
  Map* m = FreeSlot();
  if (m == nullptr) return;
  *m = Map{addr, len, 0, 0, 0, 0, false};  // no file: never SameFile, nothing to write back
  Count(*m, +1);
}

int64_t Add(uint32_t ino, uint64_t addr, uint64_t len, uint64_t off) {
  Inode* n = tmpfs::Get(ino);
  if (n == nullptr || addr == 0 || len == 0) return -abi::kEINVAL;
  if (!Identify(*n)) return -abi::kENODEV;
  Map* m = FreeSlot();
  if (m == nullptr) return -abi::kENOMEM;
  *m = Map{addr, len, off, n->file_dev, n->file_ino, ino, false};
  n->opens++;  // the mapping holds the file, as Linux's holds its struct file
  Count(*m, +1);
  return 0;
}

void AddPrivate(uint32_t ino, uint64_t addr, uint64_t len, uint64_t off) {
  Inode* n = tmpfs::Get(ino);
  if (n == nullptr || addr == 0 || len == 0) return;
  Map* m = FreeSlot();
  if (m == nullptr) return;
  *m = Map{addr, len, off, 0, 0, ino, true};  // dev, ino 0: never SameFile
  n->opens++;
  Count(*m, +1);
}

int64_t ReadFile(Inode& n, uint64_t addr, uint64_t len, uint64_t off) {
  if (n.kind == Kind::kTmpfs) {
    return static_cast<int64_t>(tmpfs::Read(n, reinterpret_cast<void*>(addr), len, off));
  }
  uint64_t done = 0;
  while (done < len) {  // the host may return fewer bytes per call
    int64_t r = hostfs::Read(n, addr + done, len - done, off + done);
    if (r < 0) return r;
    if (r == 0) break;
    done += static_cast<uint64_t>(r);
  }
  return static_cast<int64_t>(done);
}

bool PrivateAt(uint64_t addr, uint32_t* inode, uint64_t* off) {
  if (g_private == 0) return false;
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    if (m.addr != 0 && m.priv && addr >= m.addr && addr - m.addr < m.len) {
      *inode = m.inode;
      *off = m.off + (addr - m.addr);
      return true;
    }
  }
  return false;
}

void RefillPrivate(uint64_t addr, uint64_t len) {
  if (g_private == 0) return;
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    uint64_t start;
    uint64_t k = m.addr != 0 && m.priv ? Overlap(addr, len, m.addr, m.len, &start) : 0;
    Inode* n = k != 0 ? tmpfs::Get(m.inode) : nullptr;
    if (n == nullptr) continue;
    mm::protect::ScopedAccess access(start, start + k);
    ReadFile(*n, start, k, m.off + (start - m.addr));  // the rest stays zero
  }
}

void MirrorWrite(Inode& n, const void* src, uint64_t off, uint64_t len) {
  CopyOverlaps(n, const_cast<char*>(static_cast<const char*>(src)), off, len, /*to_maps=*/true);
}

void OverlayRead(Inode& n, void* dst, uint64_t off, uint64_t len) {
  CopyOverlaps(n, static_cast<char*>(dst), off, len, /*to_maps=*/false);
}

namespace {

// WriteBackRange, with the write-back itself optional (write).
int64_t Walk(uint64_t addr, uint64_t len, bool write, bool forget) {
  int64_t first_error = 0;
  for (uint32_t i = 0; i < g_high && g_count > 0; i++) {
    Map& m = g_maps[i];
    uint64_t start;
    uint64_t k = m.addr != 0 ? Overlap(addr, len, m.addr, m.len, &start) : 0;
    if (k == 0) continue;
    if (int64_t r = write ? WriteBack(m, start, k) : 0; r < 0 && first_error == 0) first_error = r;
    if (!forget) continue;
    uint64_t end = start + k, m_end = m.addr + m.len;
    if (start == m.addr && end == m_end) {
      Release(m);
    } else if (start == m.addr) {  // the front goes
      m.off += k;
      m.addr = end;
      m.len = m_end - end;
    } else if (end == m_end) {  // the back goes
      m.len = start - m.addr;
    } else {  // the middle goes: the back becomes a mapping of its own
      Map back = m;
      back.addr = end;
      back.len = m_end - end;
      back.off = m.off + (end - m.addr);
      m.len = start - m.addr;
      if (Map* slot = FreeSlot(); slot != nullptr) {
        *slot = back;
        Count(back, +1);
        if (Inode* n = tmpfs::Get(back.inode)) n->opens++;
      }  // else the back is a private copy from now on (written back above)
    }
  }
  return first_error;
}

}  // namespace

int64_t WriteBackRange(uint64_t addr, uint64_t len, bool forget) {
  return Walk(addr, len, /*write=*/true, forget);
}

void Forget(uint64_t addr, uint64_t len) { Walk(addr, len, /*write=*/false, /*forget=*/true); }

int64_t WriteBackFile(Inode& n) {
  if (!Relevant(n)) return 0;
  int64_t first_error = 0;
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    if (!SameFile(m, n)) continue;
    if (int64_t r = WriteBack(m, m.addr, m.len); r < 0 && first_error == 0) first_error = r;
  }
  return first_error;
}

void Truncated(Inode& n, uint64_t size) {
  const bool shared = Relevant(n);
  if (!shared && g_private == 0) return;
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    if (!(shared && SameFile(m, n)) && !SameInode(m, n)) continue;
    // The mapping's whole pages past the new end raise SIGBUS, as Linux's
    // do; pages the file covers again (it grew) stop doing so.
    const uint64_t valid = size > m.off ? (size - m.off < m.len ? size - m.off : m.len) : 0;
    const uint64_t edge = m.addr + ((valid + 4095) & ~uint64_t{4095});
    mm::protect::Change(m.addr, edge, mm::protect::kBus, 0);
    if (valid == m.len) continue;
    {  // its bytes past the end read as zero (when it grows again)
      mm::protect::ScopedAccess access(m.addr + valid, m.addr + m.len);
      Fill(reinterpret_cast<void*>(m.addr + valid), 0, m.len - valid);
    }
    mm::protect::Change(edge, m.addr + m.len, 0, mm::protect::kBus);
  }
}

bool FirstCovered(uint64_t lo, uint64_t hi, uint64_t* start, uint64_t* end) {
  uint64_t s = hi;  // the lowest start of a mapping inside [lo, hi)
  for (uint32_t i = 0; i < g_high; i++) {
    const Map& m = g_maps[i];
    uint64_t at;
    if (m.addr != 0 && !m.priv && Overlap(lo, hi - lo, m.addr, m.len, &at) != 0 && at < s) s = at;
  }
  if (s == hi) return false;
  // Grow the stretch over every mapping that overlaps or touches its end.
  uint64_t e = s;
  for (bool grew = true; grew;) {
    grew = false;
    for (uint32_t i = 0; i < g_high; i++) {
      const Map& m = g_maps[i];
      if (m.addr != 0 && !m.priv && m.addr <= e && m.addr + m.len > e) {
        e = m.addr + m.len;
        grew = true;
      }
    }
  }
  *start = s;
  *end = e < hi ? e : hi;
  return true;
}

void WriteBackAll() {
  for (uint32_t i = 0; i < g_high; i++) {
    if (g_maps[i].addr != 0) WriteBack(g_maps[i], g_maps[i].addr, g_maps[i].len);
  }
}

void Reset() {
  Fill(g_maps, 0, sizeof g_maps);
  g_high = g_count = g_host_maps = g_private = 0;
}

}  // namespace hvrt::shared_maps
