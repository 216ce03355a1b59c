// File: tests/e2e/differential_test.cc
//
// Differential e2e suite: every case runs a static program natively and under
// `hvrun --backend=B`, and the two runs must agree on stdout and exit status
// (and stderr, where the program's stderr is deterministic). The native run
// must also end as the case expects, so a broken test program cannot make
// both sides agree on a failure.
//
// Parametrized by backend (hvtest::BackendsUnderTest(), one line per backend)
// and by case (kCases below: program, args, env, stdin).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"

namespace hvtest {
namespace {

struct Case {
  std::string name;  // test name suffix: letters, digits, '_'
  // a tests/programs name, "bin/NAME" for <build>/bin/NAME, or an absolute
  // path of a host program (Debian's own, dynamically linked)
  std::string program;
  std::vector<std::string> args;
  std::vector<std::string> env;  // natively the whole environment; under hvrun, -e each
  std::string stdin_data;
  int expected_status = 0;         // the native shell status (128+signo for a signal)
  std::string expect_out;          // the native stdout must contain this
  bool compare_stderr = true;      // false where hvrun adds a report (crashes)
  std::vector<std::string> flags;  // extra hvrun flags
  // Each run gets a fresh empty temp dir: natively "@DATA@" in args is its
  // path; under hvrun it is mounted with -v DIR:/data and "@DATA@" is /data.
  bool data_dir = false;
  // Where set, the only backends it is instantiated for.
  std::vector<std::string> backends;
};

// Backends where the guest can make processes (Backend::ForkSupported): fork,
// exec and pipes between processes run there only so far (xen: one process).
// The same ones hand CPU faults to the app's signal handlers.
const std::vector<std::string> kProcessBackends = {"sim", "kvm"};

// The flag that mounts test program (name)'s own directory read-only at the
// same path, so that it can exec itself (/proc/self/exe) as a command inside
// an image would.
std::string MountOwnDir(const std::string& name) {
  const std::string dir = std::filesystem::path(ProgramPath(name)).parent_path().string();
  return "--volume=" + dir + ":" + dir + ":ro";
}

// A fresh empty directory, removed with everything in it when this goes.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "hv_data_XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// (args) with every "@SCRIPTS@" replaced by (dir): tests/e2e/scripts natively,
// /scripts under hvrun, where it is mounted read-only (the source tree may be
// under /tmp, which the guest's own tmpfs hides even with --rootfs=/).
std::vector<std::string> WithScriptsDir(std::vector<std::string> args, const std::string& dir) {
  for (std::string& a : args) {
    for (size_t at = a.find("@SCRIPTS@"); at != std::string::npos; at = a.find("@SCRIPTS@", at)) {
      a.replace(at, 9, dir);
      at += dir.size();
    }
  }
  return args;
}

bool UsesScripts(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a.find("@SCRIPTS@") != std::string::npos) return true;
  }
  return false;
}

// (args) with every "@DATA@" in them replaced by (dir).
std::vector<std::string> WithDataDir(std::vector<std::string> args, const std::string& dir) {
  for (std::string& a : args) {
    for (size_t at = a.find("@DATA@"); at != std::string::npos; at = a.find("@DATA@", at)) {
      a.replace(at, 6, dir);
      at += dir.size();
    }
  }
  return args;
}

// gtest prints a case by its name, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// About 1.5 MiB of deterministic mixed-case text with newlines: more than any
// pipe buffer, so stdin and stdout must both stream.
std::string BigText() {
  std::string s;
  uint32_t x = 12345;
  while (s.size() < 1536 * 1024) {
    x = x * 1103515245u + 12345u;
    char c = static_cast<char>('a' + (x >> 16) % 26);
    if ((x >> 8) % 3 == 0) c = static_cast<char>(c - 'a' + 'A');
    if ((x >> 4) % 61 == 0) c = '\n';
    if ((x >> 4) % 67 == 0) c = ' ';
    s.push_back(c);
  }
  return s;
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      {.name = "hello_c", .program = "hello_c", .expect_out = "hello from C: 42 str 3.142 0xbeef"},
      {.name = "hello_c_status_7",
       .program = "hello_c",
       .args = {"7"},
       .expected_status = 7,
       .expect_out = "puts line"},
      {.name = "hello_static_pie",
       .program = "hello_pie",
       .args = {"5"},
       .expected_status = 5,
       .expect_out = "hello from C: 42 str 3.142 0xbeef"},
      {.name = "examples_hello", .program = "bin/hello", .compare_stderr = false},
      {.name = "args_env",
       .program = "args_env",
       .args = {"one", "", "with space",
                "\xc3\xbcnic\xc3\xb6"
                "de",
                "--verbose", "-e", "X=Y", "--backend=kvm", "--memory=1K", "--"},
       .env = {"HV_TEST_A=alpha", "HV_TEST_B=b=c d", "HV_TEST_EMPTY="},
       .expect_out = "HV_TEST_B=[b=c d]"},
      {.name = "args_env_no_args", .program = "args_env", .expect_out = "HV_TEST_A is unset"},
      {.name = "cxx_features", .program = "cxx_features", .expect_out = "cxx_features: all ok"},
      {.name = "alloc", .program = "alloc", .expect_out = "alloc: all ok"},
      {.name = "clock", .program = "clock", .expect_out = "clock: all ok"},
      {.name = "random", .program = "random", .expect_out = "random: all ok"},
      {.name = "stdin_echo_empty", .program = "stdin_echo"},
      {.name = "stdin_echo_text",
       .program = "stdin_echo",
       .stdin_data = "hello, world\nsecond Line 123\nno newline at end",
       .expect_out = "HELLO, WORLD\nSECOND LINE 123\nNO NEWLINE AT END"},
      {.name = "stdin_echo_1_5_MiB", .program = "stdin_echo", .stdin_data = BigText()},
      {.name = "exit_0", .program = "exit_codes", .args = {"exit", "0"}},
      {.name = "exit_1", .program = "exit_codes", .args = {"exit", "1"}, .expected_status = 1},
      {.name = "exit_42",
       .program = "exit_codes",
       .args = {"exit", "42"},
       .expected_status = 42,
       .expect_out = "exit(42) with unflushed output"},
      {.name = "exit_255",
       .program = "exit_codes",
       .args = {"exit", "255"},
       .expected_status = 255},
      {.name = "exit_256_wraps_to_0", .program = "exit_codes", .args = {"exit", "256"}},
      {.name = "return_3", .program = "exit_codes", .args = {"return", "3"}, .expected_status = 3},
      {.name = "underscore_exit_9",
       .program = "exit_codes",
       .args = {"_exit", "9"},
       .expected_status = 9,
       .expect_out = "written with write(2)"},
      {.name = "atexit_handlers",
       .program = "exit_codes",
       .args = {"atexit", "4"},
       .expected_status = 4,
       .expect_out = "atexit: second registered, runs first\natexit: first registered, runs last"},
      {.name = "unsupported_syscall_1000",
       .program = "unsupported_syscall",
       .args = {"1000", "100000", "-1"},
       .expect_out = "1000: ENOSYS"},
      {.name = "files_basic", .program = "files_basic", .expect_out = "files_basic: all ok"},
      {.name = "dirs", .program = "dirs", .expect_out = "dirs: all ok"},
      // The same in the runtime's own per-process tmpfs (--tmp-size=0): their
      // temporary directories are in /tmp, which is otherwise a host store.
      {.name = "files_basic_tmpfs",
       .program = "files_basic",
       .expect_out = "files_basic: all ok",
       .flags = {"--tmp-size=0"}},
      {.name = "dirs_tmpfs",
       .program = "dirs",
       .expect_out = "dirs: all ok",
       .flags = {"--tmp-size=0"}},
      {.name = "fds_tmpfs",
       .program = "fds",
       .expect_out = "fds: all ok",
       .flags = {"--tmp-size=0"}},
      {.name = "devs_tmpfs",
       .program = "devs",
       .expect_out = "devs: all ok",
       .flags = {"--tmp-size=0"}},
      {.name = "protect_tmpfs",
       .program = "protect",
       .expect_out = "protect: all ok",
       .flags = {"--tmp-size=0"},
       .backends = kProcessBackends},
      {.name = "fds", .program = "fds", .expect_out = "fds: all ok"},
      {.name = "devs", .program = "devs", .expect_out = "devs: all ok"},
      {.name = "proc_self", .program = "proc_self", .expect_out = "proc_self: done"},
      {.name = "proc_self_host",
       .program = "proc_self",
       .args = {"@DATA@"},
       .expect_out = "host file: readlink is its path 1",
       .data_dir = true},
      {.name = "mounted_files",
       .program = "mounted_files",
       .args = {"@DATA@"},
       .expect_out = "mounted_files: done",
       .data_dir = true},
      {.name = "threads_basic", .program = "threads_basic", .expect_out = "threads_basic: all ok"},
      {.name = "pipe_threads", .program = "pipe_threads", .expect_out = "pipe: 1048576 bytes"},
      {.name = "condvar", .program = "condvar", .expect_out = "condvar: all ok"},
      {.name = "threads64", .program = "threads64", .expect_out = "threads64: all ok"},
      {.name = "futex_timeout", .program = "futex_timeout", .expect_out = "futex_timeout: all ok"},
      {.name = "threads_fpu", .program = "threads_fpu", .expect_out = "threads_fpu: all ok"},
      // Memory like a process: reservations and stacks cost what is touched.
      {.name = "mem_reserve_64g", .program = "mem_reserve", .expect_out = "mem_reserve: all ok"},
      {.name = "mem_1g", .program = "mem_1g", .expect_out = "mem_1g: all ok"},
      {.name = "shared_map",
       .program = "shared_map",
       .args = {"@DATA@"},
       .expect_out = "shared_map: all ok",
       .data_dir = true},
      // Debian's own dynamically linked programs, with no extra flag: hvrun
      // loads ld.so and shows the library directories read-only.
      {.name = "dyn_ls",
       .program = "/bin/ls",
       .args = {"-1", "/lib/x86_64-linux-gnu/"},
       .expect_out = "libc.so.6"},
      {.name = "dyn_cat", .program = "/bin/cat", .stdin_data = "one\ntwo\n", .expect_out = "two"},
      {.name = "dyn_sort",
       .program = "/usr/bin/sort",
       .env = {"LC_ALL=C"},
       .stdin_data = "pear\napple\nfig\n",
       .expect_out = "apple\nfig\npear\n"},
      // With the host's / as the root file system (read-only).
      {.name = "rootfs_python3",
       .program = "/usr/bin/python3",
       .args = {"-c",
                "import json, hashlib, re, sqlite3, threading\n"
                "t = threading.Thread(target=lambda: None); t.start(); t.join()\n"
                "db = sqlite3.connect(':memory:')\n"
                "n = db.execute('select 6*7').fetchone()[0]\n"
                "print(json.dumps({'sha': hashlib.sha256(b'hv').hexdigest()[:12], "
                "'re': re.sub('[aeiou]', '_', 'hypervisor'), 'n': n}, sort_keys=True))"},
       .expect_out = "\"n\": 42",
       .flags = {"--rootfs=/"}},
      {.name = "rootfs_sqlite3_wal",
       .program = "/usr/bin/sqlite3",
       .args = {"@DATA@/x.db",
                "pragma journal_mode=wal; create table t(a); insert into t values(1),(2),(3); "
                "select sum(a) from t; pragma integrity_check;"},
       .expect_out = "wal\n6\nok",
       .flags = {"--rootfs=/"},
       .data_dir = true},
      // Signal handlers: SA_SIGINFO, masks, nesting, SA_NODEFER/RESETHAND,
      // pending and unblock, sigsuspend, the alternate stack, kept state.
      {.name = "signals", .program = "signals", .expect_out = "signals: all ok"},
      // Rewritten syscall sites (--syscall-path=auto): registers, signals
      // that interrupt and restart them, fork, a null function pointer call.
      // The vDSO: an ELF with Linux's __vdso_* symbols (LINUX_2.6) that
      // agree with the syscalls.
      {.name = "vdso", .program = "vdso", .expect_out = "vdso: all ok"},
      {.name = "trapless",
       .program = "trapless",
       .expect_out = "trapless: all ok",
       .backends = kProcessBackends},
      // Signals and threads: per-thread masks, pthread_kill, EINTR from a
      // futex wait and a sleep.
      // A pipe's file system, capacity, FIONREAD and SIGPIPE.
      {.name = "pipe_info", .program = "pipe_info", .expect_out = "pipe_info: all ok"},
      // MAP_SHARED|MAP_ANONYMOUS across fork: a process-shared mutex and
      // semaphore between 4 children, a grandchild, a child that execs.
      {.name = "shared_mem",
       .program = "shared_mem",
       .expect_out = "shared_mem: all ok",
       .flags = {MountOwnDir("shared_mem")},
       .backends = kProcessBackends},
      // Named shared memory between processes: shm_open objects across fork
      // and opened by a child on its own, shm_unlink, pwrite/pread and growth,
      // a sem_open semaphore, a process-shared mutex in an shm object, SysV
      // shmget/shmat/shmctl (IPC_PRIVATE and keyed).
      // /proc/<pid> of another process, /proc/self's stat, status, cmdline.
      {.name = "proc_pid",
       .program = "proc_pid",
       .expect_out = "proc_pid: all ok",
       .backends = kProcessBackends},
      {.name = "shm", .program = "shm", .expect_out = "shm: all ok", .backends = kProcessBackends},
      // posix_spawn (CLONE_VM|CLONE_VFORK on its own stack), and system().
      {.name = "spawn",
       .program = "spawn",
       .expect_out = "spawn: all ok",
       .flags = {MountOwnDir("spawn")},
       .backends = kProcessBackends},
      {.name = "spawn_system",
       .program = "spawn",
       .args = {"system"},
       .expect_out = "system returned exit status 5",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      // prctl: names, the parent-death signal across processes.
      {.name = "prctl_basics",
       .program = "prctl_basics",
       .expect_out = "prctl_basics: all ok",
       .backends = kProcessBackends},
      // Timers: alarm, setitimer, POSIX timers; SIGALRM's default action.
      {.name = "timers", .program = "timers", .expect_out = "timers: all ok"},
      {.name = "timers_die",
       .program = "timers",
       .args = {"die"},
       .expected_status = 142,
       .expect_out = "waiting for the alarm",
       .compare_stderr = false},
      // sigtimedwait: pending, timeout, from a thread and from a process.
      {.name = "sigwait",
       .program = "sigwait",
       .expect_out = "sigwait: all ok",
       .backends = kProcessBackends},
      {.name = "thread_signals",
       .program = "thread_signals",
       .expect_out = "thread_signals: all ok"},
      // Processes: fork, wait, pipes, groups, exec (argv[0]'s directory is
      // mounted at the same path, as a command inside an image would be).
      {.name = "procs",
       .program = "procs",
       .expect_out = "procs: all ok",
       .flags = {MountOwnDir("procs")},
       .backends = kProcessBackends},
      // Debian's shells, with the host's / as the root file system (so the
      // script's host path is its guest path too) running Debian's commands.
      {.name = "bash_procs",
       .program = "/bin/bash-static",
       .args = {"@SCRIPTS@/procs.sh"},
       .expect_out = "trap: EXIT ran",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "bash_jobs",
       .program = "/bin/bash-static",
       .args = {"@SCRIPTS@/jobs.sh"},
       .expect_out = "all waited",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "bash_traps",
       .program = "/bin/bash-static",
       .args = {"@SCRIPTS@/traps.sh"},
       .expected_status = 3,
       .expect_out = "trap: EXIT",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "busybox_sh_traps",
       .program = "/bin/busybox",
       .args = {"sh", "@SCRIPTS@/traps.sh"},
       .expected_status = 3,
       .expect_out = "trap: EXIT",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "busybox_sh_jobs",
       .program = "/bin/busybox",
       .args = {"sh", "@SCRIPTS@/jobs.sh"},
       .expect_out = "all waited",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "busybox_sh_procs",
       .program = "/bin/busybox",
       .args = {"sh", "@SCRIPTS@/procs.sh"},
       .expect_out = "trap: EXIT ran",
       .flags = {"--rootfs=/"},
       .backends = kProcessBackends},
      {.name = "abort",
       .program = "abort_prog",
       .expected_status = 134,
       .expect_out = "abort_prog: before abort",
       .compare_stderr = false},
      // CPU faults go to the app's handlers; a blocked SIGSEGV still kills.
      // (xen: faults end the run, its exception stubs report them.)
      {.name = "fault_handlers",
       .program = "fault_handlers",
       .expect_out = "fault_handlers: all ok",
       .backends = kProcessBackends},
      // Page protection: read-only and PROT_NONE pages, EFAULT for such
      // buffers, mremap, SIGBUS past a file's end (xen: bookkeeping only).
      {.name = "protect",
       .program = "protect",
       .expect_out = "protect: all ok",
       .backends = kProcessBackends},
      // Random mprotects over 8 MiB (kvm: 2 MiB pages split) against a model.
      {.name = "protect_random",
       .program = "protect_random",
       .expect_out = "protect_random: all ok",
       .backends = kProcessBackends},
      // ru_maxrss of reaped children; SIGCHLD ignored: children reap themselves.
      {.name = "rusage",
       .program = "rusage",
       .expect_out = "rusage: all ok",
       .backends = kProcessBackends},
      // Job control: SIGSTOP/SIGTSTP/SIGCONT, WUNTRACED/WCONTINUED, waitid.
      {.name = "job_control",
       .program = "job_control",
       .expect_out = "job_control: all ok",
       .backends = kProcessBackends},
      // Named FIFOs on a host mount: blocking opens that wait for the peer
      // (threads, then processes), ENXIO, EOF, ESPIPE, mknod.
      {.name = "fifo",
       .program = "fifo",
       .args = {"@DATA@"},
       .expect_out = "fifo: all ok",
       .data_dir = true,
       .backends = kProcessBackends},
      // eventfd (a host eventfd, shared across fork).
      {.name = "eventfd",
       .program = "eventfd",
       .expect_out = "eventfd: all ok",
       .backends = kProcessBackends},
      // Offsets of host files shared across fork (read, write, lseek, O_APPEND).
      {.name = "shared_offset",
       .program = "shared_offset",
       .args = {"@DATA@"},
       .expect_out = "shared_offset: all ok",
       .data_dir = true,
       .backends = kProcessBackends},
      // fcntl and flock locks between processes on a host mount.
      {.name = "locks",
       .program = "locks",
       .args = {"@DATA@"},
       .expect_out = "locks: all ok",
       .data_dir = true,
       .backends = kProcessBackends},
      // AF_UNIX socket pairs (host sockets): stream between processes,
      // datagrams, shutdown, MSG_NOSIGNAL.
      {.name = "socketpair",
       .program = "socketpair",
       .expect_out = "socketpair: all ok",
       .backends = kProcessBackends},
      // SCM_RIGHTS: a pipe, a file and a socket passed between processes.
      // timerfd: host timerfds, read blocking and not, in poll and epoll.
      {.name = "timerfd",
       .program = "timerfd",
       .expect_out = "timerfd: all ok",
       .backends = kProcessBackends},
      // O_ASYNC: SIGIO and F_SETSIG's signal on input, the host's O_ASYNC.
      {.name = "sigio",
       .program = "sigio",
       .expect_out = "sigio: all ok",
       .backends = kProcessBackends},
      {.name = "scm_rights",
       .program = "scm_rights",
       .expect_out = "scm_rights: all ok",
       .backends = kProcessBackends},
      // AF_UNIX credentials: SO_PEERCRED (pairs, listeners, clients,
      // accepted connections), SCM_CREDENTIALS with SO_PASSCRED, stated
      // and cut short, next to SCM_RIGHTS; TIOCOUTQ, FIONBIO, SIOCGIFINDEX.
      {.name = "unix_creds",
       .program = "unix_creds",
       .expect_out = "unix_creds: all ok",
       .backends = kProcessBackends},
      // TCP over loopback (IPv4 and ::1) between a process and its child:
      // accept4, names, echo, MSG_WAITALL, options, non-blocking, SIGPIPE.
      {.name = "sockets_tcp",
       .program = "sockets_tcp",
       .expect_out = "sockets_tcp: all ok",
       .backends = kProcessBackends},
      // UDP over loopback: addresses, boundaries, MSG_PEEK, MSG_TRUNC,
      // connected sockets, SO_RCVTIMEO, a datagram from a child, control
      // messages from the host, a BPF socket filter.
      {.name = "sockets_udp",
       .program = "sockets_udp",
       .expect_out = "sockets_udp: all ok",
       .backends = kProcessBackends},
      // AF_UNIX with names: paths under /tmp (stream, datagram, seqpacket)
      // and an abstract name; bind and connect errors.
      {.name = "sockets_unix",
       .program = "sockets_unix",
       .expect_out = "sockets_unix: all ok",
       .backends = kProcessBackends},
      // The same with /tmp in the guest's own tmpfs: its AF_UNIX names are
      // hvrun's abstract names there (HV_SOCK_GUEST_PATH).
      {.name = "sockets_unix_tmpfs",
       .program = "sockets_unix",
       .expect_out = "sockets_unix: all ok",
       .flags = {"--tmp-size=0"},
       .backends = kProcessBackends},
      // poll, ppoll, select and pselect that wait: timeouts, a child's
      // write or connect, POLLHUP/POLLNVAL, pselect's mask, EINTR.
      {.name = "poll_wait",
       .program = "poll_wait",
       .expect_out = "poll_wait: all ok",
       .backends = kProcessBackends},
      // epoll: level, edge and one-shot reporting, timeouts, signals, nesting.
      {.name = "epoll",
       .program = "epoll",
       .expect_out = "epoll: all ok",
       .backends = kProcessBackends},
      // set*id and groups: a child drops root.
      {.name = "creds",
       .program = "creds",
       .expect_out = "creds: all ok",
       .backends = kProcessBackends},
      // Scheduling policy and nice: kept per process, Linux's checks.
      {.name = "sched_calls", .program = "sched_calls", .expect_out = "sched_calls: all ok"},
      {.name = "fault_handlers_blocked",
       .program = "fault_handlers",
       .args = {"blocked"},
       .expected_status = 139,
       .expect_out = "blocked: faulting",
       .compare_stderr = false,
       .backends = kProcessBackends},
      {.name = "crash_null",
       .program = "crash_null",
       .expected_status = 139,
       .compare_stderr = false},
      // The main stack's guard gap (sim and kvm enforce it; xen keeps
      // protection as bookkeeping, so an overflow there runs on).
      {.name = "stack_overflow",
       .program = "stack_overflow",
       .expected_status = 139,
       .compare_stderr = false,
       .backends = kProcessBackends},
      {.name = "crash_ud2",
       .program = "crash_ud2",
       .expected_status = 132,
       .compare_stderr = false},
      {.name = "crash_div0",
       .program = "crash_div0",
       .expected_status = 136,
       .compare_stderr = false},
  };
  return kCases;
}

std::string PathOf(const Case& c) {
  if (c.program.rfind("/", 0) == 0) return c.program;
  if (c.program.rfind("bin/", 0) == 0) return BinPath(c.program.substr(4));
  return ProgramPath(c.program);
}

// The native baseline alone, no hvrun: the programs behave as the cases say.
class Native : public ::testing::TestWithParam<Case> {};

TEST_P(Native, RunsAsExpected) {
  const Case& c = GetParam();
  const std::string path = PathOf(c);
  ASSERT_TRUE(FileExists(path)) << path << " is not built";
  TempDir data;
  RunResult native =
      RunNative(path, WithScriptsDir(WithDataDir(c.args, data.path()), HV_E2E_SCRIPTS_DIR), c.env,
                c.stdin_data);
  ASSERT_TRUE(native.started && !native.timed_out) << native.Describe();
  EXPECT_EQ(native.ShellStatus(), c.expected_status) << native.Describe();
  EXPECT_NE(native.out.find(c.expect_out), std::string::npos)
      << "native stdout lacks \"" << c.expect_out << "\"\n"
      << native.Describe();
}

INSTANTIATE_TEST_SUITE_P(Programs, Native, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

// The same program under hvrun agrees with the native run.
class Differential : public ::testing::TestWithParam<std::tuple<std::string, Case>> {};

TEST_P(Differential, MatchesNative) {
  const auto& [backend, c] = GetParam();
  if (std::string why = MissingPrerequisite(backend); !why.empty()) GTEST_SKIP() << why;

  const std::string path = PathOf(c);
  ASSERT_TRUE(FileExists(path)) << path << " is not built";
  ASSERT_EQ(MissingHvrunBuild(), "");

  TempDir native_data;
  RunResult native =
      RunNative(path, WithScriptsDir(WithDataDir(c.args, native_data.path()), HV_E2E_SCRIPTS_DIR),
                c.env, c.stdin_data);
  ASSERT_TRUE(native.started && !native.timed_out) << native.Describe();
  ASSERT_EQ(native.ShellStatus(), c.expected_status) << "the native baseline itself is wrong\n"
                                                     << native.Describe();

  TempDir guest_data;
  std::vector<std::string> flags = c.flags;
  if (c.data_dir) flags.push_back("--volume=" + guest_data.path() + ":/data");
  if (UsesScripts(c.args))
    flags.push_back(std::string("--volume=") + HV_E2E_SCRIPTS_DIR + ":/scripts:ro");
  RunResult guest =
      RunHvrun(backend, flags, path, WithScriptsDir(WithDataDir(c.args, "/data"), "/scripts"),
               c.env, c.stdin_data);
  ASSERT_TRUE(guest.started) << guest.Describe();
  ASSERT_FALSE(guest.timed_out) << guest.Describe();
  EXPECT_FALSE(guest.left_processes_behind) << guest.Describe();
  ASSERT_FALSE(guest.signaled) << "hvrun itself died of a signal\n" << guest.Describe();
  EXPECT_FALSE(HasSanitizerReport(guest.err)) << guest.Describe();
  EXPECT_EQ(guest.exit_code, native.ShellStatus())
      << "exit status differs from the native run\nnative: " << native.Describe()
      << "\nhvrun:  " << guest.Describe();
  EXPECT_EQ(FirstDifference(native.out, guest.out), "")
      << "stdout differs from the native run\nhvrun: " << guest.Describe();
  if (c.compare_stderr) {
    EXPECT_EQ(FirstDifference(native.err, guest.err), "")
        << "stderr differs from the native run\nhvrun: " << guest.Describe();
  }
}

// Every backend with every case, except cases for some backends only; and
// on the backends that rewrite syscall sites by default (sim, kvm), every
// case again with --syscall-path=trap (named trap_CASE), so that both paths
// must match the native run.
std::vector<std::tuple<std::string, Case>> BackendCases() {
  std::vector<std::tuple<std::string, Case>> out;
  for (const std::string& backend : BackendsUnderTest()) {
    for (const Case& c : Cases()) {
      if (c.backends.empty() ||
          std::find(c.backends.begin(), c.backends.end(), backend) != c.backends.end()) {
        out.emplace_back(backend, c);
        if (backend == "sim" || backend == "kvm") {
          Case trap = c;
          trap.name = "trap_" + c.name;
          trap.flags.push_back("--syscall-path=trap");
          out.emplace_back(backend, trap);
        }
      }
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Programs, Differential, ::testing::ValuesIn(BackendCases()),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
}  // namespace hvtest
