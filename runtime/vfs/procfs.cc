// /proc/self: exe, the generated maps and the fd directory: see procfs.h.
#include "runtime/vfs/procfs.h"

#include "runtime/boot/boot_info.h"
#include "runtime/lib/format.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/console.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/tmpfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt::procfs {
namespace {

using tmpfs::Inode;
using tmpfs::Kind;

// Elf64_Phdr: the fields read here.
struct Phdr {
  uint32_t p_type;
  uint32_t p_flags;
  uint64_t p_offset;
  uint64_t p_vaddr;
  uint64_t p_paddr;
  uint64_t p_filesz;
  uint64_t p_memsz;
  uint64_t p_align;
};
static_assert(sizeof(Phdr) == 56);
constexpr uint32_t kPT_LOAD = 1;
constexpr uint32_t kPF_X = 1, kPF_W = 2, kPF_R = 4;

constinit uint32_t g_exe = 0;
constinit uint32_t g_maps = 0;
constinit uint32_t g_statm = 0;
constinit uint32_t g_fd_dir = 0;
constinit uint32_t g_link[2] = {};
constinit uint32_t g_fdinfo_dir = 0;
constinit uint32_t g_info[2] = {};  // /proc/self/fdinfo/N files, used in turn as the links
constexpr uint64_t kInfoBytes = 256;
constinit uint32_t g_link_slot = 0;
constinit uint32_t g_info_slot = 0;
// Static, not on the app's stack: the maps text, and a link target (up to
// PATH_MAX plus " (deleted)").
constinit char g_text[kMapsBytes] = {};
constinit char g_target[boot::kPathMax + 32] = {};

// The text being built: (len) bytes of g_text so far; (full) once a line
// did not fit (later lines are dropped too, so the text stays in order).
struct Text {
  uint64_t len = 0;
  bool full = false;
};

void Line(Text& t, uint64_t start, uint64_t end, const char* perms, uint64_t offset,
          const char* path, uint64_t path_len) {
  if (t.full || start >= end) return;
  uint64_t n = FormatMapsLine(g_text + t.len, sizeof g_text - t.len, start, end, perms, offset,
                              path, path_len);
  if (n == 0) {
    t.full = true;
  } else {
    t.len += n;
  }
}

// The app image: one line per PT_LOAD segment, its file-backed pages named by
// the app path, and the bss pages past them anonymous, as Linux's ELF loader
// maps them. Only what lies inside the app image region is shown.
void AppLines(Text& t) {
  const hv_boot_info& bi = boot::Info();
  const Inode* exe = tmpfs::Get(g_exe);
  const char* path = exe != nullptr ? reinterpret_cast<const char*>(exe->data) : "";
  uint64_t path_len = exe != nullptr ? exe->size : 0;
  uint64_t lo = mm::PageDown(bi.app.start);
  uint64_t hi = mm::PageUp(bi.app.start + bi.app.size);
  uint64_t table = bi.app_phdr;
  uint64_t bytes = static_cast<uint64_t>(bi.app_phnum) * sizeof(Phdr);
  // The headers live in the app's own memory: read them only where they are.
  if (bi.app_phent != sizeof(Phdr) || bi.app_phnum > 256 || table < bi.app.start ||
      table + bytes > bi.app.start + bi.app.size)
    return;
  uint64_t done = lo;  // segments sharing a page: the page goes to the first
  for (uint32_t i = 0; i < bi.app_phnum; i++) {
    Phdr ph;
    Copy(&ph, reinterpret_cast<const void*>(table + i * sizeof(Phdr)), sizeof ph);
    if (ph.p_type != kPT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz || ph.p_vaddr > hi) continue;
    uint64_t va = ph.p_vaddr + bi.app_load_bias;
    if (va < lo || va > hi || ph.p_memsz > hi - va) continue;
    char perms[5] = {(ph.p_flags & kPF_R) != 0 ? 'r' : '-', (ph.p_flags & kPF_W) != 0 ? 'w' : '-',
                     (ph.p_flags & kPF_X) != 0 ? 'x' : '-', 'p', '\0'};
    uint64_t start = mm::PageDown(va);
    uint64_t file_end = mm::PageUp(va + ph.p_filesz);
    uint64_t mem_end = mm::PageUp(va + ph.p_memsz);
    uint64_t offset = mm::PageDown(ph.p_offset);
    if (start < done) {
      offset += done - start;
      start = done;
    }
    if (ph.p_filesz > 0 && file_end > start) {
      Line(t, start, file_end, perms, offset, path, path_len);
      start = file_end;
    }
    Line(t, start, mem_end, perms, 0, nullptr, 0);
    if (mem_end > done) done = mem_end;
  }
}

// Whether (p) lies in an inode's data extent (the runtime's file data, pipe
// rings, directory slots): then (*end) is where that extent ends. If not,
// (*end) is where the next extent above (p) starts (~0: none).
bool InExtent(uint64_t p, uint64_t* end) {
  uint64_t next = ~0ull;
  for (uint32_t ino = 1; ino <= tmpfs::kMaxInodes; ino++) {
    const Inode* n = tmpfs::Get(ino);
    if (n == nullptr || n->data == 0 || n->cap == 0) continue;
    if (p >= n->data && p < n->data + n->cap) {
      *end = n->data + n->cap;
      return true;
    }
    if (n->data > p && n->data < next) next = n->data;
  }
  *end = next;
  return false;
}

uint64_t Min(uint64_t a, uint64_t b) { return a < b ? a : b; }

// Lines for app memory [lo, hi), one per stretch of the same protection
// (mm/protect.h): what mprotect made of it. Memory with no record shows as
// Linux shows anonymous memory, rw-p.
void ProtectedLines(Text& t, uint64_t lo, uint64_t hi, const char* name, uint64_t name_len) {
  for (uint64_t p = lo; p < hi && !t.full;) {
    const uint64_t next = Min(hi, mm::protect::NextEdge(p));
    const uint32_t a = mm::protect::At(p);
    char perms[5] = "rw-p";
    if (a != mm::protect::kDefault) {
      const bool bus = (a & mm::protect::kBus) != 0;
      perms[0] = (a & mm::protect::kRead) != 0 || bus ? 'r' : '-';
      perms[1] = (a & mm::protect::kWrite) != 0 ? 'w' : '-';
      perms[2] = (a & mm::protect::kExec) != 0 ? 'x' : '-';
    }
    Line(t, p, next, perms, 0, name, name_len);
    p = next;
  }
}

// Free memory in use, in address order: [heap], anonymous mappings, [stack]
// (mm::MainStack).
void MemoryLines(Text& t) {
  const mm::PageMap& pages = mm::Pages();
  uint64_t heap_lo = mm::BrkBase();
  uint64_t heap_hi = mm::PageUp(mm::BrkEnd());
  const mm::Range stack = mm::MainStack();
  const uint64_t stack_lo = stack.lo, stack_hi = stack.hi;
  uint64_t p = pages.NextUsed(pages.Base());
  while (p < pages.End() && !t.full) {
    uint64_t run_end = pages.NextFree(p);
    while (p < run_end) {
      uint64_t next;
      if (p >= heap_lo && p < heap_hi) {
        next = Min(run_end, heap_hi);
        ProtectedLines(t, p, next, "[heap]", 6);
      } else if (p >= stack_lo && p < stack_hi) {
        next = Min(run_end, stack_hi);
        ProtectedLines(t, p, next, "[stack]", 7);
      } else if (p + mm::kStackGuard >= stack_lo && p < stack_lo) {
        next = Min(run_end, stack_lo);  // the stack's guard gap: no mapping, as on Linux
      } else if (uint64_t end; InExtent(p, &end)) {
        next = Min(run_end, end);  // the runtime's, not the app's
      } else {
        next = Min(run_end, end);
        if (heap_lo > p) next = Min(next, heap_lo);
        if (stack_lo > p) next = Min(next, stack_lo);
        ProtectedLines(t, p, next, nullptr, 0);
      }
      p = next;
    }
    if (run_end < pages.End()) {
      p = pages.NextUsed(run_end);
    } else {
      p = run_end;
    }
  }
}

int64_t RefreshMaps() {
  Text t;
  AppLines(t);
  MemoryLines(t);
  Inode* n = tmpfs::Get(g_maps);
  if (n == nullptr) return -abi::kENOENT;
  return Rewrite(*n, g_text, t.len);
}

// Appends (s, len) to g_target at (*at), keeping room for the NUL.
void Append(uint64_t* at, const char* s, uint64_t len) {
  if (*at + len >= sizeof g_target) len = sizeof g_target - 1 - *at;
  Copy(g_target + *at, s, len);
  *at += len;
}

// The path of non-directory in-guest inode (ino) found through the directory
// that names it (the first such name: a file with several links shows one).
// Its length, or -ENOENT if no directory names it any more.
int64_t NamedPath(uint32_t ino) {
  for (uint32_t d = 1; d <= tmpfs::kMaxInodes; d++) {
    const Inode* dir = tmpfs::Get(d);
    if (dir == nullptr || dir->kind != Kind::kTmpfs || !abi::IsDir(dir->mode) || dir->nlink == 0)
      continue;
    for (uint64_t i = 0; i < dir->size; i++) {
      const tmpfs::DirRec& rec = tmpfs::DirAt(*dir, i);
      if (rec.ino != ino) continue;
      int64_t len = vfs::PathOf(d, g_target, sizeof g_target - 1 - tmpfs::kNameMax);
      if (len < 0) return len;
      uint64_t at = static_cast<uint64_t>(len);
      if (at > 1) Append(&at, "/", 1);  // "/" itself ends in one already
      Append(&at, rec.name, rec.len);
      return static_cast<int64_t>(at);
    }
  }
  return -abi::kENOENT;
}

// What the host's console stream is, as far as hvrun told: a host pipe or
// socket by its inode, a terminal or device by its device number.
uint64_t ConsoleTarget(uint8_t stream) {
  const hv_console_info& info = console::Info(stream);
  uint32_t type = info.mode & abi::kS_IFMT;
  unsigned major =
      static_cast<unsigned>(((info.rdev >> 8) & 0xfff) | ((info.rdev >> 32) & ~0xfffu));
  unsigned minor = static_cast<unsigned>((info.rdev & 0xff) | ((info.rdev >> 12) & ~0xffu));
  unsigned long ino = static_cast<unsigned long>(info.ino);
  if (type == abi::kS_IFIFO) return Format(g_target, sizeof g_target, "pipe:[%lu]", ino);
  if (type == 0140000) return Format(g_target, sizeof g_target, "socket:[%lu]", ino);
  if (type == abi::kS_IFCHR) {
    if (major >= 136 && major < 144)  // Unix98 pty slaves
      return Format(g_target, sizeof g_target, "/dev/pts/%u", (major - 136) * 256 + minor);
    if (major == 1 && minor == 3) return Format(g_target, sizeof g_target, "/dev/null");
    // /dev/char/MAJ:MIN names any character device on Linux.
    return Format(g_target, sizeof g_target, "/dev/char/%u:%u", major, minor);
  }
  // A host file: its path is the host's, which the guest is not told.
  return Format(g_target, sizeof g_target, "anon_inode:[hvrun-console-%u]", stream);
}

// The readlink text of an fd whose description is on (ino), into g_target.
uint64_t Target(uint32_t ino) {
  const Inode* n = tmpfs::Get(ino);
  if (n == nullptr) return 0;
  int64_t len;
  switch (n->kind) {
    case Kind::kPipe:
      return Format(g_target, sizeof g_target, "pipe:[%u]", ino);
    case Kind::kSignalFd:
      return Format(g_target, sizeof g_target, "anon_inode:[signalfd]");
    case Kind::kConsole:
      return ConsoleTarget(static_cast<uint8_t>(n->stream));
    case Kind::kHost:  // PathOf knows a host inode's path, directory or not
      if (abi::IsAnon(n->mode)) return Format(g_target, sizeof g_target, "anon_inode:[eventfd]");
      if (abi::IsStream(n->mode)) {  // a host pipe or socket: named by the host's inode
        abi::Stat st = {};
        if (hostfs::Stat(*n, &st) < 0) return 0;
        const auto ino = static_cast<unsigned long>(st.st_ino);
        return abi::IsSock(n->mode) ? Format(g_target, sizeof g_target, "socket:[%lu]", ino)
                                    : Format(g_target, sizeof g_target, "pipe:[%lu]", ino);
      }
      len = vfs::PathOf(ino, g_target, sizeof g_target - 16);
      break;
    default:
      len = abi::IsDir(n->mode) ? vfs::PathOf(ino, g_target, sizeof g_target - 16) : NamedPath(ino);
      break;
  }
  if (len >= 0) return static_cast<uint64_t>(len);
  // Removed: Linux says "PATH (deleted)"; the name is gone here, so only the
  // second half can be said.
  return Format(g_target, sizeof g_target, "(deleted)");
}

}  // namespace

// Owned by the guest's uid/gid (NewEntry's default): /proc/self/* belongs to
// the process on Linux.
uint32_t Make(uint32_t dir, const char* name, Kind kind, uint32_t mode) {
  return tmpfs::NewEntry(dir, name, kind, mode, vfs::kDevProc);
}

int64_t Rewrite(Inode& n, const char* text, uint64_t len) {
  if (int64_t r = tmpfs::SetSize(n, 0); r < 0) return r;
  if (int64_t r = tmpfs::Write(n, text, len, 0); r < 0) return r;
  n.mtime = n.ctime = tmpfs::Now();
  return 0;
}

uint64_t ExePath(char* out, uint64_t cap) {
  const char* app = boot::AppPath();
  uint64_t n = 0;
  if (app[0] != '/') {
    while (app[0] == '.' && app[1] == '/') app += 2;  // "./bin/x" is "/bin/x"
    out[n++] = '/';
  }
  const uint64_t len = StrNLen(app, cap - n - 1);
  Copy(out + n, app, len);
  return n + len;
}

void DefaultComm(char out[16]) {
  const char* path = boot::AppPath();
  const char* base = path;
  for (const char* p = path; *p != '\0'; p++) {
    if (*p == '/') base = p + 1;
  }
  uint64_t n = 0;
  while (n < 15 && base[n] != '\0') {
    out[n] = base[n];
    n++;
  }
  Fill(out + n, 0, 16 - n);
}

void Build(uint32_t self) {
  g_link_slot = 0;
  g_info_slot = 0;
  // /proc/self/exe: the app path made absolute against the boot cwd "/"
  // (Linux's link is always absolute; glibc's static startup asserts a '/').
  g_exe = Make(self, "exe", Kind::kTmpfs, abi::kS_IFLNK | 0777);
  if (Inode* n = tmpfs::Get(g_exe))
    tmpfs::Write(*n, g_target, ExePath(g_target, sizeof g_target), 0);
  g_maps = Make(self, "maps", Kind::kTmpfs, abi::kS_IFREG | 0444);
  g_statm = Make(self, "statm", Kind::kTmpfs, abi::kS_IFREG | 0444);
  g_fd_dir = Make(self, "fd", Kind::kTmpfs, abi::kS_IFDIR | 0500);
  // The fd links: in no directory (nlink 1 all the same, so nothing frees
  // them), rewritten by each FdLookup.
  for (uint32_t& link : g_link) {
    link = tmpfs::NewInode(Kind::kFdAlias, abi::kS_IFLNK | 0700, vfs::kDevProc);
    if (Inode* n = tmpfs::Get(link)) tmpfs::Reserve(*n, sizeof g_target);
  }
  BuildPid(self);
  g_fdinfo_dir = Make(self, "fdinfo", Kind::kTmpfs, abi::kS_IFDIR | 0500);
  for (uint32_t& info : g_info) {
    info = tmpfs::NewInode(Kind::kTmpfs, abi::kS_IFREG | 0400, vfs::kDevProc);
    if (Inode* n = tmpfs::Get(info)) tmpfs::Reserve(*n, kInfoBytes);
  }
}

bool IsFdDir(uint32_t ino) { return ino != 0 && (ino == g_fd_dir || ino == g_fdinfo_dir); }

namespace {

// /proc/self/fdinfo/N for open description (f) of fd (fd), as Linux prints
// its common part (pos, flags in octal with O_CLOEXEC for the fd's flag,
// mnt_id, ino), and a signalfd's mask.
uint32_t InfoLookup(int32_t fd, const vfs::File& f) {
  const uint32_t ino = g_info[g_info_slot];
  g_info_slot ^= 1;
  Inode* n = tmpfs::Get(ino);
  const Inode* target = tmpfs::Get(f.ino);
  if (n == nullptr || target == nullptr) return 0;
  char text[kInfoBytes];
  uint64_t flags = f.flags | (vfs::CloExec(fd) ? abi::kO_CLOEXEC : 0);
  uint64_t len = Format(text, sizeof text, "pos:\t%lu\nflags:\t0%lo\nmnt_id:\t%u\nino:\t%u\n",
                        static_cast<unsigned long>(vfs::Seekable(f) ? f.offset : 0),
                        static_cast<unsigned long>(flags), target->dev, f.ino);
  if (target->kind == Kind::kSignalFd && len < sizeof text) {
    len += Format(text + len, sizeof text - len, "sigmask:\t%016lx\n",
                  static_cast<unsigned long>(target->entries));
  }
  Rewrite(*n, text, len);  // into the extent reserved at boot: no allocation
  n->atime = n->mtime;
  return ino;
}

}  // namespace

uint32_t FdLookup(uint32_t dir, const char* name, uint64_t len) {
  // Linux's names: decimal, no sign, no leading zero.
  if (len == 0 || len > 4 || (len > 1 && name[0] == '0')) return 0;
  int32_t fd = 0;
  for (uint64_t i = 0; i < len; i++) {
    if (name[i] < '0' || name[i] > '9') return 0;
    fd = fd * 10 + (name[i] - '0');
  }
  const vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return 0;
  if (dir == g_fdinfo_dir) return InfoLookup(fd, *f);
  uint32_t ino = g_link[g_link_slot];
  g_link_slot ^= 1;
  Inode* n = tmpfs::Get(ino);
  if (n == nullptr) return 0;
  // Permissions as Linux's: r-x for a readable fd, -wx for a writable one.
  uint64_t acc = f->flags & abi::kO_ACCMODE;
  const Inode* target = tmpfs::Get(f->ino);
  if (target != nullptr && target->kind == Kind::kConsole)  // what F_GETFL says (sys_file.cc)
    acc = console::StatusFlags(target->stream) & abi::kO_ACCMODE;
  uint32_t perm = 0;
  if ((f->flags & abi::kO_PATH) != 0 || acc != abi::kO_WRONLY) perm |= 0500;
  if ((f->flags & abi::kO_PATH) == 0 && acc != abi::kO_RDONLY) perm |= 0300;
  n->mode = abi::kS_IFLNK | perm;
  n->stream = static_cast<uint16_t>(fd);
  uint64_t tlen = Target(f->ino);
  // The extent was reserved at boot for the longest target: no allocation.
  Rewrite(*n, g_target, tlen);
  n->atime = n->mtime;
  return ino;
}

bool FdEntry(uint32_t dir, uint64_t i, char* name, uint64_t* len, uint32_t* ino) {
  if (i >= static_cast<uint64_t>(vfs::kMaxFds) || vfs::FileOf(static_cast<int32_t>(i)) == nullptr)
    return false;
  *len = Format(name, 8, "%lu", static_cast<unsigned long>(i));
  *ino = dir == g_fdinfo_dir ? g_info[0] : g_link[0];
  return true;
}

uint64_t FdEntryEnd() { return vfs::kMaxFds; }

// statm: "size resident shared text lib data dt", in pages. size is what
// the app has mapped (its images and every page in use); resident the same
// (hvrun does not know which of them the guest touched); data all but text.
int64_t RefreshStatm() {
  const hv_boot_info& bi = boot::Info();
  uint64_t images = (mm::PageUp(bi.app.size) + mm::PageUp(bi.interp.size)) / mm::kPageSize;
  uint64_t size = images + mm::Pages().UsedPages();
  uint64_t text = mm::PageUp(bi.app.size) / mm::kPageSize;
  char line[128];
  uint64_t len = Format(line, sizeof line, "%lu %lu 0 %lu 0 %lu 0\n",
                        static_cast<unsigned long>(size), static_cast<unsigned long>(size),
                        static_cast<unsigned long>(text), static_cast<unsigned long>(size - text));
  Inode* n = tmpfs::Get(g_statm);
  if (n == nullptr) return -abi::kENOENT;
  return Rewrite(*n, line, len);
}

int64_t BeforeOpen(uint32_t ino) {
  if (ino == 0) return 0;
  if (ino == g_maps) return RefreshMaps();
  if (ino == g_statm) return RefreshStatm();
  return RefreshSelf(ino);
}

uint64_t FormatMapsLine(char* buf, uint64_t cap, uint64_t start, uint64_t end, const char* perms,
                        uint64_t offset, const char* path, uint64_t path_len) {
  char head[96];
  uint64_t n =
      Format(head, sizeof head, "%08lx-%08lx %s %08lx 00:00 0 ", static_cast<unsigned long>(start),
             static_cast<unsigned long>(end), perms, static_cast<unsigned long>(offset));
  // Linux pads a named line to column 72, then one space: the name starts at
  // column 73 however long the addresses are.
  constexpr uint64_t kPadTo = 72;
  uint64_t pad = path_len == 0 ? 0 : (n < kPadTo ? kPadTo - n : 0) + 1;
  uint64_t total = n + pad + path_len + 1;
  if (total > cap) return 0;
  Copy(buf, head, n);
  Fill(buf + n, ' ', pad);
  if (path_len > 0) Copy(buf + n + pad, path, path_len);  // (path may be null when 0)
  buf[total - 1] = '\n';
  return total;
}

}  // namespace hvrt::procfs
