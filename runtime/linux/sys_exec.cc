// execve(2) and execveat(2), in place: see sys_process.cc and
// hvrun/exec_service.h. The runtime reads the program's first bytes itself
// (a "#!" script names its interpreter), copies argv and envp out of the old
// program's memory, asks hvrun to read and place the new program
// (HV_EXEC_PREPARE: errors still return to the caller), then lets go of the
// old program's memory and threads (the point of no return), has hvrun load
// the new one (HV_EXEC_LOAD) and starts it like a boot does.
#include "runtime/boot/boot.h"
#include "runtime/boot/boot_info.h"
#include "runtime/boot/initial_stack.h"
#include "runtime/boot/native.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/process.h"
#include "runtime/linux/shm.h"
#include "runtime/linux/signals.h"
#include "syscall-shim/trapless.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/timers.h"
#include "runtime/linux/user.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/hostfs.h"
#include "runtime/vfs/procfs.h"
#include "runtime/vfs/shared_maps.h"
#include "runtime/vfs/tmpfs.h"
#include "runtime/vfs/vfs.h"

extern "C" [[noreturn]] void hvrt_enter_app(uint64_t entry, uint64_t sp);
extern "C" [[noreturn]] void hvrt_call_on_stack(uint64_t sp, void (*fn)());

namespace hvrt {
namespace {

constexpr uint64_t kMaxStrings = 2 << 20;  // argv + envp bytes (Linux: ARG_MAX-ish)
constexpr int kMaxArgs = 65536;
constexpr int kMaxScriptDepth = 4;  // #! interpreters of interpreters (Linux: 4)

// The strings of the program being started: argv then envp, back to back,
// in runtime-owned pages that outlive the old program (boot info points at
// them, as it pointed at hvrun's at boot).
struct Strings {
  uint64_t base = 0;  // AllocTopDown pages
  uint64_t cap = 0;
  uint64_t used = 0;
  uint32_t argc = 0;
  uint32_t envc = 0;
};
constinit Strings g_current = {};  // the running program's (0: hvrun's at boot)
constinit Strings g_next = {};

void KeepExtents(mm::ExtentFn fn) {
  tmpfs::ForEachExtent(fn);
  if (g_next.base != 0) fn(g_next.base, g_next.cap);
}

int64_t Append(Strings& s, const char* text, uint64_t len) {
  if (s.used + len + 1 > s.cap) return -abi::kE2BIG;
  Copy(reinterpret_cast<char*>(s.base + s.used), text, len);
  reinterpret_cast<char*>(s.base)[s.used + len] = 0;
  s.used += len + 1;
  return 0;
}

// Appends the app's NUL-terminated string vector at (vec) (may be 0),
// skipping its first (skip) entries; counts them in (*count).
int64_t AppendVector(Strings& s, uint64_t vec, uint32_t skip, uint32_t* count) {
  if (vec == 0) return 0;
  for (uint32_t i = 0;; i++) {
    if (i >= kMaxArgs) return -abi::kE2BIG;
    uint64_t p = 0;
    if (int64_t r = user::CopyIn(&p, vec + 8ull * i, sizeof p); r < 0) return r;
    if (p == 0) return 0;
    if (i < skip) continue;
    int64_t len = user::StringLength(p, kMaxStrings);
    if (len < 0) return len;
    if (int64_t r = Append(s, reinterpret_cast<const char*>(p), static_cast<uint64_t>(len)); r < 0)
      return r;
    (*count)++;
  }
}

void Free(Strings& s) {
  if (s.base != 0) mm::Munmap(s.base, s.cap);
  s = Strings{};
}

// Reads up to (len) bytes from the start of open file (fd).
int64_t ReadHead(int32_t fd, char* buf, uint64_t len) {
  vfs::File* f = vfs::FileOf(fd);
  if (f == nullptr) return -abi::kEBADF;
  uint64_t off = 0;
  return vfs::Read(*f, reinterpret_cast<uint64_t>(buf), len, &off);
}

// Opens (path) for exec: a regular file with an execute bit.
int64_t OpenProgram(int32_t dirfd, const char* path, bool follow) {
  int64_t fd =
      vfs::Open(dirfd, path, abi::kO_RDONLY | abi::kO_CLOEXEC | (follow ? 0 : abi::kO_NOFOLLOW), 0);
  if (fd < 0) return fd == -abi::kELOOP && !follow ? -abi::kELOOP : fd;
  vfs::File* f = vfs::FileOf(static_cast<int32_t>(fd));
  tmpfs::Inode* n = f == nullptr ? nullptr : vfs::InodeOf(*f);
  abi::Stat st = {};
  int64_t r = n == nullptr         ? -abi::kEBADF
              : hostfs::IsHost(*n) ? hostfs::Stat(*n, &st)
                                   : (st.st_mode = n->mode, 0);
  if (r == 0 && (st.st_mode & abi::kS_IFMT) != abi::kS_IFREG) r = -abi::kEACCES;
  if (r == 0 && (st.st_mode & 0111) == 0) r = -abi::kEACCES;
  if (r < 0) {
    vfs::Close(static_cast<int32_t>(fd));
    return r;
  }
  return fd;
}

// Exec's scratch (the runtime's stack is 1 KiB): one exec at a time, under
// g_exec_lock, since reading the program can block this thread.
struct Scratch {
  char path[4096 + 1];
  char prefix[kMaxScriptDepth * 2][256];
  char saved[kMaxScriptDepth * 2][256];
  char head[256];
};
constinit Scratch g_scratch = {};
// What the first half of Exec hands the second (FinishExec), and the stack
// the second runs on.
struct Pending {
  hv_exec x;
  uint32_t argc;
  uint32_t envc;
  uint64_t exe_at;
};
constinit Pending g_exec = {};
alignas(16) constinit uint8_t g_exec_stack[16384] = {};
constinit uint32_t g_exec_lock = 0;

// The second half of an exec, on g_exec_stack: see Exec.
[[noreturn]] void FinishExec() {
  const hv_exec& x = g_exec.x;
  const uint32_t argc = g_exec.argc, envc = g_exec.envc;
  const uint64_t exe_at = g_exec.exe_at;
  const hv_boot_info& old = boot::Info();
  shared_maps::WriteBackAll();
  vfs::CloseOnExec();
  shm::ForgetAttaches();
  signals::ResetForExec();
  shim::trapless::Reset();  // new code: its sites are not the old ones
  timers::AtExec();
  sched::ResetForExec(process::Pid());
  g_exec_lock = 0;  // the only thread left: it starts the new program
  mm::ExecReset(x.app, x.interp, KeepExtents);
  g_current = Strings{};  // its pages were the old program's: swept above
  hv_exec load = {};
  load.op = HV_EXEC_LOAD;
  if (hv::Call(HV_CALL_EXEC, &load) < 0) process::Exit(abi::kSIGKILL, HV_EXIT_SIGNALED);

  hv_boot_info info = old;
  info.app = x.app;
  info.app_entry = x.app_entry;
  info.app_phdr = x.app_phdr;
  info.app_phnum = x.app_phnum;
  info.app_phent = x.app_phent;
  info.app_load_bias = x.app_load_bias;
  info.interp = x.interp;
  info.interp_entry = x.interp_entry;
  info.interp_base = x.interp_base;
  info.strings = g_next.base;
  info.strings_size = exe_at;
  info.argc = argc;
  info.envc = envc;
  info.exe_path = g_next.base + exe_at;
  boot::SetInfo(info);
  g_current = g_next;
  g_next = Strings{};

  procfs::Publish(nullptr);  // the new program, for /proc/<pid>
  uint64_t stack_lo = mm::AllocStack(info.stack_size);
  if (stack_lo == 0) process::Exit(abi::kSIGKILL, HV_EXIT_SIGNALED);
  uint64_t stack_hi = stack_lo + mm::PageUp(info.stack_size);
  boot::AuxExtras extras = {boot::MinSigStackSize(), reinterpret_cast<uint64_t>(boot::Native())};
  uint64_t sp = boot::BuildInitialStack(boot::Info(), stack_lo, stack_hi, extras);
  if (sp == 0) process::Exit(abi::kSIGKILL, HV_EXIT_SIGNALED);
  hvrt_enter_app(info.interp.size != 0 ? info.interp_entry : info.app_entry, sp);
}

int64_t Exec(int32_t dirfd, uint64_t path_addr, uint64_t argv, uint64_t envp, bool follow) {
  char* path = g_scratch.path;
  auto& prefix = g_scratch.prefix;
  char* head = g_scratch.head;
  int64_t plen = user::StringLength(path_addr, 4096);
  if (plen < 0) return plen == -abi::kEFAULT ? plen : -abi::kENAMETOOLONG;
  // The strings: argv (with a script's interpreter in front) then envp.
  Free(g_next);
  constexpr uint64_t kCap = 256 << 10;
  g_next.base = mm::AllocTopDown(kCap);
  if (g_next.base == 0) return -abi::kENOMEM;
  g_next.cap = kCap;
  Copy(path, reinterpret_cast<const char*>(path_addr), static_cast<uint64_t>(plen));
  path[plen] = 0;
  // Scripts: the interpreter and its one optional argument go first, then
  // the script's path, then argv[1..]. Collected in a small prefix list.
  int nprefix = 0;
  int64_t fd = -1;
  int64_t got = 0;
  constexpr uint64_t kHead = sizeof g_scratch.head;
  for (int depth = 0;; depth++) {
    fd = OpenProgram(dirfd, path, follow);
    if (fd < 0) {
      Free(g_next);
      return fd;
    }
    got = ReadHead(static_cast<int32_t>(fd), head, kHead - 1);
    if (got < 0) {
      vfs::Close(static_cast<int32_t>(fd));
      Free(g_next);
      return got;
    }
    if (got < 2 || head[0] != '#' || head[1] != '!') break;
    vfs::Close(static_cast<int32_t>(fd));
    if (depth >= kMaxScriptDepth) {
      Free(g_next);
      return -abi::kELOOP;
    }
    head[got] = 0;
    char* p = head + 2;
    char* end = head;
    while (*end != 0 && *end != '\n') end++;
    if (*end != '\n' && got == kHead - 1) {
      Free(g_next);
      return -abi::kENOEXEC;
    }
    *end = 0;
    while (*p == ' ' || *p == '\t') p++;
    char* interp = p;
    while (*p != 0 && *p != ' ' && *p != '\t') p++;
    char* arg = nullptr;
    if (*p != 0) {
      *p++ = 0;
      while (*p == ' ' || *p == '\t') p++;
      if (*p != 0) {
        arg = p;
        char* t = end;  // trailing blanks are not part of the argument
        while (t > arg && (t[-1] == ' ' || t[-1] == '\t')) *--t = 0;
      }
    }
    if (*interp == 0) {
      Free(g_next);
      return -abi::kENOEXEC;
    }
    // This level's words go in front of the previous level's.
    auto& saved = g_scratch.saved;
    int n = nprefix;
    for (int i = 0; i < n; i++) Copy(saved[i], prefix[i], 256);
    nprefix = 0;
    auto put = [&](const char* s) {
      uint64_t l = 0;
      while (s[l] != 0 && l < 255) l++;
      Copy(prefix[nprefix], s, l);
      prefix[nprefix][l] = 0;
      nprefix++;
    };
    put(interp);
    if (arg != nullptr) put(arg);
    put(path);
    for (int i = 0; i < n && nprefix < kMaxScriptDepth * 2; i++) put(saved[i]);
    uint64_t l = 0;
    while (interp[l] != 0) l++;
    Copy(path, interp, l);
    path[l] = 0;
    dirfd = abi::kAT_FDCWD;
    follow = true;
  }
  if (got < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
    vfs::Close(static_cast<int32_t>(fd));
    Free(g_next);
    return -abi::kENOEXEC;
  }
  uint32_t argc = 0, envc = 0;
  int64_t r = 0;
  for (int i = 0; i < nprefix && r == 0; i++) {
    uint64_t l = 0;
    while (prefix[i][l] != 0) l++;
    r = Append(g_next, prefix[i], l);
    argc++;
  }
  // A script's own argv[0] is replaced by its path (already in the prefix).
  if (r == 0) r = AppendVector(g_next, argv, nprefix > 0 ? 1 : 0, &argc);
  // An empty argv gets "" as argv[0], as Linux (5.18+) gives it. (envp is
  // not read yet, so it still lands after it.)
  if (r == 0 && argc == 0) {
    r = Append(g_next, "", 0);
    argc = 1;
  }
  if (r == 0) r = AppendVector(g_next, envp, 0, &envc);
  const uint64_t exe_at = g_next.used;
  if (r == 0) {
    uint64_t l = 0;
    while (path[l] != 0) l++;
    r = Append(g_next, path, l);
  }
  if (r < 0) {
    vfs::Close(static_cast<int32_t>(fd));
    Free(g_next);
    return r;
  }
  // The program: an open host file (hvrun reads it by handle) or a tmpfs
  // file's bytes.
  hv_exec x = {};
  x.op = HV_EXEC_PREPARE;
  vfs::File* file = vfs::FileOf(static_cast<int32_t>(fd));
  tmpfs::Inode* n = vfs::InodeOf(*file);
  if (hostfs::IsHost(*n)) {
    x.handle = static_cast<uint32_t>(hostfs::HandleOf(*n) - 1);
  } else {
    x.image = n->data;
    x.image_len = n->size;
  }
  r = hv::Call(HV_CALL_EXEC, &x);
  vfs::Close(static_cast<int32_t>(fd));
  if (r < 0) {
    Free(g_next);
    return r;
  }
  const hv_boot_info& old = boot::Info();
  if (x.app.start < old.runtime.start + old.runtime.size ||
      x.app.start + x.app.size > old.free.start ||
      (x.interp.size != 0 && x.interp.start + x.interp.size > old.free.start)) {
    Free(g_next);
    return -abi::kENOMEM;
  }

  // The point of no return: the old program goes, with the stack this code
  // runs on, so the rest runs on the runtime's own.
  g_exec = {x, argc, envc, exe_at};
  hvrt_call_on_stack(reinterpret_cast<uint64_t>(g_exec_stack + sizeof g_exec_stack), FinishExec);
}

}  // namespace

// Execve implements Linux syscall execve(2): ELF programs (static, static-pie,
// dynamic) and "#!" scripts, from host mounts, the root file system or the
// guest's own files.
int64_t sys_execve(hv_syscall_frame& f) {
  sched::Lock(&g_exec_lock);
  int64_t r = Exec(abi::kAT_FDCWD, f.args[0], f.args[1], f.args[2], true);
  sched::Unlock(&g_exec_lock);
  return r;
}

// Execveat implements Linux syscall execveat(2) (AT_SYMLINK_NOFOLLOW; an
// empty path with AT_EMPTY_PATH is not supported: -ENOENT).
int64_t sys_execveat(hv_syscall_frame& f) {
  const uint64_t flags = f.args[4];
  if ((flags & ~(abi::kAT_SYMLINK_NOFOLLOW | abi::kAT_EMPTY_PATH)) != 0) return -abi::kEINVAL;
  sched::Lock(&g_exec_lock);
  int64_t r = Exec(static_cast<int32_t>(f.args[0]), f.args[1], f.args[2], f.args[3],
                   (flags & abi::kAT_SYMLINK_NOFOLLOW) == 0);
  sched::Unlock(&g_exec_lock);
  return r;
}

}  // namespace hvrt
