/*
 * File: hv/abi.h
 *
 * The hvrun guest <-> host ABI: hypercall numbers, the per-call argument
 * structs, the boot-info block hvrun hands the runtime, and the syscall frame
 * every backend's syscall entry builds for the runtime.
 *
 * This header is self-contained, with no dependencies other than <stdint.h>,
 * and is dual-use: it is compiled verbatim into the freestanding guest runtime
 * and into the host (hvrun). Every struct has fixed-width fields only,
 * explicit padding, and static assertions on its size and every offset, so a
 * layout change cannot go unnoticed.
 *
 * HV_ABI_VERSION must be incremented if any material change is made to this
 * file. hvrun refuses a runtime image whose version differs.
 *
 * Guest pointers are HV_GUEST_PTR(T): a plain 64-bit guest virtual address
 * that the host can never dereference directly; it must go through the host's
 * checked translation (vmm/base/guest_memory.h).
 *
 * Example (guest side):
 *   struct hv_console_io w = {.fd = 1, .data = (uint64_t)buf, .len = n};
 *   int64_t r = hypercall(HV_CALL_CONSOLE_WRITE, (uint64_t)&w);
 */
#ifndef HV_ABI_H_
#define HV_ABI_H_

/* Hand-aligned tables and comments: clang-format would reflow them. */
/* clang-format off */

#include <stdint.h>

#ifdef __cplusplus
#define HV_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define HV_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#define HV_CHECK_SIZE(T, n) HV_STATIC_ASSERT(sizeof(T) == (n), #T " size")
#define HV_CHECK_OFFSET(T, f, n) \
  HV_STATIC_ASSERT(__builtin_offsetof(T, f) == (n), #T "." #f " offset")

/* A guest virtual address of a T. Never a host pointer. */
#define HV_GUEST_PTR(T) uint64_t

#define HV_ABI_VERSION 20

/* ELF note that marks a runtime image: name "hvrun", type HV_NOTE_TYPE_ABI,
 * descriptor struct hv_runtime_note. hvrun reads it before loading. */
#define HV_NOTE_NAME "hvrun"
#define HV_NOTE_TYPE_ABI 0x4856u
struct hv_runtime_note {
  uint32_t abi_version; /* HV_ABI_VERSION the runtime was built with */
  uint32_t flags;       /* reserved, 0 */
};
HV_CHECK_SIZE(struct hv_runtime_note, 8);

/* Which backend delivers hypercalls. */
enum hv_backend_kind {
  HV_BACKEND_NONE = 0, /* not under hvrun (SDK only) */
  HV_BACKEND_SIM = 1,
  HV_BACKEND_KVM = 2,
  HV_BACKEND_XEN = 3,
};

/*
 * Hypercall numbers. A hypercall is a call of the hypercall page entry:
 *   int64_t entry(uint64_t nr, HV_GUEST_PTR(void) arg)
 * with the SysV calling convention. The result is >= 0 on success or a
 * negative Linux errno value. Every struct below is the (arg) of its call.
 */
enum hv_call {
  HV_CALL_RESERVED = 0,
  HV_CALL_NOP = 1,           /* arg ignored; returns 0. Measures a round trip. */
  HV_CALL_EXIT = 2,          /* struct hv_exit; never returns */
  HV_CALL_CONSOLE_WRITE = 3, /* struct hv_console_io; returns bytes written */
  HV_CALL_CONSOLE_READ = 4,  /* struct hv_console_io; returns bytes read */
  HV_CALL_CONSOLE_INFO = 5,  /* struct hv_console_info */
  HV_CALL_RANDOM = 6,        /* struct hv_buffer: fill with random bytes */
  HV_CALL_MEM_DISCARD = 7,   /* struct hv_buffer: zero the pages, free host memory */
  HV_CALL_REGISTER = 8,      /* struct hv_register: runtime entry points */
  HV_CALL_UNSUPPORTED = 9,   /* struct hv_unsupported: a syscall got ENOSYS */
  HV_CALL_PANIC = 10,        /* struct hv_buffer: message; never returns */
  HV_CALL_CLOCK = 11,        /* struct hv_clock: host clock, the slow path */
  /* Host files, beneath the mounts hvrun was given (-v HOST:GUEST[:ro]). */
  HV_CALL_FILE_OPEN = 12,    /* struct hv_file_open; returns a handle */
  HV_CALL_FILE_CLOSE = 13,   /* struct hv_file_io (handle) */
  HV_CALL_FILE_READ = 14,    /* struct hv_file_io: pread; returns bytes */
  HV_CALL_FILE_WRITE = 15,   /* struct hv_file_io: pwrite; returns bytes */
  HV_CALL_FILE_STAT = 16,    /* struct hv_file_stat */
  HV_CALL_FILE_GETDENTS = 17,/* struct hv_file_io: getdents64 into data; returns bytes */
  HV_CALL_FILE_PATHOP = 18,  /* struct hv_file_pathop: mkdir, unlink, rename, ... */
  HV_CALL_FILE_FDOP = 19,    /* struct hv_file_fdop: ftruncate, fsync, fchmod, ... */
  HV_CALL_WAIT = 20,         /* struct hv_wait: nothing to run; sleep in hvrun */
  HV_CALL_SUBMIT = 21,       /* struct hv_async: a call that must not hold the guest up */
  HV_CALL_MEM_BACK = 22,     /* struct hv_buffer: the guest will use these pages: back them */
  /* Processes (hvrun's process table): every process is its own guest. */
  HV_CALL_FORK = 23,         /* u64 HV_FORK_* flags; returns the child's pid (the child resumes) */
  HV_CALL_PROC = 24,         /* struct hv_proc: wait, kill, process groups, ... */
  HV_CALL_EXEC = 25,         /* struct hv_exec: read a program, then load it in place */
  HV_CALL_PIPE = 26,         /* struct hv_pipe: a host pipe, as two file handles */
  HV_CALL_MEM_SHARE = 27,    /* struct hv_mem_share: MAP_SHARED|MAP_ANONYMOUS across fork */
  HV_CALL_FUTEX = 28,        /* struct hv_futex: a futex in memory other processes share */
  HV_CALL_EVENTFD = 29,      /* struct hv_eventfd: a host eventfd, as a file handle */
  HV_CALL_SYSV_SHM = 30,     /* struct hv_sysv_shm: System V shared memory segments */
  HV_CALL_PROC_INFO = 31,    /* struct hv_proc_info: what /proc/<pid> shows */
  HV_CALL_SOCKET = 32,       /* struct hv_socket: a host socket under the network policy */
  HV_CALL_POLL = 33,         /* struct hv_poll: readiness of handles, waiting up to a timeout */
  HV_CALL_EPOLL = 34,        /* struct hv_epoll: a host epoll instance over handles */
  HV_CALL_TIMERFD = 35,      /* struct hv_timerfd: a host timerfd, as a stream handle */
  HV_CALL_MAX
};

/* HV_CALL_FORK's flags: the child's parent is the caller's parent
 * (CLONE_PARENT). */
#define HV_FORK_PARENT 1ull

/* HV_CALL_MEM_SHARE: [addr, addr+len) (page-aligned guest memory) is a
 * MAP_SHARED|MAP_ANONYMOUS mapping (HV_SHARE_ADD): a child forked later
 * maps the same pages there, not a copy. HV_SHARE_REMOVE: unmapped; where
 * the range came from a parent, this process's own (zero) pages come back.
 * -ENOSYS where the guest makes no processes (xen). */
/* HV_SHARE_MAP_FILE (ABI v17): [addr, addr+len) becomes the pages of open
 * host file (handle) from (offset) (page-aligned), shared with every process
 * that maps them: only a file of the shared-memory store (a mount with
 * HV_MOUNT_SHM), and only its pages below the file's size rounded up to a
 * page (-EINVAL past it; while mapped, hvrun refuses to shrink the file
 * below the mapping: -EBUSY). On sim the runtime then calls
 * hv_boot_info.map_file_entry, which takes the file hvrun passed the child
 * and maps it there too. HV_SHARE_REMOVE ends it as for an inherited range. */
enum hv_share_op { HV_SHARE_ADD = 1, HV_SHARE_REMOVE = 2, HV_SHARE_MAP_FILE = 3 };
struct hv_mem_share {
  uint32_t op;              /* IN: enum hv_share_op */
  uint32_t handle;          /* IN: HV_SHARE_MAP_FILE's file */
  uint64_t addr;            /* IN */
  uint64_t len;             /* IN */
  uint64_t offset;          /* IN: HV_SHARE_MAP_FILE's file offset */
};
HV_CHECK_SIZE(struct hv_mem_share, 32);

/* HV_CALL_SYSV_SHM (ABI v17): System V shared memory, one key and id space
 * for the whole container, its segments files of the shared-memory store
 * (within --shm-size; -ENOSYS without a store, and where the guest makes no
 * processes: xen). HV_SYSV_GET: shmget(key, size, flags) with Linux's rules
 * (IPC_PRIVATE always makes one; IPC_CREAT, IPC_EXCL; -EINVAL for a size
 * out of range or above an existing segment's), returns the id; (mode),
 * (uid), (gid) and (pid) describe the caller and its new segment.
 * HV_SYSV_ATTACH: maps segment (id) at (addr) (page-aligned; its size
 * rounded up to pages) as HV_SHARE_MAP_FILE maps a store file (on sim the
 * runtime then calls map_file_entry with offset 0); HV_SHARE_REMOVE ends
 * it. HV_SYSV_STAT fills the OUT fields; HV_SYSV_SET sets (uid), (gid) and
 * the permission bits of (mode); HV_SYSV_REMOVE marks it for removal
 * (IPC_RMID: its key is free at once, the segment goes with its last
 * attach). */
enum hv_sysv_shm_op {
  HV_SYSV_GET = 1,
  HV_SYSV_ATTACH = 2,
  HV_SYSV_STAT = 3,
  HV_SYSV_SET = 4,
  HV_SYSV_REMOVE = 5
};
#define HV_SYSV_MODE_DEST 01000u /* STAT's mode: marked for removal (SHM_DEST) */
struct hv_sysv_shm {
  uint32_t op;              /* IN: enum hv_sysv_shm_op */
  uint32_t flags;           /* IN, GET: IPC_CREAT | IPC_EXCL (Linux's values) */
  int32_t key;              /* IN, GET; OUT, STAT */
  int32_t id;               /* IN; OUT of GET (also its return value) */
  uint64_t size;            /* IN, GET; OUT, STAT */
  uint64_t addr;            /* IN, ATTACH */
  uint32_t mode;            /* IN, GET and SET; OUT, STAT */
  uint32_t uid;             /* IN, GET and SET; OUT, STAT: the owner */
  uint32_t gid;
  uint32_t cuid;            /* OUT, STAT: the creator */
  uint32_t cgid;
  int32_t pid;              /* IN: the caller's pid */
  int32_t cpid;             /* OUT, STAT: creator, last attach */
  int32_t lpid;
  uint32_t nattch;          /* OUT, STAT: attaches, in every process */
  uint32_t pad0;
  int64_t atime;            /* OUT, STAT: seconds (realtime) */
  int64_t dtime;
  int64_t ctime;
};
HV_CHECK_SIZE(struct hv_sysv_shm, 96);

/* HV_CALL_PROC_INFO (ABI v17): what /proc/<pid> shows of any process of the
 * container. HV_PROCINFO_SET: the caller tells what it runs, whichever of
 * (fields) says: its name (comm, NUL-padded), its command line (cmdline,
 * cmdline_len bytes: the arguments, each NUL-terminated; at most
 * HV_PROCINFO_CMDLINE_MAX kept) and its program's path (exe, exe_len, at
 * most HV_PATH_MAX). A forked child starts with its parent's. HV_PROCINFO_GET:
 * process (pid)'s, into the caller's buffers (cmdline and exe with their
 * caps in cmdline_len and exe_len IN; lengths OUT, cut to the caps), with
 * its ppid, pgid, sid, real uid, state ('R' the caller, 'S' alive, 'Z' ended
 * and not yet reaped) and start time; -ESRCH if none. HV_PROCINFO_LIST: the
 * pids of every process, ascending, into (cmdline) as int32s (at most
 * cmdline_len of them); returns how many there are. -ENOSYS where hvrun
 * keeps no processes (xen). */
enum hv_proc_info_op { HV_PROCINFO_SET = 1, HV_PROCINFO_GET = 2, HV_PROCINFO_LIST = 3 };
#define HV_PROCINFO_COMM 1u
#define HV_PROCINFO_CMDLINE 2u
#define HV_PROCINFO_EXE 4u
#define HV_PROCINFO_CMDLINE_MAX 65536u
struct hv_proc_info {
  uint32_t op;              /* IN: enum hv_proc_info_op */
  uint32_t fields;          /* IN, SET: HV_PROCINFO_* */
  int32_t pid;              /* IN, GET */
  int32_t ppid;             /* OUT, GET */
  int32_t pgid;
  int32_t sid;
  uint32_t uid;
  uint32_t state;
  char comm[16];            /* IN, SET; OUT, GET */
  HV_GUEST_PTR(char) cmdline;
  uint64_t cmdline_len;
  HV_GUEST_PTR(char) exe;
  uint64_t exe_len;
  uint64_t start_ns;        /* OUT, GET: since the container started */
};
HV_CHECK_SIZE(struct hv_proc_info, 88);

/* HV_CALL_FUTEX: a futex word in memory that other processes map too
 * (MAP_SHARED|MAP_ANONYMOUS across fork), which their schedulers cannot
 * reach: hvrun waits and wakes on the host's futex of the same page.
 * HV_FUTEX_WAIT (only through HV_CALL_SUBMIT, else -EINVAL): if the u32 at
 * (addr) is (val), wait until an HV_FUTEX_WAKE of it whose (bitset) meets
 * ours, or (timeout_ns) (at most HV_FUTEX_SLICE_NS; the guest waits again
 * for longer): 0 woken, -EAGAIN not (val), -ETIMEDOUT, -EBUSY (hvrun has
 * too many waits already: the guest waits by itself). HV_FUTEX_WAKE: wakes
 * up to (val) waiters of any process; returns how many. (addr) 4-aligned. */
enum hv_futex_op { HV_FUTEX_WAIT = 1, HV_FUTEX_WAKE = 2 };
#define HV_FUTEX_SLICE_NS 20000000ll
struct hv_futex {
  uint32_t op;              /* IN: enum hv_futex_op */
  uint32_t val;             /* IN */
  HV_GUEST_PTR(uint32_t) addr; /* IN */
  int64_t timeout_ns;       /* IN: WAIT, > 0 */
  uint32_t bitset;          /* IN: nonzero */
  uint32_t pad0;
};
HV_CHECK_SIZE(struct hv_futex, 32);
HV_CHECK_OFFSET(struct hv_futex, timeout_ns, 16);
HV_CHECK_OFFSET(struct hv_futex, bitset, 24);

/* HV_CALL_EXIT: the guest is done. */
struct hv_exit {
  int32_t status;           /* IN: exit status, 0..255 */
  uint32_t flags;           /* IN: HV_EXIT_* */
  uint64_t unsupported;     /* IN: how many syscalls returned ENOSYS */
  uint64_t out_of_memory;   /* IN: how many memory requests failed */
  /* IN: the most memory the process had in use (KiB), or its reaped
   * children had, whichever is more: their wait4/getrusage ru_maxrss. */
  uint64_t maxrss_kb;
  uint64_t syscalls;        /* IN: syscalls the runtime served */
  uint64_t trapless_sites;  /* IN: syscall sites rewritten not to trap */
};
#define HV_EXIT_SIGNALED 1u /* status is a signal number (the app was killed) */
#define HV_EXIT_CORE 2u     /* with SIGNALED: a native run would have dumped core */
HV_CHECK_SIZE(struct hv_exit, 48);
HV_CHECK_OFFSET(struct hv_exit, status, 0);
HV_CHECK_OFFSET(struct hv_exit, flags, 4);
HV_CHECK_OFFSET(struct hv_exit, unsupported, 8);
HV_CHECK_OFFSET(struct hv_exit, out_of_memory, 16);
HV_CHECK_OFFSET(struct hv_exit, maxrss_kb, 24);

/* HV_CALL_CONSOLE_WRITE / HV_CALL_CONSOLE_READ on the guest's fd 0, 1 or 2. */
struct hv_console_io {
  uint32_t fd;              /* IN: 0 (read), 1 or 2 (write) */
  uint32_t pad0;
  HV_GUEST_PTR(void) data;  /* IN */
  uint64_t len;             /* IN */
};
HV_CHECK_SIZE(struct hv_console_io, 24);
HV_CHECK_OFFSET(struct hv_console_io, fd, 0);
HV_CHECK_OFFSET(struct hv_console_io, data, 8);
HV_CHECK_OFFSET(struct hv_console_io, len, 16);

/* HV_CALL_CONSOLE_INFO: what the host's stdio stream behind (fd) is, so that
 * the guest's isatty() and fstat() agree with a native run. */
struct hv_console_info {
  uint32_t fd;      /* IN */
  uint32_t is_tty;  /* OUT: 1 if a terminal */
  uint32_t mode;    /* OUT: st_mode of the host stream */
  uint32_t pad0;
  uint64_t rdev;    /* OUT: st_rdev */
  uint64_t ino;     /* OUT: st_ino */
};
HV_CHECK_SIZE(struct hv_console_info, 32);
HV_CHECK_OFFSET(struct hv_console_info, fd, 0);
HV_CHECK_OFFSET(struct hv_console_info, is_tty, 4);
HV_CHECK_OFFSET(struct hv_console_info, mode, 8);
HV_CHECK_OFFSET(struct hv_console_info, rdev, 16);
HV_CHECK_OFFSET(struct hv_console_info, ino, 24);

/* A guest byte range: HV_CALL_RANDOM, HV_CALL_MEM_DISCARD, HV_CALL_PANIC,
 * HV_CALL_MEM_BACK. MEM_BACK is delivery, like REGISTER: the backend makes
 * the range usable before the runtime hands it out (kvm: a memory slot per
 * GiB of the address space on first use; sim and xen: already usable, 0).
 * -ENOMEM if the host cannot; the range must lie inside guest memory. */
struct hv_buffer {
  HV_GUEST_PTR(void) data;  /* IN */
  uint64_t len;             /* IN */
};
HV_CHECK_SIZE(struct hv_buffer, 16);
HV_CHECK_OFFSET(struct hv_buffer, data, 0);
HV_CHECK_OFFSET(struct hv_buffer, len, 8);

/* HV_CALL_REGISTER: the runtime tells the backend where its syscall entry is,
 * once, before it starts the app; and where a CPU fault of the app's goes
 * (0: every fault ends the run with a crash report, as before). */
struct hv_register {
  HV_GUEST_PTR(void) syscall_entry; /* IN: int64_t f(struct hv_syscall_frame*) */
  /* IN: int64_t f(struct hv_syscall_frame*, const struct hv_fault*): 0 when
   * it took the fault (the frame is where to go on, every register of it);
   * else the fault stands and ends the run with a crash report. */
  HV_GUEST_PTR(void) fault_entry;
  /* IN: the top of the stack fault_entry runs on where the backend has no
   * stack of its own for it (kvm, xen; sim runs it on the host signal stack). */
  HV_GUEST_PTR(void) fault_stack;
};
HV_CHECK_SIZE(struct hv_register, 24);
HV_CHECK_OFFSET(struct hv_register, fault_entry, 8);

/* A CPU fault in app code, as fault_entry (above) sees it: the x86 vector
 * and error code, the faulting address (cr2, si_addr), and, where a host
 * kernel already classified it (sim), its signal and si_code (else 0). */
struct hv_fault {
  uint32_t vector;   /* x86 exception vector (trapno) */
  int32_t signo;     /* sim: the host's signal; else 0 */
  int32_t code;      /* sim: the host's si_code; else 0 */
  uint32_t pad0;
  uint64_t error;    /* the CPU's error code (0 where it pushes none) */
  uint64_t address;  /* #PF: cr2; sim: si_addr */
};
HV_CHECK_SIZE(struct hv_fault, 32);
HV_CHECK_OFFSET(struct hv_fault, error, 16);
HV_CHECK_OFFSET(struct hv_fault, address, 24);

/* HV_CALL_UNSUPPORTED: with HV_BOOT_VERBOSE, each ENOSYS is reported. */
struct hv_unsupported {
  uint64_t nr;       /* IN: Linux x86-64 syscall number */
  uint64_t args[6];  /* IN */
  uint64_t count;    /* IN: how many times so far */
  HV_GUEST_PTR(char) note; /* IN: why, for a call the runtime refuses on purpose; or 0 */
  uint64_t note_len; /* IN */
};
HV_CHECK_SIZE(struct hv_unsupported, 80);
HV_CHECK_OFFSET(struct hv_unsupported, args, 8);
HV_CHECK_OFFSET(struct hv_unsupported, count, 56);
HV_CHECK_OFFSET(struct hv_unsupported, note, 64);

/* HV_CALL_CLOCK: the host's clock_gettime, for when the TSC is unusable. */
struct hv_clock {
  uint32_t clock_id;  /* IN: Linux clockid */
  uint32_t pad0;
  int64_t ns;         /* OUT */
};
HV_CHECK_SIZE(struct hv_clock, 16);
HV_CHECK_OFFSET(struct hv_clock, ns, 8);

/* HV_CALL_WAIT: the guest has nothing runnable until (deadline_ns), in
 * CLOCK_MONOTONIC (the runtime's monotonic clock), or until the u32 at
 * (word) no longer holds (seen) (word 0: no such condition). hvrun sleeps
 * instead of the guest spinning; returns 0 at the deadline or once the word
 * changed (INT64_MAX and no word: until hvrun ends the run). The word is
 * what HV_CALL_SUBMIT completions count up (struct hv_async.counter), so a
 * guest reads it, checks its requests, then waits with the value it read:
 * a completion in between ends the wait at once, never lost. */
struct hv_wait {
  int64_t deadline_ns;         /* IN */
  HV_GUEST_PTR(uint32_t) word; /* IN: 4-aligned, or 0 */
  uint32_t seen;               /* IN */
  uint32_t pad0;
};
HV_CHECK_SIZE(struct hv_wait, 24);
HV_CHECK_OFFSET(struct hv_wait, word, 8);
HV_CHECK_OFFSET(struct hv_wait, seen, 16);

/* HV_CALL_SUBMIT: starts hypercall (nr) on (arg) so that it cannot hold the
 * guest up while it blocks in hvrun (a console read with no input yet, a
 * write to a full pipe, a file read from a cold disk). Returns
 * HV_SUBMIT_DONE if the call completed at once ((result) and (done) are
 * set), HV_SUBMIT_QUEUED if it is in flight, or -errno if it was not
 * started. When a queued call completes, hvrun writes (result), then sets
 * (done) to 1, then adds 1 to the u32 at (counter) and ends an HV_CALL_WAIT
 * on that word. This struct and what (arg) points at must stay put until
 * (done). Calls that do not return a value (EXIT, PANIC, WAIT, REGISTER,
 * SUBMIT) are refused with -EINVAL. */
#define HV_SUBMIT_DONE 0
#define HV_SUBMIT_QUEUED 1
struct hv_async {
  uint64_t nr;                    /* IN: the hypercall */
  HV_GUEST_PTR(void) arg;         /* IN: its argument */
  HV_GUEST_PTR(uint32_t) counter; /* IN: 4-aligned completion counter */
  int64_t result;                 /* OUT: the call's result, once (done) */
  uint32_t done;                  /* OUT: 1 once (result) is final */
  uint32_t pad0;
};
HV_CHECK_SIZE(struct hv_async, 40);
HV_CHECK_OFFSET(struct hv_async, arg, 8);
HV_CHECK_OFFSET(struct hv_async, counter, 16);
HV_CHECK_OFFSET(struct hv_async, result, 24);
HV_CHECK_OFFSET(struct hv_async, done, 32);

/* A path inside one mount: (mount) indexes hv_boot_info.mounts; (path) is
 * relative to the mount's root, never absolute, at most HV_PATH_MAX bytes
 * (no NUL needed). The host resolves it beneath the mount and never follows
 * a symlink or ".." out of it. */
#define HV_PATH_MAX 4096
/* hv_mount_path.mount naming hvrun's store of the FIFOs made in the guest's
 * own tmpfs (mkfifo /tmp/p), shared by every process of the guest:
 * HV_PATHOP_MKNOD (S_IFIFO) there makes one and returns its number N, and
 * HV_CALL_FILE_OPEN of path "N" opens it; nothing else is served there. */
#define HV_MOUNT_FIFO_STORE 0xffffffffu
struct hv_mount_path {
  uint32_t mount;
  uint32_t len;
  HV_GUEST_PTR(char) path;
};
HV_CHECK_SIZE(struct hv_mount_path, 16);
HV_CHECK_OFFSET(struct hv_mount_path, path, 8);

/* HV_CALL_FILE_OPEN: openat2 beneath the mount. Linux O_* flags and mode;
 * O_CREAT/O_TRUNC/write access on a read-only mount fail with -EROFS. */
struct hv_file_open {
  struct hv_mount_path at;  /* IN */
  uint32_t flags;           /* IN: Linux open flags */
  uint32_t mode;            /* IN */
  /* IN (ABI v17): the owner a file this open makes gets in one of hvrun's
   * own directories (/tmp, /dev/shm), where hvrun can give it (as root);
   * elsewhere new files are hvrun's user's, as ever. */
  uint32_t uid;
  uint32_t gid;
};
HV_CHECK_SIZE(struct hv_file_open, 32);
HV_CHECK_OFFSET(struct hv_file_open, flags, 16);

/* HV_CALL_FILE_CLOSE/READ/WRITE/GETDENTS on a handle from HV_CALL_FILE_OPEN. */
#define HV_IO_NOWAIT 1u     /* READ/WRITE: only what moves now, else -EAGAIN */
struct hv_file_io {
  uint32_t handle;          /* IN */
  uint32_t flags;           /* IN: HV_IO_* */
  HV_GUEST_PTR(void) data;  /* IN */
  uint64_t len;             /* IN */
  int64_t offset;           /* IN: file offset (READ/WRITE); -1 on a pipe */
};
HV_CHECK_SIZE(struct hv_file_io, 32);
HV_CHECK_OFFSET(struct hv_file_io, data, 8);
HV_CHECK_OFFSET(struct hv_file_io, len, 16);
HV_CHECK_OFFSET(struct hv_file_io, offset, 24);

/* HV_CALL_FILE_STAT: of an open handle (by_path 0) or of a path (by_path 1,
 * nofollow 1 for lstat). (st) receives a Linux x86-64 struct stat (144 bytes). */
struct hv_file_stat {
  uint32_t handle;          /* IN */
  uint32_t by_path;         /* IN */
  struct hv_mount_path at;  /* IN, when by_path */
  uint32_t nofollow;        /* IN */
  uint32_t pad0;
  HV_GUEST_PTR(void) st;    /* IN: 144 bytes, OUT: the stat */
};
HV_CHECK_SIZE(struct hv_file_stat, 40);
HV_CHECK_OFFSET(struct hv_file_stat, at, 8);
HV_CHECK_OFFSET(struct hv_file_stat, nofollow, 24);
HV_CHECK_OFFSET(struct hv_file_stat, st, 32);

/* HV_CALL_FILE_PATHOP: one operation on one or two paths. */
enum hv_pathop {
  HV_PATHOP_MKDIR = 1,      /* at, mode */
  HV_PATHOP_UNLINK = 2,     /* at */
  HV_PATHOP_RMDIR = 3,      /* at */
  HV_PATHOP_RENAME = 4,     /* at -> to, flags: RENAME_NOREPLACE/EXCHANGE */
  HV_PATHOP_LINK = 5,       /* at -> to (hard link, same mount only) */
  HV_PATHOP_SYMLINK = 6,    /* to = a new link at (to) whose text is (at.path) */
  HV_PATHOP_READLINK = 7,   /* at; result text into (buf, buf_len); returns length */
  HV_PATHOP_CHMOD = 8,      /* at, mode */
  HV_PATHOP_TRUNCATE = 9,   /* at, size */
  HV_PATHOP_ACCESS = 10,    /* at, mode = R_OK|W_OK|X_OK */
  HV_PATHOP_UTIMENS = 11,   /* at, buf = 2 struct timespec (or 0: now), flags nofollow */
  HV_PATHOP_STATFS = 12,    /* at; the host's struct statfs (120 bytes) into buf */
  HV_PATHOP_MKNOD = 13,     /* at, mode: S_IFIFO or S_IFREG | permissions (others: -EPERM) */
};
struct hv_file_pathop {
  uint32_t op;              /* IN: enum hv_pathop */
  uint32_t flags;           /* IN */
  struct hv_mount_path at;  /* IN */
  struct hv_mount_path to;  /* IN */
  uint32_t mode;            /* IN */
  uint32_t pad0;
  uint64_t size;            /* IN */
  HV_GUEST_PTR(void) buf;   /* IN/OUT */
  uint64_t buf_len;         /* IN */
};
HV_CHECK_SIZE(struct hv_file_pathop, 72);
HV_CHECK_OFFSET(struct hv_file_pathop, at, 8);
HV_CHECK_OFFSET(struct hv_file_pathop, to, 24);
HV_CHECK_OFFSET(struct hv_file_pathop, mode, 40);
HV_CHECK_OFFSET(struct hv_file_pathop, size, 48);
HV_CHECK_OFFSET(struct hv_file_pathop, buf, 56);
HV_CHECK_OFFSET(struct hv_file_pathop, buf_len, 64);

/* HV_CALL_FILE_FDOP: one operation on an open handle. */
enum hv_fdop {
  HV_FDOP_TRUNCATE = 1,     /* arg0 = size */
  HV_FDOP_FSYNC = 2,
  HV_FDOP_FDATASYNC = 3,
  HV_FDOP_FALLOCATE = 4,    /* arg0 = offset, arg1 = len, flags = mode */
  HV_FDOP_CHMOD = 5,        /* arg0 = mode */
  HV_FDOP_UTIMENS = 6,      /* arg0 = guest pointer to 2 struct timespec, or 0 */
  HV_FDOP_SEEK = 7,         /* arg0 = offset, flags = whence; returns the new offset */
  HV_FDOP_POLL = 8,         /* flags = poll events; returns the ready ones now (no wait) */
  HV_FDOP_PIPE_SIZE = 9,    /* a pipe: flags 1 sets the capacity to arg0; returns it */
  HV_FDOP_NREAD = 10,       /* returns the bytes a read could take now (FIONREAD); flags 1
                               (v19): a socket's bytes not yet sent (TIOCOUTQ) */
  HV_FDOP_STATFS = 11,      /* the host's struct statfs (120 bytes) into guest arg0 */
  HV_FDOP_SHUTDOWN = 12,    /* a socket: shutdown(2) with how = arg0 */
  /* fcntl record lock: flags = F_GETLK, F_SETLK, F_OFD_GETLK or F_OFD_SETLK
   * (never the waiting forms: the guest retries), arg0 = guest pointer to
   * its struct flock (32 bytes, l_whence SEEK_SET or SEEK_END; GETLK writes
   * it back). POSIX locks are the calling process's (held across its fds,
   * not inherited by fork), OFD locks the handle's. -EAGAIN: a conflict. */
  HV_FDOP_LOCK = 13,
  HV_FDOP_UNLOCK_POSIX = 14, /* the caller closed an fd of the file: its POSIX locks go */
  HV_FDOP_FLOCK = 15,       /* flock(2) op in flags (LOCK_NB implied); -EWOULDBLOCK: held */
  /* O_ASYNC (ABI v18): arg1 1 on, 0 off. While on, each time input comes
   * (or the peer hangs up) hvrun sends signal (flags) (0: SIGIO) to process
   * arg0 (> 0), group -arg0 or the caller's group (0), as kill(2) from the
   * caller would, when the host kernel would raise SIGIO. A stream
   * handle only; -ENOSYS where hvrun keeps no processes. */
  HV_FDOP_ASYNC = 16,
};
struct hv_file_fdop {
  uint32_t op;              /* IN: enum hv_fdop */
  uint32_t handle;          /* IN */
  uint32_t flags;           /* IN */
  uint32_t pad0;
  uint64_t arg0;            /* IN */
  uint64_t arg1;            /* IN */
};
HV_CHECK_SIZE(struct hv_file_fdop, 32);
HV_CHECK_OFFSET(struct hv_file_fdop, arg0, 16);

/* HV_CALL_PROC: one process-table operation for the calling process.
 * Returns what the Linux call would (a pid, 0, or -errno). */
enum hv_proc_op {
  HV_PROC_WAIT = 1,     /* pid (wait4's), options (WNOHANG, WUNTRACED, __WALL...):
                           a child that ended -> its pid, (status) = wait status,
                           (usage) the child's CPU time in ns; none yet ->
                           -EAGAIN (the runtime blocks on hv_boot_info.events);
                           WNOHANG and none -> 0; no such child -> -ECHILD */
  HV_PROC_KILL = 2,     /* pid (kill's: >0, 0, -1, -pgid), sig (0: check only) */
  HV_PROC_GETPPID = 3,
  HV_PROC_SETPGID = 4,  /* pid, pgid */
  HV_PROC_GETPGID = 5,  /* pid */
  HV_PROC_SETSID = 6,
  HV_PROC_GETSID = 7,   /* pid */
  HV_PROC_SET_PDEATHSIG = 8, /* sig (0: none): sent to the caller when its parent ends */
  /* arg bit 0: the caller ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT), so its
   * children are reaped as they end, never zombies it could wait for; bit 1:
   * its SIGCHLD handler has SA_NOCLDSTOP (no SIGCHLD when a child stops or
   * continues). */
  HV_PROC_SET_NOCLDWAIT = 9,
  /* arg (1..1024) fresh ids for the caller's threads, returned as the first
   * of that many in a row: ids from the pid space, so that no tid is ever a
   * process's pid (kill, wait, getpgid keep meaning the process). */
  HV_PROC_NEW_TIDS = 10,
  /* arg 1: the caller is a child subreaper (PR_SET_CHILD_SUBREAPER): orphans
   * below it are reparented to it, not to init; 0: not. Not inherited. */
  HV_PROC_SET_SUBREAPER = 11,
  /* Job control: the caller took stop signal (arg) with its default action
   * and stops: its parent may see it (WUNTRACED, SIGCHLD) until a SIGCONT,
   * whose bit in hv_boot_info.signals the runtime waits for (it clears
   * pending stop bits there; a stop signal clears a pending SIGCONT).
   * Returns 0, 1 if a SIGCONT came first (no stop), -EPERM for init. */
  HV_PROC_STOP = 12,
  /* The caller's user ids changed (set*uid, capset): (pid) real uid, (arg)
   * effective uid, (status, IN here) saved uid, (usage_ns) 1 if it holds
   * CAP_KILL. hvrun's kill checks them as Linux does (kill_ok_by_cred). A
   * forked child starts with its parent's; init with hvrun's uid. */
  HV_PROC_SET_CREDS = 13,
};
struct hv_proc {
  uint32_t op;          /* IN: enum hv_proc_op */
  int32_t pid;          /* IN */
  int32_t arg;          /* IN: pgid, sig or wait options */
  int32_t status;       /* OUT: HV_PROC_WAIT */
  uint64_t usage_ns;    /* OUT: HV_PROC_WAIT */
  uint64_t maxrss_kb;   /* OUT: HV_PROC_WAIT: the child's hv_exit.maxrss_kb (0: none) */
};
HV_CHECK_SIZE(struct hv_proc, 32);
HV_CHECK_OFFSET(struct hv_proc, status, 12);
HV_CHECK_OFFSET(struct hv_proc, usage_ns, 16);
HV_CHECK_OFFSET(struct hv_proc, maxrss_kb, 24);


/* A guest process's credentials as Linux's struct ucred (ABI v19): what an
 * AF_UNIX socket reports as SO_PEERCRED and SCM_CREDENTIALS. hvrun makes
 * every host socket call itself, so the host kernel sees hvrun's pid on
 * every guest socket: the guest says who it is, and hvrun keeps it with the
 * socket. A guest's word is trusted only inside its own container (it is
 * that container's root); nothing outside ever sees it. */
#define HV_UCRED_SET 1u
#define HV_UCRED_EXPLICIT 2u /* SENDMSG: named by an SCM_CREDENTIALS message */
struct hv_ucred {
  int32_t pid;
  uint32_t uid;
  uint32_t gid;
  uint32_t flags; /* HV_UCRED_SET: the other fields hold something */
};
HV_CHECK_SIZE(struct hv_ucred, 16);

/* HV_CALL_PIPE: a host pipe (shared by every process that inherits it).
 * handles[0] reads, handles[1] writes; they are HV_CALL_FILE_* handles whose
 * transfers ignore the offset. (flags): O_NONBLOCK, O_DIRECT. */
struct hv_pipe {
  uint32_t flags;       /* IN */
  uint32_t handles[2];  /* OUT */
  /* IN: 0, a pipe; SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET: a connected
   * pair of AF_UNIX sockets (socketpair), whose handles both read and
   * write; (flags) must then be 0 (the guest keeps O_NONBLOCK itself). */
  uint32_t socket_type;
  struct hv_ucred cred; /* IN: a socket pair's creator (each end's SO_PEERCRED) */
};
HV_CHECK_SIZE(struct hv_pipe, 32);

/* HV_CALL_EVENTFD: a host eventfd with counter (initval) and (flags)
 * EFD_SEMAPHORE (the guest keeps EFD_NONBLOCK and EFD_CLOEXEC itself), as
 * a handle whose transfers ignore the offset (8-byte reads and writes, the
 * host's eventfd rules). -ENOSYS where the guest makes no processes. */
struct hv_eventfd {
  uint32_t initval;     /* IN */
  uint32_t flags;       /* IN: 0 or EFD_SEMAPHORE (1) */
  uint32_t handle;      /* OUT */
  uint32_t pad0;
};
HV_CHECK_SIZE(struct hv_eventfd, 16);

/* HV_CALL_SOCKET (ABI v18): one operation on a host socket, which the host
 * kernel's own network stack serves under hvrun's network policy (--network,
 * --publish): hvrun may refuse an address (-EACCES, -EADDRNOTAVAIL) or bind
 * another host port than the one asked for, and reports the guest's view
 * back (NAME, ACCEPT). No operation ever waits in hvrun: where Linux would
 * block, the answer is -EAGAIN (CONNECT: -EINPROGRESS) and the guest waits
 * for readiness with HV_CALL_POLL, then asks again. Addresses are struct
 * sockaddr of (addr_len) bytes (at most 128) at guest (addr); an AF_UNIX path
 * travels as (path), resolved beneath its mount as files are, with
 * (addr) keeping the name the guest gave (what NAME reports). Where an
 * operation says -EAGAIN (ACCEPT, SENDMSG, RECVMSG) or -EINPROGRESS
 * (CONNECT), (arg2) gets how long the guest may wait for it, from the
 * socket's SO_RCVTIMEO (ACCEPT, RECVMSG) or SO_SNDTIMEO: in ns, -1 for no
 * limit, 0 for none at all (a negative timeout, which Linux keeps as such). */
enum hv_socket_op {
  HV_SOCK_CREATE = 1,   /* arg0 domain, arg1 type (SOCK_STREAM/DGRAM/SEQPACKET), arg2
                           protocol; returns a stream handle (HV_CALL_FILE_* transfers) */
  HV_SOCK_BIND = 2,     /* addr, addr_len, path */
  HV_SOCK_LISTEN = 3,   /* arg0 backlog */
  HV_SOCK_ACCEPT = 4,   /* returns a new handle; the peer's address into addr, its full
                           length into addr_len (IN: the room) */
  HV_SOCK_CONNECT = 5,  /* addr, addr_len, path; -EINPROGRESS: under way (POLLOUT, then
                           SO_ERROR says how it ended) */
  HV_SOCK_NAME = 6,     /* getsockname: into addr as ACCEPT */
  HV_SOCK_PEER = 7,     /* getpeername: into addr as ACCEPT */
  HV_SOCK_SETOPT = 8,   /* arg0 level, arg1 name; option value (data, data_len) */
  HV_SOCK_GETOPT = 9,   /* arg0 level, arg1 name; into (data), room (data_len); returns
                           the value's length. SO_PEERCRED: the guest's view (hv_ucred's
                           comment): the peer's pid, uid and gid where a guest process is
                           the peer, pid 0 for a host process, {0, -1, -1} for none */
  HV_SOCK_SENDMSG = 10, /* (data) guest array of (data_len) struct hv_iovec, flags MSG_*;
                           addr/addr_len/path: the destination, or none (addr 0);
                           SCM_RIGHTS: (arg1) handles (at most HV_SCM_MAX) at (arg0) */
  HV_SOCK_RECVMSG = 11, /* as SENDMSG; the sender's address into addr as ACCEPT, the
                           message's MSG_TRUNC/MSG_EOR/MSG_CTRUNC into (arg2); files passed
                           with it: up to (arg1) (IN, at most HV_SCM_MAX) struct hv_passed
                           at (arg0), how many into (arg1) (OUT); MSG_CMSG_CLOEXEC is the
                           guest's (its fds), hvrun's are always close-on-exec */
};
/* A file that came with a message (SCM_RIGHTS): a new handle and the host's
 * st_mode of it. Sockets, pipes, FIFOs, regular files and anonymous files
 * (eventfd, epoll) are taken; a directory or device is dropped (MSG_CTRUNC):
 * the guest reaches no host directory or device but through its mounts. */
#define HV_SCM_MAX 64
struct hv_passed {
  uint32_t handle;
  uint32_t mode;
};
HV_CHECK_SIZE(struct hv_passed, 8);
struct hv_iovec {
  HV_GUEST_PTR(void) base;
  uint64_t len;
};
HV_CHECK_SIZE(struct hv_iovec, 16);
#define HV_SOCKADDR_MAX 128
#define HV_IOV_MAX 1024
struct hv_socket {
  uint32_t op;                /* IN: enum hv_socket_op */
  uint32_t handle;            /* IN */
  uint32_t flags;             /* IN: MSG_* (SENDMSG, RECVMSG); SOCK_NONBLOCK-free */
  uint32_t addr_len;          /* IN/OUT */
  HV_GUEST_PTR(void) addr;    /* IN/OUT: struct sockaddr, or 0 */
  HV_GUEST_PTR(void) data;    /* IN */
  uint64_t data_len;          /* IN */
  uint64_t arg0, arg1, arg2;  /* IN (arg2 OUT for RECVMSG) */
  struct hv_mount_path path;  /* IN: AF_UNIX path names; mount ~0u: none */
  /* AF_UNIX credentials. IN: the caller's (LISTEN, CONNECT: what the peer's
   * SO_PEERCRED will say), or the message's (SENDMSG: the caller's, or those
   * an SCM_CREDENTIALS message names, checked by the guest as Linux does).
   * OUT (RECVMSG): the sender's, HV_UCRED_SET where the message carries
   * them (the receiver, or the sender when it sent, had SO_PASSCRED). */
  struct hv_ucred cred;
  /* RECVMSG on an IP socket: room for the control messages the host gives
   * (IP_PKTINFO, SO_TIMESTAMP, TCP_INQ ...), copied as the host's bytes
   * (x86-64's struct cmsghdr layout, the guest's own) to (control), at most
   * (control_len) (IN) bytes; OUT: the length used (0 on AF_UNIX, whose
   * SCM_RIGHTS and SCM_CREDENTIALS travel as handles and cred). */
  HV_GUEST_PTR(void) control;
  uint64_t control_len;
};
HV_CHECK_SIZE(struct hv_socket, 112);
HV_CHECK_OFFSET(struct hv_socket, cred, 80);
HV_CHECK_OFFSET(struct hv_socket, control, 96);
HV_CHECK_OFFSET(struct hv_socket, addr, 16);
HV_CHECK_OFFSET(struct hv_socket, arg0, 40);
HV_CHECK_OFFSET(struct hv_socket, path, 64);
/* hv_socket.flags (ABI v19): a RECVMSG, ACCEPT or SENDMSG submitted
 * through HV_CALL_SUBMIT that would say -EAGAIN waits in hvrun instead until
 * the socket is ready (then it is tried again, and its result is the
 * answer), for at most HV_SOCK_WAIT_NS and the socket's SO_RCVTIMEO or
 * SO_SNDTIMEO: -EAGAIN then, with (arg2) the budget as always. One crossing
 * for a blocking call, where asking, polling and asking again took three.
 * Made in line, it is ignored. */
#define HV_SOCK_WAIT 0x80000000u
#define HV_SOCK_WAIT_NS 20000000ll
#define HV_SOCK_NO_PATH 0xfffffffeu
/* hv_socket.path.mount for an AF_UNIX name in the guest's own tmpfs, where
 * no host socket can live: (path) is the name's absolute guest path, which
 * hvrun turns into an abstract name of the container's own, so every
 * process of the container reaches it by that path. */
#define HV_SOCK_GUEST_PATH 0xfffffffdu

/* HV_CALL_POLL (ABI v18): poll(2) over stream handles (pipes, sockets,
 * eventfds, FIFOs): each item's (revents) gets what is ready of (events)
 * plus POLLERR/POLLHUP, POLLNVAL for a handle that is not open. Returns how
 * many items have revents. With none ready it waits up to (timeout_ns)
 * (only through HV_CALL_SUBMIT; in line it never waits; at most
 * HV_POLL_MAX_WAIT_NS, longer waits are cut): 0 at the timeout. At most
 * HV_POLL_MAX items; the guest waits in slices (a signal, or a fd of its
 * own, can end its wait between them). */
#define HV_POLL_MAX 1024
#define HV_POLL_MAX_WAIT_NS 1000000000ll
struct hv_poll_item {
  uint32_t handle; /* IN */
  int16_t events;  /* IN: POLLIN, POLLOUT, POLLPRI, POLLRDHUP */
  int16_t revents; /* OUT */
};
HV_CHECK_SIZE(struct hv_poll_item, 8);
struct hv_poll {
  HV_GUEST_PTR(struct hv_poll_item) items; /* IN/OUT */
  uint32_t count;                          /* IN */
  uint32_t pad0;
  int64_t timeout_ns;                      /* IN: 0: no wait */
};
HV_CHECK_SIZE(struct hv_poll, 24);

/* HV_CALL_EPOLL (ABI v18): an epoll instance on the host over the guest's
 * stream handles, so the host kernel keeps the interest list and its level,
 * edge, one-shot and exclusive semantics. CREATE returns a stream handle
 * (readable to HV_CALL_POLL while events are ready; closed as any handle);
 * CTL is epoll_ctl(2) of handle (target) with (events) and (data), which
 * come back unchanged in WAIT's events; WAIT writes at most (max) struct
 * epoll_event (12 bytes, packed, x86-64's) at (out) and returns how many,
 * never waiting: the guest waits for POLLIN on the epoll handle. */
enum hv_epoll_op {
  HV_EPOLL_CREATE = 1,
  HV_EPOLL_CTL = 2,   /* ctl: EPOLL_CTL_ADD, EPOLL_CTL_MOD or EPOLL_CTL_DEL */
  HV_EPOLL_WAIT = 3,
};
#define HV_EPOLL_MAX 1024
struct hv_epoll {
  uint32_t op;              /* IN: enum hv_epoll_op */
  uint32_t handle;          /* IN: the epoll (CTL, WAIT) */
  uint32_t ctl;             /* IN: CTL */
  uint32_t target;          /* IN: CTL: the handle to watch */
  uint32_t events;          /* IN: CTL: EPOLL* */
  uint32_t max;             /* IN: WAIT: room at (out), at most HV_EPOLL_MAX */
  uint64_t data;            /* IN: CTL */
  HV_GUEST_PTR(void) out;   /* IN: WAIT */
};
HV_CHECK_SIZE(struct hv_epoll, 40);
HV_CHECK_OFFSET(struct hv_epoll, data, 24);

/* HV_CALL_TIMERFD (ABI v18): a host timerfd (CREATE: clockid
 * CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME; the guest keeps
 * TFD_NONBLOCK and TFD_CLOEXEC itself) as a stream handle whose reads are
 * the host's (8 bytes: expirations), and timerfd_settime/gettime on it
 * (flags TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET; struct itimerspec,
 * 32 bytes, at guest (value) and (old), either 0 for none). The guest's
 * clocks are the host's, so absolute times mean the same. */
enum hv_timerfd_op { HV_TIMERFD_CREATE = 1, HV_TIMERFD_SETTIME = 2, HV_TIMERFD_GETTIME = 3 };
struct hv_timerfd {
  uint32_t op;                /* IN: enum hv_timerfd_op */
  uint32_t handle;            /* IN (SETTIME, GETTIME) */
  uint32_t clockid;           /* IN (CREATE) */
  uint32_t flags;             /* IN (SETTIME) */
  HV_GUEST_PTR(void) value;   /* IN: SETTIME's new value; OUT: GETTIME's */
  HV_GUEST_PTR(void) old;     /* OUT: SETTIME's old value, or 0 */
};
HV_CHECK_SIZE(struct hv_timerfd, 32);

/* A host directory mounted into the guest (boot info lists them). */
#define HV_MOUNT_READ_ONLY 1u
/* The guest's root file system (--rootfs): guest_path is "/". Paths below
 * it resolve as in a chroot (hvrun: openat2 RESOLVE_IN_ROOT, so absolute
 * symlinks stay inside); the guest's own /tmp, /dev, /proc and the other
 * mounts sit on top of it. At most one mount has this flag. */
#define HV_MOUNT_ROOTFS 2u
/* hvrun's shared-memory store at /dev/shm (ABI v17; --shm-size): a host
 * directory of hvrun's own, shared by every process of the container, whose
 * files MAP_SHARED maps for real (HV_SHARE_MAP_FILE), not as a copy. */
#define HV_MOUNT_SHM 4u
struct hv_mount {
  HV_GUEST_PTR(char) guest_path; /* absolute, NUL-terminated */
  uint32_t flags;                /* HV_MOUNT_* */
  uint32_t pad0;
};
HV_CHECK_SIZE(struct hv_mount, 16);

/*
 * The syscall frame. Every way a Linux syscall can arrive (SUD SIGSYS in sim,
 * the CPL0 bounce in KVM) builds one of these and calls the runtime's one
 * entry, int64_t entry(struct hv_syscall_frame*), whose result becomes rax.
 * Returning loads every register the frame holds (args, rip, rsp, rflags and
 * the callee-saved ones) from it: the runtime changes them to enter a signal
 * handler and to return from one (rt_sigreturn); rcx and r11 come back as a
 * syscall leaves them (rip, rflags), unless (flags) has HV_FRAME_FULL: then
 * from the frame's rcx and r11 (rt_sigreturn to a context a fault or a
 * handler left, where they hold the app's values). A fault entry's frame
 * has every register: rax in (nr), and HV_FRAME_FULL set.
 */
#define HV_FRAME_FULL 1u
struct hv_syscall_frame {
  uint64_t nr;       /* rax at the syscall instruction */
  uint64_t args[6];  /* rdi, rsi, rdx, r10, r8, r9 */
  uint64_t rip;      /* address after the syscall instruction */
  uint64_t rsp;      /* the app's stack pointer */
  uint64_t rflags;
  /* The app's callee-saved registers at the syscall, so that the runtime can
   * start a clone()d thread with its parent's registers (glibc's clone
   * wrappers rely on them), and save and restore them around a handler. */
  uint64_t rbx, rbp, r12, r13, r14, r15;
  /* Where the stub keeps the app's extended state (x87/SSE/AVX) and loads it
   * from on return, in XSAVE layout behind an FXSAVE header (sim: the host
   * SIGSYS frame's fpstate); 0: it is live in the CPU (kvm, xen), which the
   * runtime, built without vector registers, leaves alone. */
  HV_GUEST_PTR(void) fpstate;
  uint64_t flags;    /* HV_FRAME_FULL */
  uint64_t rcx, r11; /* with HV_FRAME_FULL */
};
HV_CHECK_SIZE(struct hv_syscall_frame, 160);
HV_CHECK_OFFSET(struct hv_syscall_frame, nr, 0);
HV_CHECK_OFFSET(struct hv_syscall_frame, args, 8);
HV_CHECK_OFFSET(struct hv_syscall_frame, rip, 56);
HV_CHECK_OFFSET(struct hv_syscall_frame, rsp, 64);
HV_CHECK_OFFSET(struct hv_syscall_frame, rflags, 72);
HV_CHECK_OFFSET(struct hv_syscall_frame, rbx, 80);
HV_CHECK_OFFSET(struct hv_syscall_frame, rbp, 88);
HV_CHECK_OFFSET(struct hv_syscall_frame, r12, 96);
HV_CHECK_OFFSET(struct hv_syscall_frame, r15, 120);
HV_CHECK_OFFSET(struct hv_syscall_frame, fpstate, 128);
HV_CHECK_OFFSET(struct hv_syscall_frame, flags, 136);
HV_CHECK_OFFSET(struct hv_syscall_frame, rcx, 144);
HV_CHECK_OFFSET(struct hv_syscall_frame, r11, 152);

/*
 * Clock calibration: the runtime reads time without a hypercall as
 *   ns(tsc) = base_ns + (((tsc - base_tsc) * mult) >> shift)
 * (128-bit product). realtime = monotonic + realtime_offset_ns.
 */
struct hv_clock_calibration {
  uint64_t base_tsc;
  uint64_t base_ns;            /* CLOCK_MONOTONIC at base_tsc */
  int64_t realtime_offset_ns;  /* CLOCK_REALTIME - CLOCK_MONOTONIC */
  uint32_t mult;
  uint32_t shift;
  uint64_t tsc_hz;             /* 0: no usable TSC, use HV_CALL_CLOCK */
};
HV_CHECK_SIZE(struct hv_clock_calibration, 40);
HV_CHECK_OFFSET(struct hv_clock_calibration, base_ns, 8);
HV_CHECK_OFFSET(struct hv_clock_calibration, realtime_offset_ns, 16);
HV_CHECK_OFFSET(struct hv_clock_calibration, mult, 24);
HV_CHECK_OFFSET(struct hv_clock_calibration, shift, 28);
HV_CHECK_OFFSET(struct hv_clock_calibration, tsc_hz, 32);

/*
 * The KVM paravirtual clock page (kvmclock), as KVM writes it once the guest's
 * MSR_KVM_SYSTEM_TIME_NEW points at it: the layout of Linux's
 * struct pvclock_vcpu_time_info. An odd version means an update is under way:
 *   ns = system_time + (((tsc - tsc_timestamp) <<>> tsc_shift) * mul >> 32)
 */
struct hv_pvclock {
  uint32_t version;
  uint32_t pad0;
  uint64_t tsc_timestamp;
  uint64_t system_time;
  uint32_t tsc_to_system_mul;
  int8_t tsc_shift;
  uint8_t flags;
  uint8_t pad[2];
};
HV_CHECK_SIZE(struct hv_pvclock, 32);
HV_CHECK_OFFSET(struct hv_pvclock, tsc_timestamp, 8);
HV_CHECK_OFFSET(struct hv_pvclock, system_time, 16);
HV_CHECK_OFFSET(struct hv_pvclock, tsc_to_system_mul, 24);
HV_CHECK_OFFSET(struct hv_pvclock, tsc_shift, 28);

/* A range of guest memory. GVA == GPA: one address space mapped once. */
struct hv_mem_region {
  uint64_t start;
  uint64_t size;
};
HV_CHECK_SIZE(struct hv_mem_region, 16);

/* HV_CALL_EXEC: execve in place. The runtime keeps its state (files, cwd,
 * pipes); only the program changes, as in a kernel.
 *   HV_EXEC_PREPARE: hvrun reads the program from an open host file
 *     (handle) or from guest bytes (image, image_len), and its interpreter
 *     (PT_INTERP, read beneath the mount or root file system whose guest
 *     path holds it: never a host path the guest cannot see), checks both,
 *     places them in the image area below boot_info.free, and fills the
 *     OUT fields: where they will go. Nothing in guest memory changes; a bad
 *     program is -ENOENT, -EACCES, -ENOEXEC, -ENOMEM, like execve.
 *   HV_EXEC_LOAD: after the runtime freed the old program's memory, zeroes
 *     the whole image area and loads what PREPARE read. 0 or -errno
 *     (the process cannot go back then: the runtime ends it).
 */
#define HV_EXEC_PREPARE 1u
#define HV_EXEC_LOAD 2u
struct hv_exec {
  uint32_t op;                   /* IN: HV_EXEC_* */
  uint32_t handle;               /* IN (PREPARE): the program, an open host file */
  HV_GUEST_PTR(void) image;      /* IN (PREPARE): or its bytes in guest memory */
  uint64_t image_len;            /* IN: 0: use (handle) */
  struct hv_mem_region app;      /* OUT: the program's pages */
  struct hv_mem_region interp;   /* OUT: its interpreter's (size 0: static) */
  HV_GUEST_PTR(void) app_entry;  /* OUT: AT_ENTRY */
  HV_GUEST_PTR(void) app_phdr;   /* OUT: AT_PHDR */
  uint32_t app_phnum;            /* OUT */
  uint32_t app_phent;            /* OUT */
  uint64_t app_load_bias;        /* OUT */
  HV_GUEST_PTR(void) interp_entry; /* OUT */
  uint64_t interp_base;          /* OUT: AT_BASE */
};
HV_CHECK_SIZE(struct hv_exec, 104);
HV_CHECK_OFFSET(struct hv_exec, image, 8);
HV_CHECK_OFFSET(struct hv_exec, app, 24);
HV_CHECK_OFFSET(struct hv_exec, app_entry, 56);
HV_CHECK_OFFSET(struct hv_exec, interp_base, 96);

/*
 * struct hv_pvh_cpu: what the runtime's PVH entry (runtime/boot/pvh_entry.S,
 * named by the image's XEN_ELFNOTE_PHYS32_ENTRY note) needs to switch the
 * CPU from the 32-bit protected mode Xen starts a PVH guest in to long mode:
 * the page tables and GDT the backend wrote, and where to continue. Only the
 * xen backend fills it (sim and kvm start the runtime at hvrt_start in
 * 64-bit mode and leave it 0). Laid out so that the entry can use the
 * fields directly as operands: gdt_limit/gdt_base is lgdt's 6-byte
 * pseudo-descriptor, entry64/code64 ljmp's m16:32 far pointer.
 */
struct hv_pvh_cpu {
  uint32_t cr3;            /* physical address of the PML4 (< 4 GiB) */
  uint16_t pad0;
  uint16_t gdt_limit;      /* lgdt operand starts here (offset 6) */
  uint32_t gdt_base;
  uint32_t entry64;        /* ljmp operand (offset 12): 64-bit code, CPL0 */
  uint16_t code64;         /* its selector: a 64-bit DPL0 code segment */
  uint16_t pad1;
  uint32_t pad2;
};
HV_CHECK_SIZE(struct hv_pvh_cpu, 24);
HV_CHECK_OFFSET(struct hv_pvh_cpu, gdt_limit, 6);
HV_CHECK_OFFSET(struct hv_pvh_cpu, entry64, 12);
HV_CHECK_OFFSET(struct hv_pvh_cpu, code64, 16);

#define HV_BOOT_MAGIC 0x544f4f4256480000ull /* "\0\0HVBOOT" */
#define HV_BOOT_VERBOSE 1u                  /* report unsupported syscalls */
/* pvclock_offset_ns is unknown: the runtime measures it once at boot
 * against the host's CLOCK_MONOTONIC (HV_CALL_CLOCK). Xen: hvrun in dom0
 * cannot read the guest's Xen system time before the guest runs. */
#define HV_BOOT_PVCLOCK_CALIBRATE 2u
/* The free region reads as zero (fresh memfd pages): the runtime need not
 * clear its page bitmap, which on a large address space would touch MiBs. */
#define HV_BOOT_ZEROED_MEMORY 4u
/* This guest is a fork: its memory is a copy of its parent's, taken while
 * the parent was in HV_CALL_FORK. The runtime resumes the forking thread
 * (its saved context) with fork's result 0 instead of starting the app. */
#define HV_BOOT_FORKED 8u
/* --syscall-path=auto: the runtime may rewrite the app's syscall sites to
 * call it directly instead of trapping (syscall-shim/trapless.h). */
#define HV_BOOT_TRAPLESS 16u

/*
 * struct hv_boot_info: everything the runtime needs, in one page that hvrun
 * fills before the first guest instruction. The runtime entry gets its
 * address in rdi. Strings (argv then envp) are NUL-terminated, back to back,
 * at (strings); the first is the app path as the guest sees it.
 *
 * Fields up to and including hypercall_entry never move across ABI versions,
 * so a runtime can always report a version mismatch through the host.
 */
struct hv_boot_info {
  uint64_t magic;                     /* HV_BOOT_MAGIC */
  uint32_t abi_version;               /* HV_ABI_VERSION */
  uint32_t size;                      /* sizeof(struct hv_boot_info) */
  uint32_t backend;                   /* enum hv_backend_kind */
  uint32_t flags;                     /* HV_BOOT_* */
  HV_GUEST_PTR(void) hypercall_entry; /* int64_t f(uint64_t nr, uint64_t arg) */
  struct hv_mem_region memory;        /* all guest memory */
  struct hv_mem_region free;          /* the runtime's to manage: brk, mmap, stacks */
  struct hv_mem_region runtime;       /* the runtime image, as loaded */
  struct hv_mem_region app;           /* the app image, as loaded */
  HV_GUEST_PTR(void) app_entry;       /* AT_ENTRY */
  HV_GUEST_PTR(void) app_phdr;        /* AT_PHDR: program headers in guest memory */
  uint32_t app_phnum;                 /* AT_PHNUM */
  uint32_t app_phent;                 /* AT_PHENT */
  uint64_t app_load_bias;             /* 0 for ET_EXEC, the base for static-pie */
  HV_GUEST_PTR(char) strings;         /* argv then envp */
  uint64_t strings_size;
  uint32_t argc;
  uint32_t envc;
  uint64_t stack_size;                /* the app's main stack, bytes */
  struct hv_clock_calibration clock;
  uint32_t uid, gid;                  /* the identity getuid() etc. report */
  uint64_t hwcap;                     /* AT_HWCAP */
  uint64_t hwcap2;                    /* AT_HWCAP2 */
  uint8_t random[16];                 /* AT_RANDOM bytes */
  HV_GUEST_PTR(struct hv_pvclock) pvclock; /* kvmclock page, or 0: use (clock) */
  int64_t pvclock_offset_ns;          /* CLOCK_MONOTONIC - kvmclock */
  HV_GUEST_PTR(struct hv_mount) mounts; /* host directory mounts, by index */
  uint32_t mount_count;
  uint32_t pad1;
  /* int64_t f(uint32_t code, uint64_t base): arch_prctl ARCH_SET_FS or
   * ARCH_SET_GS done by the backend, for hosts where the guest's
   * wrfsbase/wrgsbase do not stick (sim on a Linux kernel without
   * FSGSBASE: the kernel restores its own idea of the base at the next
   * context switch). 0: wr{fs,gs}base work (kvm, sim with FSGSBASE). */
  HV_GUEST_PTR(void) segment_base_entry;
  struct hv_pvh_cpu pvh;              /* Xen only: the PVH entry's way to long mode */
  /* A dynamically linked app: its interpreter (PT_INTERP, the dynamic
   * linker), loaded by hvrun above the app. The app starts at interp_entry
   * with AT_BASE = interp_base; interp.size 0: a static app, which starts at
   * app_entry. */
  struct hv_mem_region interp;
  HV_GUEST_PTR(void) interp_entry;
  uint64_t interp_base;               /* AT_BASE: the interpreter's load bias */
  HV_GUEST_PTR(char) workdir;         /* start directory (--workdir), or 0: "/" */
  /* The app's own path in the guest (AT_EXECFN, /proc/self/exe), where it
   * differs from argv[0] (an APP found through PATH); 0: argv[0]. */
  HV_GUEST_PTR(char) exe_path;
  /* How much memory the guest may use (--memory): a limit on pages touched,
   * which hvrun enforces, not the size of its address space (memory). */
  uint64_t memory_limit;
  /* Processes: this process's pid and its parent's (the first process is
   * pid 1, parent 0; hvrun sets ppid to 1 when the parent ends, and the
   * runtime's getppid reads it here). (events) counts up, with a futex wake, whenever a child
   * of this process ends or a signal is sent to it: the runtime waits on it
   * (HV_CALL_WAIT's word) and then asks HV_CALL_PROC. */
  int32_t pid;
  int32_t ppid;
  uint32_t events;
  uint32_t pad2;
  /* Signals other processes sent this one (bit sig-1), set by hvrun with
   * an atomic OR before it counts (events) up; the runtime takes them with
   * an atomic exchange. */
  uint64_t signals;
  /* Page protection (mprotect, PROT_NONE, unmapped pages), where the backend
   * enforces it; every field 0 where it does not (xen).
   * sim: int64_t f(uint64_t addr, uint64_t len, uint64_t prot), the host's
   * mprotect on the child's mapping of guest memory (prot: PROT_READ,
   * PROT_WRITE, PROT_EXEC bits only). */
  HV_GUEST_PTR(void) protect_entry;
  /* kvm: the PML4 of the guest's identity page tables, which the runtime may
   * edit in place (they are CPL3-writable there), and
   * void f(uint64_t addr, uint64_t pages) that makes the CPU see the edits of
   * those pages (invlpg, or a CR3 reload for many, at CPL0). */
  uint64_t page_table_root;
  HV_GUEST_PTR(void) tlb_flush_entry;
  /* sim: int64_t f(uint64_t addr, uint64_t len): maps this process's own
   * guest memory back at [addr, addr + len) in the child process, over a
   * range a parent's shared pages were mapped at launch (HV_SHARE_REMOVE
   * does the same in hvrun's view). 0 elsewhere: hvrun's view is the VM's. */
  HV_GUEST_PTR(void) remap_own_entry;
  /* sim: int64_t f(uint64_t addr, uint64_t len, uint64_t offset): after an
   * HV_SHARE_MAP_FILE, receives the file hvrun passed this process and maps
   * it at [addr, addr + len) from (offset) in the child process. 0 elsewhere. */
  HV_GUEST_PTR(void) map_file_entry;
};
HV_CHECK_SIZE(struct hv_boot_info, 424);
HV_CHECK_OFFSET(struct hv_boot_info, magic, 0);
HV_CHECK_OFFSET(struct hv_boot_info, abi_version, 8);
HV_CHECK_OFFSET(struct hv_boot_info, size, 12);
HV_CHECK_OFFSET(struct hv_boot_info, backend, 16);
HV_CHECK_OFFSET(struct hv_boot_info, flags, 20);
HV_CHECK_OFFSET(struct hv_boot_info, hypercall_entry, 24);
HV_CHECK_OFFSET(struct hv_boot_info, memory, 32);
HV_CHECK_OFFSET(struct hv_boot_info, free, 48);
HV_CHECK_OFFSET(struct hv_boot_info, runtime, 64);
HV_CHECK_OFFSET(struct hv_boot_info, app, 80);
HV_CHECK_OFFSET(struct hv_boot_info, app_entry, 96);
HV_CHECK_OFFSET(struct hv_boot_info, app_phdr, 104);
HV_CHECK_OFFSET(struct hv_boot_info, app_phnum, 112);
HV_CHECK_OFFSET(struct hv_boot_info, app_phent, 116);
HV_CHECK_OFFSET(struct hv_boot_info, app_load_bias, 120);
HV_CHECK_OFFSET(struct hv_boot_info, strings, 128);
HV_CHECK_OFFSET(struct hv_boot_info, strings_size, 136);
HV_CHECK_OFFSET(struct hv_boot_info, argc, 144);
HV_CHECK_OFFSET(struct hv_boot_info, envc, 148);
HV_CHECK_OFFSET(struct hv_boot_info, stack_size, 152);
HV_CHECK_OFFSET(struct hv_boot_info, clock, 160);
HV_CHECK_OFFSET(struct hv_boot_info, uid, 200);
HV_CHECK_OFFSET(struct hv_boot_info, gid, 204);
HV_CHECK_OFFSET(struct hv_boot_info, hwcap, 208);
HV_CHECK_OFFSET(struct hv_boot_info, hwcap2, 216);
HV_CHECK_OFFSET(struct hv_boot_info, random, 224);
HV_CHECK_OFFSET(struct hv_boot_info, pvclock, 240);
HV_CHECK_OFFSET(struct hv_boot_info, pvclock_offset_ns, 248);
HV_CHECK_OFFSET(struct hv_boot_info, mounts, 256);
HV_CHECK_OFFSET(struct hv_boot_info, mount_count, 264);
HV_CHECK_OFFSET(struct hv_boot_info, segment_base_entry, 272);
HV_CHECK_OFFSET(struct hv_boot_info, pvh, 280);
HV_CHECK_OFFSET(struct hv_boot_info, interp, 304);
HV_CHECK_OFFSET(struct hv_boot_info, interp_entry, 320);
HV_CHECK_OFFSET(struct hv_boot_info, interp_base, 328);
HV_CHECK_OFFSET(struct hv_boot_info, workdir, 336);
HV_CHECK_OFFSET(struct hv_boot_info, exe_path, 344);
HV_CHECK_OFFSET(struct hv_boot_info, memory_limit, 352);
HV_CHECK_OFFSET(struct hv_boot_info, pid, 360);
HV_CHECK_OFFSET(struct hv_boot_info, events, 368);
HV_CHECK_OFFSET(struct hv_boot_info, signals, 376);
HV_CHECK_OFFSET(struct hv_boot_info, protect_entry, 384);
HV_CHECK_OFFSET(struct hv_boot_info, page_table_root, 392);
HV_CHECK_OFFSET(struct hv_boot_info, tlb_flush_entry, 400);
HV_CHECK_OFFSET(struct hv_boot_info, remap_own_entry, 408);
HV_CHECK_OFFSET(struct hv_boot_info, map_file_entry, 416);

/*
 * The native interface the runtime offers SDK apps. Its address is in the
 * app's auxiliary vector under AT_HV_NATIVE; an app not under hvrun has no
 * such entry. The functions are called directly (no trap), at the app's
 * privilege, on the app's stack.
 */
#define AT_HV_NATIVE 0x48560001ull
#define HV_NATIVE_MAGIC 0x45564954414e5648ull /* "HVNATIVE" */

struct hv_stats {
  uint64_t hypercalls;           /* all hypercalls made by the runtime and app */
  uint64_t syscalls;             /* Linux syscalls served by the shim */
  uint64_t unsupported_syscalls; /* of which returned ENOSYS as unknown */
  uint64_t per_call[HV_CALL_MAX];/* hypercalls by number */
};
HV_CHECK_SIZE(struct hv_stats, 24 + 8 * HV_CALL_MAX);

struct hv_native {
  uint64_t magic;        /* HV_NATIVE_MAGIC */
  uint32_t abi_version;  /* HV_ABI_VERSION */
  uint32_t backend;      /* enum hv_backend_kind */
  /* int64_t hypercall(uint64_t nr, uint64_t arg): counted, like the runtime's */
  HV_GUEST_PTR(void) hypercall;
  /* uint64_t monotonic_ns(void), from the calibrated TSC */
  HV_GUEST_PTR(void) monotonic_ns;
  /* void get_stats(struct hv_stats* out) */
  HV_GUEST_PTR(void) get_stats;
};
HV_CHECK_SIZE(struct hv_native, 40);
HV_CHECK_OFFSET(struct hv_native, hypercall, 16);
HV_CHECK_OFFSET(struct hv_native, monotonic_ns, 24);
HV_CHECK_OFFSET(struct hv_native, get_stats, 32);

/* clang-format on */

#endif /* HV_ABI_H_ */
