// File: tests/hostile/guests/bad_process_calls.c
//
// The process hypercalls (HV_CALL_FORK, PROC, EXEC, PIPE) with bad
// operations, pids, signals, handles, images and flags, straight through the
// native entry (no runtime in front). Each line prints the call and hvrun's
// answer; every one must be an error the guest can see, never an hvrun crash,
// hang, or an effect on another process or the host. Last, a raw FORK, whose
// child has no saved context to resume (the runtime's fork never ran): the
// child must end as a crash of its own, and this process carries on.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/hostile/guests/hostile_guest.h"

static const struct hv_native* hv;

#define P(x) ((uint64_t)(uintptr_t)(x))
static const uint64_t kWild = 0xfffffffffffff000ull;  // never guest memory
static const uint64_t kHigh = 1ull << 46;             // above any guest memory

static void call(const char* what, uint64_t nr, uint64_t arg) {
  hostile_report_call(hv, what, nr, arg);
}

static void proc(const char* what, uint32_t op, int32_t pid, int32_t arg) {
  struct hv_proc p = {.op = op, .pid = pid, .arg = arg};
  call(what, HV_CALL_PROC, P(&p));
}

int main(int argc, char** argv) {
  hv = hostile_native();
  setvbuf(stdout, NULL, _IOLBF, 0);  // a crash mid-way still shows how far it got
  const uint64_t calls[] = {HV_CALL_PROC,  HV_CALL_EXEC,    HV_CALL_PIPE,
                            HV_CALL_FUTEX, HV_CALL_EVENTFD, HV_CALL_PROC_INFO};
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; ++i) {
    char what[64];
    snprintf(what, sizeof what, "nr %llu arg null", (unsigned long long)calls[i]);
    call(what, calls[i], 0);
    snprintf(what, sizeof what, "nr %llu arg wraps", (unsigned long long)calls[i]);
    call(what, calls[i], 0xfffffffffffffff8ull);
    snprintf(what, sizeof what, "nr %llu arg above memory", (unsigned long long)calls[i]);
    call(what, calls[i], kHigh);
  }

  proc("proc op 0", 0, 0, 0);
  proc("proc op 999", 999, 0, 0);
  proc("kill pid INT_MIN", HV_PROC_KILL, INT_MIN, 0);
  proc("kill pid 99999", HV_PROC_KILL, 99999, 15);
  proc("kill self sig 65", HV_PROC_KILL, 1, 65);
  proc("kill self sig -1", HV_PROC_KILL, 1, -1);
  proc("kill group -99999", HV_PROC_KILL, -99999, 15);
  proc("wait pid INT_MAX", HV_PROC_WAIT, INT_MAX, 0);
  proc("wait pid INT_MIN", HV_PROC_WAIT, INT_MIN, 0);
  proc("wait unknown options", HV_PROC_WAIT, -1, 0x7fff0000);
  proc("getpgid pid 99999", HV_PROC_GETPGID, 99999, 0);
  proc("getsid pid -5", HV_PROC_GETSID, -5, 0);
  proc("setpgid pid 99999", HV_PROC_SETPGID, 99999, 0);
  proc("setpgid to pgid -7", HV_PROC_SETPGID, 0, -7);
  proc("setpgid to a group that does not exist", HV_PROC_SETPGID, 0, 4242);
  call("fork arg null", HV_CALL_FORK, 0);
  static uint64_t fork_flags = 0xff;
  call("fork flags 0xff", HV_CALL_FORK, P(&fork_flags));
  proc("pdeathsig 65", HV_PROC_SET_PDEATHSIG, 0, 65);
  proc("pdeathsig -1", HV_PROC_SET_PDEATHSIG, 0, -1);
  proc("nocldwait 4", HV_PROC_SET_NOCLDWAIT, 0, 4);
  proc("nocldwait -1", HV_PROC_SET_NOCLDWAIT, 0, -1);
  proc("subreaper 7", HV_PROC_SET_SUBREAPER, 0, 7);
  proc("stop sig 9", HV_PROC_STOP, 0, 9);
  proc("stop init", HV_PROC_STOP, 0, 19);
  proc("new tids 0", HV_PROC_NEW_TIDS, 0, 0);
  proc("new tids 1025", HV_PROC_NEW_TIDS, 0, 1025);
  proc("new tids -1", HV_PROC_NEW_TIDS, 0, -1);

  struct hv_exec x = {.op = 999};
  call("exec op 999", HV_CALL_EXEC, P(&x));
  x = (struct hv_exec){.op = HV_EXEC_PREPARE, .handle = 0xffffffffu};
  call("exec prepare handle 0xffffffff", HV_CALL_EXEC, P(&x));
  x = (struct hv_exec){.op = HV_EXEC_PREPARE, .image = kWild, .image_len = 1ull << 62};
  call("exec prepare wild image, len 1<<62", HV_CALL_EXEC, P(&x));
  static char junk[4096];
  memset(junk, 0x7f, sizeof junk);
  x = (struct hv_exec){.op = HV_EXEC_PREPARE, .image = P(junk), .image_len = sizeof junk};
  call("exec prepare an image of junk", HV_CALL_EXEC, P(&x));
  x = (struct hv_exec){.op = HV_EXEC_LOAD};
  call("exec load with nothing prepared", HV_CALL_EXEC, P(&x));

  // Shared memory: bad ranges and operations. (A private page the runtime
  // knows nothing of, shared straight through hvrun.)
  char* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct hv_mem_share sh = {.op = 9, .addr = P(page), .len = 4096};
  call("share op 9", HV_CALL_MEM_SHARE, P(&sh));
  sh = (struct hv_mem_share){.op = HV_SHARE_ADD, .addr = P(page) + 1, .len = 4096};
  call("share a misaligned range", HV_CALL_MEM_SHARE, P(&sh));
  sh = (struct hv_mem_share){.op = HV_SHARE_ADD, .addr = kWild, .len = 1ull << 40};
  call("share a wild range", HV_CALL_MEM_SHARE, P(&sh));
  sh = (struct hv_mem_share){.op = HV_SHARE_ADD, .addr = 0x2000, .len = 0xe000};
  call("share the backend pages", HV_CALL_MEM_SHARE, P(&sh));
  sh = (struct hv_mem_share){.op = HV_SHARE_ADD, .addr = P(page), .len = 4096};
  call("share a page", HV_CALL_MEM_SHARE, P(&sh));
  call("share it again", HV_CALL_MEM_SHARE, P(&sh));
  sh.op = HV_SHARE_REMOVE;
  call("unshare it", HV_CALL_MEM_SHARE, P(&sh));
  call("unshare it again", HV_CALL_MEM_SHARE, P(&sh));

  // Futexes in shared memory: a wait only through HV_CALL_SUBMIT, words
  // checked like any guest pointer.
  static uint32_t word;
  struct hv_futex fx = {
      .op = HV_FUTEX_WAIT, .addr = P(&word), .timeout_ns = 1000000, .bitset = ~0u};
  call("futex wait, not submitted", HV_CALL_FUTEX, P(&fx));
  fx = (struct hv_futex){.op = HV_FUTEX_WAKE, .val = 1, .addr = kWild, .bitset = ~0u};
  call("futex wake a wild word", HV_CALL_FUTEX, P(&fx));
  fx = (struct hv_futex){.op = HV_FUTEX_WAKE, .val = 1, .addr = P(&word) + 1, .bitset = ~0u};
  call("futex wake a misaligned word", HV_CALL_FUTEX, P(&fx));
  fx = (struct hv_futex){.op = HV_FUTEX_WAKE, .val = 0xffffffffu, .addr = P(&word), .bitset = 0};
  call("futex wake with bitset 0", HV_CALL_FUTEX, P(&fx));
  fx = (struct hv_futex){.op = 77, .addr = P(&word), .bitset = ~0u};
  call("futex op 77", HV_CALL_FUTEX, P(&fx));
  fx = (struct hv_futex){.op = HV_FUTEX_WAKE, .val = 0xffffffffu, .addr = P(&word), .bitset = ~0u};
  call("futex wake no one", HV_CALL_FUTEX, P(&fx));
  // More submitted waits than hvrun takes: each is queued or -EBUSY, and
  // the ones still waiting at exit must not hold hvrun up.
  static struct hv_async waits[200];
  static uint32_t completions;
  static struct hv_futex wait_req = {
      .op = HV_FUTEX_WAIT, .addr = 0, .timeout_ns = HV_FUTEX_SLICE_NS, .bitset = ~0u};
  wait_req.addr = P(&word);
  int odd = 0;
  for (int i = 0; i < 200; i++) {
    waits[i] =
        (struct hv_async){.nr = HV_CALL_FUTEX, .arg = P(&wait_req), .counter = P(&completions)};
    const int64_t r = hostile_hypercall(hv, HV_CALL_SUBMIT, P(&waits[i]));
    const int64_t result = waits[i].result;
    odd +=
        !(r == HV_SUBMIT_QUEUED ||
          (r == HV_SUBMIT_DONE && (result == -EBUSY || result == -ENOSYS || result == -ETIMEDOUT)));
  }
  printf("%-44s -> %s\n", "200 submitted futex waits",
         odd == 0 ? "queued or refused" : "odd answers");

  struct hv_pipe pp = {.flags = 0xffffffffu};
  call("pipe flags 0xffffffff", HV_CALL_PIPE, P(&pp));
  // A pipe read straight through the mailbox (not submitted), with both ends
  // held here, must not stall the mailbox: -EAGAIN, never a hang.
  pp = (struct hv_pipe){.flags = 0};
  if (hostile_hypercall(hv, HV_CALL_PIPE, P(&pp)) == 0) {
    static char byte;
    struct hv_file_io rd = {.handle = pp.handles[0], .data = P(&byte), .len = 1, .offset = -1};
    call("direct read of an empty pipe", HV_CALL_FILE_READ, P(&rd));
    // Locks and socket calls on it, with bad arguments.
    struct hv_file_fdop op = {
        .op = HV_FDOP_LOCK, .handle = pp.handles[0], .flags = 6, .arg0 = kWild};
    call("lock with a wild struct flock", HV_CALL_FILE_FDOP, P(&op));
    static struct flock fl = {.l_type = F_WRLCK};
    op = (struct hv_file_fdop){
        .op = HV_FDOP_LOCK, .handle = pp.handles[0], .flags = 7, .arg0 = P(&fl)};
    call("lock cmd F_SETLKW (never hvrun's)", HV_CALL_FILE_FDOP, P(&op));
    fl.l_whence = 9;
    op.flags = 6;
    call("lock with l_whence 9", HV_CALL_FILE_FDOP, P(&op));
    op = (struct hv_file_fdop){.op = HV_FDOP_FLOCK, .handle = pp.handles[0], .flags = 99};
    call("flock op 99", HV_CALL_FILE_FDOP, P(&op));
    op = (struct hv_file_fdop){.op = HV_FDOP_SHUTDOWN, .handle = pp.handles[0], .arg0 = 1};
    call("shutdown a pipe", HV_CALL_FILE_FDOP, P(&op));
    op = (struct hv_file_fdop){.op = HV_FDOP_UNLOCK_POSIX, .handle = 0xfffffff0u};
    call("unlock a bad handle", HV_CALL_FILE_FDOP, P(&op));
  }
  struct hv_eventfd ev = {.initval = 1, .flags = 0xff};
  call("eventfd flags 0xff", HV_CALL_EVENTFD, P(&ev));
  struct hv_pipe sp = {.socket_type = 77};
  call("socket pair of type 77", HV_CALL_PIPE, P(&sp));
  sp = (struct hv_pipe){.flags = 04000, .socket_type = 1};
  call("socket pair with pipe flags", HV_CALL_PIPE, P(&sp));

  // What /proc/<pid> shows: bad operations, fields, lengths and buffers.
  static char text[64] = "x";
  struct hv_proc_info pi = {.op = 99};
  call("proc info op 99", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_SET, .fields = 0x80};
  call("proc info set fields 0x80", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_SET,
                             .fields = HV_PROCINFO_CMDLINE,
                             .cmdline = P(text),
                             .cmdline_len = 1 << 20};
  call("proc info set a 1 MiB cmdline", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){
      .op = HV_PROCINFO_SET, .fields = HV_PROCINFO_EXE, .exe = kWild, .exe_len = 100};
  call("proc info set a wild exe", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_GET, .pid = 99999};
  call("proc info get pid 99999", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_GET, .pid = 1, .cmdline = kWild, .cmdline_len = 100};
  call("proc info get into a wild buffer", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_LIST, .cmdline = kWild, .cmdline_len = 100};
  call("proc info list into a wild buffer", HV_CALL_PROC_INFO, P(&pi));
  pi = (struct hv_proc_info){.op = HV_PROCINFO_LIST, .cmdline = P(text), .cmdline_len = 0};
  call("proc info count", HV_CALL_PROC_INFO, P(&pi));

  // A raw fork: the child resumes nowhere and crashes on its own.
  uint64_t unused = 0;
  const int64_t child = hostile_hypercall(hv, HV_CALL_FORK, P(&unused));
  if (child > 0) {
    struct hv_proc w = {.op = HV_PROC_WAIT, .pid = (int32_t)child, .arg = 0};
    int64_t r;
    while ((r = hostile_hypercall(hv, HV_CALL_PROC, P(&w))) == -EAGAIN) {
    }
    printf("%-44s -> %s\n", "raw fork: the child",
           r == child && (w.status & 0x7f) != 0 ? "died of a signal" : "did something else");
  } else {
    printf("%-44s -> %s\n", "raw fork", child < 0 ? "refused" : "child resumed?!");
  }
  (void)argc;
  (void)argv;
  printf("all answered\n");
  return 0;
}
