// File: tests/hostile/guests/bad_hypercalls.c
//
// Raw hypercalls with bad numbers, pointers, lengths, handles and flags,
// straight through the native entry (no runtime checks in front). Each line
// prints the call and what hvrun answered; every one must be an error the
// guest can see (-EFAULT, -EINVAL, -EBADF, -ENOSYS, ...), never an hvrun
// crash, hang or host effect. Run with one writable mount at index 0.
#include <errno.h>
#include <string.h>

#include "tests/hostile/guests/hostile_guest.h"

static const struct hv_native* hv;

#define P(x) ((uint64_t)(uintptr_t)(x))
static const uint64_t kWild = 0xfffffffffffff000ull;  // never guest memory
static const uint64_t kHigh = 1ull << 46;             // above any guest memory

static void call(const char* what, uint64_t nr, uint64_t arg) {
  hostile_report_call(hv, what, nr, arg);
}

static struct hv_mount_path path(uint32_t mount, const char* p) {
  struct hv_mount_path m = {.mount = mount, .len = (uint32_t)strlen(p), .path = P(p)};
  return m;
}

int main(void) {
  hv = hostile_native();
  setvbuf(stdout, NULL, _IOLBF, 0);  // a crash mid-way still shows how far it got
  static char buf[4096];

  // Numbers.
  call("nr 0 (reserved)", 0, 0);
  call("nr HV_CALL_MAX", HV_CALL_MAX, 0);
  call("nr 0xffffffff", 0xffffffffull, 0);
  call("nr 1<<63", 1ull << 63, 0);
  call("REGISTER from the app (wild pointer)", HV_CALL_REGISTER, kWild);

  // Argument pointers.
  const uint64_t calls[] = {HV_CALL_CONSOLE_WRITE, HV_CALL_CONSOLE_READ, HV_CALL_CONSOLE_INFO,
                            HV_CALL_RANDOM,        HV_CALL_MEM_DISCARD,  HV_CALL_CLOCK,
                            HV_CALL_UNSUPPORTED,   HV_CALL_FILE_OPEN,    HV_CALL_FILE_CLOSE,
                            HV_CALL_FILE_READ,     HV_CALL_FILE_WRITE,   HV_CALL_FILE_STAT,
                            HV_CALL_FILE_GETDENTS, HV_CALL_FILE_PATHOP,  HV_CALL_FILE_FDOP,
                            HV_CALL_WAIT,          HV_CALL_SUBMIT,       HV_CALL_MEM_BACK};
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; ++i) {
    char what[64];
    snprintf(what, sizeof what, "nr %llu arg null", (unsigned long long)calls[i]);
    call(what, calls[i], 0);
    snprintf(what, sizeof what, "nr %llu arg wraps", (unsigned long long)calls[i]);
    call(what, calls[i], 0xfffffffffffffff8ull);
    snprintf(what, sizeof what, "nr %llu arg above memory", (unsigned long long)calls[i]);
    call(what, calls[i], kHigh);
  }

  // Console.
  struct hv_console_io io = {.fd = 1, .data = 0, .len = 16};
  call("console write data null", HV_CALL_CONSOLE_WRITE, P(&io));
  io = (struct hv_console_io){.fd = 1, .data = kWild, .len = 1ull << 63};
  call("console write wild data, len 1<<63", HV_CALL_CONSOLE_WRITE, P(&io));
  io = (struct hv_console_io){.fd = 7, .data = P(buf), .len = 1};
  call("console write fd 7", HV_CALL_CONSOLE_WRITE, P(&io));
  io = (struct hv_console_io){.fd = 1, .data = P(buf), .len = 1};
  call("console read fd 1", HV_CALL_CONSOLE_READ, P(&io));
  struct hv_console_info info = {.fd = 99};
  call("console info fd 99", HV_CALL_CONSOLE_INFO, P(&info));

  // Buffers.
  struct hv_buffer b = {.data = 0, .len = 16};
  call("random into null", HV_CALL_RANDOM, P(&b));
  b = (struct hv_buffer){.data = kWild, .len = 1ull << 62};
  call("random into wild memory, len 1<<62", HV_CALL_RANDOM, P(&b));
  b = (struct hv_buffer){.data = kHigh, .len = 4096};
  call("discard above memory", HV_CALL_MEM_DISCARD, P(&b));
  b = (struct hv_buffer){.data = P(buf) + 1, .len = 4096};
  call("discard misaligned", HV_CALL_MEM_DISCARD, P(&b));
  b = (struct hv_buffer){.data = 0x1000, .len = ~0ull - 0xfff};
  call("discard wrapping length", HV_CALL_MEM_DISCARD, P(&b));
  b = (struct hv_buffer){.data = kHigh, .len = 4096};
  call("back above memory", HV_CALL_MEM_BACK, P(&b));
  b = (struct hv_buffer){.data = 0x1000, .len = ~0ull - 0xfff};
  call("back wrapping length", HV_CALL_MEM_BACK, P(&b));
  b = (struct hv_buffer){.data = P(buf), .len = sizeof buf};
  call("back the app's own buffer", HV_CALL_MEM_BACK, P(&b));
  struct hv_clock clk = {.clock_id = 999};
  call("clock id 999", HV_CALL_CLOCK, P(&clk));
  struct hv_unsupported u = {.nr = 99999, .count = 1, .note = kWild, .note_len = 1ull << 60};
  call("unsupported with wild note", HV_CALL_UNSUPPORTED, P(&u));

  // Host files (mount 0 is a writable scratch directory).
  struct hv_file_open o = {.at = path(77, "x"), .flags = 0};
  call("open in mount 77", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = path(0, "../../../etc/passwd"), .flags = 0};
  call("open ../../../etc/passwd", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = path(0, "/etc/passwd"), .flags = 0};
  call("open /etc/passwd", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = {.mount = 0, .len = 5, .path = P("a\0b/c")}, .flags = 0};
  call("open path with a NUL", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = {.mount = 0, .len = 0xffffffffu, .path = P(buf)}, .flags = 0};
  call("open path len 0xffffffff", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = {.mount = 0, .len = 16, .path = kWild}, .flags = 0};
  call("open wild path", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = path(0, "f"), .flags = 0x80000000u};
  call("open unknown flags", HV_CALL_FILE_OPEN, P(&o));
  o = (struct hv_file_open){.at = path(0, "/proc/self/root"), .flags = 0};
  call("open /proc/self/root", HV_CALL_FILE_OPEN, P(&o));
  struct hv_file_io fio = {.handle = 99999, .data = P(buf), .len = 16, .offset = 0};
  call("read handle 99999", HV_CALL_FILE_READ, P(&fio));
  fio.handle = 0xffffffffu;
  call("write handle 0xffffffff", HV_CALL_FILE_WRITE, P(&fio));
  call("close handle 0xffffffff", HV_CALL_FILE_CLOSE, P(&fio));
  call("getdents handle 0xffffffff", HV_CALL_FILE_GETDENTS, P(&fio));
  o = (struct hv_file_open){.at = path(0, "f"), .flags = 0102 /* O_RDWR|O_CREAT */, .mode = 0600};
  const int64_t h = hostile_hypercall(hv, HV_CALL_FILE_OPEN, P(&o));
  printf("%-44s -> %s\n", "create f", h >= 0 ? "a handle" : "an error");
  fio = (struct hv_file_io){.handle = (uint32_t)h, .data = kWild, .len = 16, .offset = 0};
  call("write f from wild data", HV_CALL_FILE_WRITE, P(&fio));
  fio = (struct hv_file_io){.handle = (uint32_t)h, .data = P(buf), .len = 16, .offset = -5};
  call("write f at offset -5", HV_CALL_FILE_WRITE, P(&fio));
  fio = (struct hv_file_io){.handle = (uint32_t)h, .data = P(buf), .len = ~0ull, .offset = 0};
  call("read f len ~0", HV_CALL_FILE_READ, P(&fio));
  struct hv_file_stat st = {.by_path = 1, .at = path(0, "f"), .st = kWild};
  call("stat f into wild memory", HV_CALL_FILE_STAT, P(&st));
  struct hv_file_pathop op = {.op = 999, .at = path(0, "f")};
  call("pathop 999", HV_CALL_FILE_PATHOP, P(&op));
  op = (struct hv_file_pathop){.op = HV_PATHOP_RENAME, .at = path(0, "f"), .to = path(77, "g")};
  call("rename into mount 77", HV_CALL_FILE_PATHOP, P(&op));
  op = (struct hv_file_pathop){.op = HV_PATHOP_RENAME, .at = path(0, "f"), .to = path(0, "../g")};
  call("rename to ../g", HV_CALL_FILE_PATHOP, P(&op));
  op = (struct hv_file_pathop){
      .op = HV_PATHOP_READLINK, .at = path(0, "f"), .buf = kWild, .buf_len = 1ull << 40};
  call("readlink into wild memory", HV_CALL_FILE_PATHOP, P(&op));
  op = (struct hv_file_pathop){.op = HV_PATHOP_UTIMENS, .at = path(0, "f"), .buf = kWild};
  call("utimens from wild memory", HV_CALL_FILE_PATHOP, P(&op));
  struct hv_file_fdop fd = {.op = 999, .handle = (uint32_t)h};
  call("fdop 999", HV_CALL_FILE_FDOP, P(&fd));
  fd = (struct hv_file_fdop){
      .op = HV_FDOP_FALLOCATE, .handle = (uint32_t)h, .arg0 = ~0ull, .arg1 = ~0ull};
  call("fallocate offset ~0 len ~0", HV_CALL_FILE_FDOP, P(&fd));
  fd = (struct hv_file_fdop){.op = HV_FDOP_TRUNCATE, .handle = (uint32_t)h, .arg0 = ~0ull};
  call("ftruncate to ~0", HV_CALL_FILE_FDOP, P(&fd));
  op = (struct hv_file_pathop){.op = HV_PATHOP_STATFS, .at = path(0, "f"), .buf = kWild};
  call("statfs into wild memory", HV_CALL_FILE_PATHOP, P(&op));
  fd = (struct hv_file_fdop){.op = HV_FDOP_STATFS, .handle = (uint32_t)h, .arg0 = kHigh};
  call("fstatfs above memory", HV_CALL_FILE_FDOP, P(&fd));
  fd = (struct hv_file_fdop){.op = HV_FDOP_PIPE_SIZE, .handle = (uint32_t)h, .flags = 1};
  call("pipe size of a file", HV_CALL_FILE_FDOP, P(&fd));
  struct hv_pipe hp = {.flags = 0};
  if (hostile_hypercall(hv, HV_CALL_PIPE, P(&hp)) == 0) {
    fd = (struct hv_file_fdop){
        .op = HV_FDOP_PIPE_SIZE, .handle = hp.handles[1], .flags = 1, .arg0 = 1ull << 30};
    call("pipe size 1 GiB", HV_CALL_FILE_FDOP, P(&fd));
    fd.arg0 = ~0ull;
    call("pipe size ~0", HV_CALL_FILE_FDOP, P(&fd));
  }

  // Waiting and submitting.
  struct hv_wait w = {.deadline_ns = 0, .word = P(buf) + 1, .seen = 0};
  call("wait on a misaligned word", HV_CALL_WAIT, P(&w));
  w = (struct hv_wait){.deadline_ns = 0, .word = kHigh, .seen = 0};
  call("wait on a word above memory", HV_CALL_WAIT, P(&w));
  w = (struct hv_wait){.deadline_ns = -1, .word = 0, .seen = 0};
  call("wait until the past", HV_CALL_WAIT, P(&w));
  static uint32_t counter;
  struct hv_async a = {.nr = HV_CALL_SUBMIT, .arg = 0, .counter = P(&counter)};
  call("submit a submit", HV_CALL_SUBMIT, P(&a));
  a = (struct hv_async){.nr = HV_CALL_EXIT, .arg = 0, .counter = P(&counter)};
  call("submit an exit", HV_CALL_SUBMIT, P(&a));
  a = (struct hv_async){.nr = 1ull << 63, .arg = 0, .counter = P(&counter)};
  call("submit nr 1<<63", HV_CALL_SUBMIT, P(&a));
  io = (struct hv_console_io){.fd = 1, .data = P(buf), .len = 1};
  a = (struct hv_async){.nr = HV_CALL_CONSOLE_WRITE, .arg = P(&io), .counter = P(&counter) + 2};
  call("submit with a misaligned counter", HV_CALL_SUBMIT, P(&a));
  a = (struct hv_async){.nr = HV_CALL_CONSOLE_WRITE, .arg = P(&io), .counter = kHigh};
  call("submit with a counter above memory", HV_CALL_SUBMIT, P(&a));
  a = (struct hv_async){.nr = HV_CALL_CONSOLE_WRITE, .arg = kWild, .counter = P(&counter)};
  call("submit a console write with a wild arg", HV_CALL_SUBMIT, P(&a));
  printf("%-44s -> %lld\n", "  its result", (long long)a.result);

  fflush(stdout);
  printf("all answered\n");
  return 0;
}
