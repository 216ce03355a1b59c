// /proc/<pid> and the per-process files of /proc/self: see procfs.h.
// What another process shows comes from hvrun's process table
// (HV_CALL_PROC_INFO), which each process keeps up to date with its name,
// command line and program (Publish: at start, at execve, at PR_SET_NAME).
#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/format.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/procfs.h"
#include "runtime/vfs/vfs.h"

namespace hvrt::procfs {
namespace {

using tmpfs::Inode;
using tmpfs::Kind;

// /proc, /proc/self and its generated files; the one directory that shows
// another process (rewritten by each lookup of a pid, like the fd links)
// and its files.
constinit uint32_t g_proc = 0;
constinit uint32_t g_self = 0;
struct PidFiles {
  uint32_t stat, status, cmdline, comm, exe;
};
constinit PidFiles g_self_files = {};
constinit uint32_t g_other = 0;
constinit PidFiles g_other_files = {};
// Static, not on the app's stack: a command line (cut to this), a path, the
// pid list of a getdents.
constexpr uint64_t kCmdlineBytes = 4096;
constinit char g_cmdline[kCmdlineBytes] = {};
constinit char g_exe_text[boot::kPathMax] = {};
constinit char g_text[2048] = {};
constexpr uint64_t kMaxPids = 1024;
constinit int32_t g_pids[kMaxPids] = {};
constinit uint64_t g_npids = 0;

// stat, status, cmdline, comm and (with_exe) exe in (dir).
PidFiles MakeFiles(uint32_t dir, bool with_exe) {
  return PidFiles{Make(dir, "stat", Kind::kTmpfs, abi::kS_IFREG | 0444),
                  Make(dir, "status", Kind::kTmpfs, abi::kS_IFREG | 0444),
                  Make(dir, "cmdline", Kind::kTmpfs, abi::kS_IFREG | 0444),
                  Make(dir, "comm", Kind::kTmpfs, abi::kS_IFREG | 0644),
                  with_exe ? Make(dir, "exe", Kind::kTmpfs, abi::kS_IFLNK | 0777) : 0};
}

// Rewrite by inode number.
int64_t Rewrite(uint32_t ino, const char* text, uint64_t len) {
  Inode* n = tmpfs::Get(ino);
  return n == nullptr ? -abi::kENOENT : procfs::Rewrite(*n, text, len);
}

// The argv part of the boot strings (argc NUL-terminated strings).
uint64_t ArgvBytes() {
  const hv_boot_info& bi = boot::Info();
  const char* s = reinterpret_cast<const char*>(bi.strings);
  uint64_t at = 0;
  for (uint32_t i = 0; i < bi.argc && at < bi.strings_size; i++) {
    at += StrNLen(s + at, bi.strings_size - at) + 1;
  }
  return at < bi.strings_size ? at : bi.strings_size;
}

struct Facts {
  int32_t pid, ppid, pgid, sid;
  uint32_t uid;
  char state;
  char comm[16];
  uint64_t start_ns;
  int threads;
  uint64_t vsize, rss_pages;
};

const char* StateName(char s) {
  switch (s) {
    case 'R':
      return "running";
    case 'T':
      return "stopped";
    case 'Z':
      return "zombie";
    default:
      return "sleeping";
  }
}

int64_t WriteStat(uint32_t ino, const Facts& f) {
  // Linux's 52 fields; what hvrun does not keep is 0. starttime is in clock
  // ticks (100 Hz) since the container started.
  uint64_t n = Format(g_text, sizeof g_text,
                      "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 %d 0 %lu %lu %lu "
                      "18446744073709551615",
                      f.pid, f.comm, f.state, f.ppid, f.pgid, f.sid, f.threads,
                      static_cast<unsigned long>(f.start_ns / 10000000),
                      static_cast<unsigned long>(f.vsize), static_cast<unsigned long>(f.rss_pages));
  for (int field = 26; field <= 52 && n + 4 < sizeof g_text; field++) {
    n += Format(g_text + n, sizeof g_text - n, field == 38 ? " 17" : " 0");
  }
  g_text[n++] = '\n';
  return Rewrite(ino, g_text, n);
}

int64_t WriteStatus(uint32_t ino, const Facts& f) {
  const uint64_t n = Format(
      g_text, sizeof g_text,
      "Name:\t%s\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
      "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t0\t0\t0\t0\nFDSize:\t%d\n"
      "VmRSS:\t%8lu kB\nThreads:\t%d\nSigQ:\t0/0\nNoNewPrivs:\t0\nSeccomp:\t0\n",
      f.comm, f.state, StateName(f.state), f.pid, f.pid, f.ppid, f.uid, f.uid, f.uid, f.uid,
      static_cast<int>(vfs::kMaxFds), static_cast<unsigned long>(f.rss_pages * 4), f.threads);
  return Rewrite(ino, g_text, n);
}

int64_t WriteComm(uint32_t ino, const char* comm) {
  const uint64_t n = Format(g_text, sizeof g_text, "%s\n", comm);
  return Rewrite(ino, g_text, n);
}

// Asks hvrun about (pid) into (f) and, when given, its command line and
// program path into g_cmdline / g_exe_text (lengths out). -ESRCH, -ENOSYS.
int64_t Ask(int32_t pid, Facts* f, uint64_t* cmdline_len, uint64_t* exe_len) {
  hv_proc_info q = {};
  q.op = HV_PROCINFO_GET;
  q.pid = pid;
  q.cmdline = reinterpret_cast<uint64_t>(g_cmdline);
  q.cmdline_len = cmdline_len != nullptr ? sizeof g_cmdline : 0;
  q.exe = reinterpret_cast<uint64_t>(g_exe_text);
  q.exe_len = exe_len != nullptr ? sizeof g_exe_text - 1 : 0;
  if (int64_t r = hv::Call(HV_CALL_PROC_INFO, &q); r < 0) return r;
  *f = Facts{q.pid, q.ppid,     q.pgid, q.sid, q.uid, static_cast<char>(q.state),
             {},    q.start_ns, 1,      0,     0};
  Copy(f->comm, q.comm, sizeof f->comm);
  f->comm[15] = '\0';
  if (cmdline_len != nullptr) *cmdline_len = q.cmdline_len;
  if (exe_len != nullptr) *exe_len = q.exe_len;
  return 0;
}

// This process's facts: its own state, with what only hvrun knows (parent,
// group, session, start) where hvrun keeps processes.
Facts SelfFacts() {
  Facts f = {};
  if (Ask(process::Pid(), &f, nullptr, nullptr) < 0) {
    f = Facts{
        process::Pid(), process::Ppid(), process::Pid(), process::Pid(), 0, 'R', {}, 0, 1, 0, 0};
  }
  f.pid = process::Pid();
  f.state = 'R';
  f.uid = cred::Uid().real;
  f.threads = sched::LiveCount();
  // hvrun's name is the one Publish gave (PR_SET_NAME's on the main thread).
  if (f.comm[0] == '\0') DefaultComm(f.comm);
  const hv_boot_info& bi = boot::Info();
  f.rss_pages = mm::Pages().UsedPages() +
                (mm::PageUp(bi.app.size) + mm::PageUp(bi.interp.size)) / mm::kPageSize;
  f.vsize = f.rss_pages * mm::kPageSize;
  return f;
}

}  // namespace

void BuildPid(uint32_t self) {
  g_self = self;
  Inode* s = tmpfs::Get(self);
  g_proc = s != nullptr ? s->parent : 0;
  g_self_files = MakeFiles(self, /*with_exe=*/false);  // procfs.cc made /proc/self/exe
  // The other process's directory: in no directory's slots (a lookup of
  // its pid finds it), its parent /proc.
  g_other = tmpfs::NewInode(Kind::kTmpfs, abi::kS_IFDIR | 0555, vfs::kDevProc);
  if (Inode* o = tmpfs::Get(g_other)) {
    o->parent = g_proc;
    g_other_files = MakeFiles(g_other, /*with_exe=*/true);
  }
}

bool IsProcRoot(uint32_t ino) { return ino != 0 && ino == g_proc; }

uint32_t PidLookup(const char* name, uint64_t len) {
  if (len == 0 || len > 10 || name[0] == '0') return 0;
  int64_t pid = 0;
  for (uint64_t i = 0; i < len; i++) {
    if (name[i] < '0' || name[i] > '9') return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  if (pid > 0x7fffffff) return 0;
  if (pid == process::Pid()) return g_self;
  Facts f;
  uint64_t cmdline_len = 0, exe_len = 0;
  if (Ask(static_cast<int32_t>(pid), &f, &cmdline_len, &exe_len) < 0) return 0;
  // Generated now, for this walk: the files of the directory it returns.
  WriteStat(g_other_files.stat, f);
  WriteStatus(g_other_files.status, f);
  WriteComm(g_other_files.comm, f.comm);
  Rewrite(g_other_files.cmdline, g_cmdline, cmdline_len);
  Rewrite(g_other_files.exe, g_exe_text, exe_len);
  if (Inode* o = tmpfs::Get(g_other)) o->uid = f.uid;
  return g_other;
}

uint64_t PidEntries(bool refresh) {
  if (refresh) {
    hv_proc_info q = {};
    q.op = HV_PROCINFO_LIST;
    q.cmdline = reinterpret_cast<uint64_t>(g_pids);
    q.cmdline_len = kMaxPids;
    const int64_t r = hv::Call(HV_CALL_PROC_INFO, &q);
    if (r >= 0) {
      g_npids = static_cast<uint64_t>(r) < kMaxPids ? static_cast<uint64_t>(r) : kMaxPids;
    } else {  // no process table (xen): this process alone
      g_pids[0] = process::Pid();
      g_npids = 1;
    }
  }
  return g_npids;
}

bool PidEntry(uint64_t i, char* name, uint64_t* len, uint32_t* ino) {
  if (i >= g_npids) return false;
  *len = Format(name, 12, "%d", g_pids[i]);
  *ino = g_pids[i] == process::Pid() ? g_self : g_other;
  return true;
}

int64_t RefreshSelf(uint32_t ino) {
  if (ino == g_self_files.stat) return WriteStat(ino, SelfFacts());
  if (ino == g_self_files.status) return WriteStatus(ino, SelfFacts());
  if (ino == g_self_files.comm) return WriteComm(ino, SelfFacts().comm);
  if (ino == g_self_files.cmdline) {
    return Rewrite(ino, reinterpret_cast<const char*>(boot::Info().strings), ArgvBytes());
  }
  return 0;
}

void Publish(const char* comm) {
  hv_proc_info q = {};
  q.op = HV_PROCINFO_SET;
  if (comm != nullptr) {
    q.fields = HV_PROCINFO_COMM;
    Copy(q.comm, comm, 15);
  } else {
    q.fields = HV_PROCINFO_COMM | HV_PROCINFO_CMDLINE | HV_PROCINFO_EXE;
    DefaultComm(q.comm);
    q.cmdline = boot::Info().strings;
    q.cmdline_len = ArgvBytes();
    if (q.cmdline_len > HV_PROCINFO_CMDLINE_MAX) q.cmdline_len = HV_PROCINFO_CMDLINE_MAX;
    q.exe = reinterpret_cast<uint64_t>(g_exe_text);
    q.exe_len = ExePath(g_exe_text, sizeof g_exe_text);
  }
  hv::Call(HV_CALL_PROC_INFO, &q);  // nothing to tell where hvrun keeps no processes
}

}  // namespace hvrt::procfs
