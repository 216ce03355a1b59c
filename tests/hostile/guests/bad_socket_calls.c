// File: tests/hostile/guests/bad_socket_calls.c
//
// HV_CALL_SOCKET and HV_CALL_POLL straight through the native entry (no
// runtime in front): unknown families, types and operations, handles that
// are not sockets, addresses of bad lengths and wild pointers, a bind the
// network policy refuses, options that need a capability, wild option
// buffers and iovec arrays, a poll of too many or wild items, and sockets
// made until the handle table is full. Each line prints the call and
// hvrun's answer; each must be an error the guest sees, never an hvrun
// crash, hang or leak.
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "tests/hostile/guests/hostile_guest.h"

static const struct hv_native* hv;

#define P(x) ((uint64_t)(uintptr_t)(x))
static const uint64_t kWild = 0xfffffffffffff000ull;

static int64_t sock(const char* what, struct hv_socket* s) {
  if (s->path.mount == 0 && s->path.len == 0) s->path.mount = HV_SOCK_NO_PATH;
  if (what != NULL) hostile_report_call(hv, what, HV_CALL_SOCKET, P(s));
  return what == NULL ? hostile_hypercall(hv, HV_CALL_SOCKET, P(s)) : 0;
}

static void create(const char* what, uint64_t domain, uint64_t type, uint64_t protocol) {
  struct hv_socket s = {.op = HV_SOCK_CREATE, .arg0 = domain, .arg1 = type, .arg2 = protocol};
  sock(what, &s);
}

int main(int argc, char** argv) {
  hv = hostile_native();
  setvbuf(stdout, NULL, _IOLBF, 0);
  create("create: family 12345", 12345, SOCK_STREAM, 0);
  create("create: SOCK_RAW", AF_INET, SOCK_RAW, IPPROTO_ICMP);
  create("create: SOCK_PACKET", AF_INET, SOCK_PACKET, 0);
  create("create: type 99", AF_INET, 99, 0);
  create("create: protocol 2^40", AF_INET, SOCK_STREAM, 1ull << 40);
  create("create: AF_NETLINK", AF_NETLINK, SOCK_RAW, 0);
  struct hv_socket c = {.op = HV_SOCK_CREATE, .arg0 = AF_INET, .arg1 = SOCK_STREAM};
  const int64_t tcp = sock(NULL, &c);
  if (tcp < 0) {
    printf("cannot make a TCP socket: %lld\n", (long long)tcp);
    return 1;
  }
  const uint32_t h = (uint32_t)tcp;
  struct hv_pipe pp = {0};
  const int64_t piped = hostile_hypercall(hv, HV_CALL_PIPE, P(&pp));

  struct sockaddr_in in = {.sin_family = AF_INET};
  struct hv_socket s = {.op = 999, .handle = h};
  sock("op 999", &s);
  s = (struct hv_socket){.op = HV_SOCK_NAME, .handle = 4095};
  sock("a handle not open", &s);
  if (piped == 0) {
    s = (struct hv_socket){.op = HV_SOCK_LISTEN, .handle = pp.handles[0]};
    sock("listen on a pipe", &s);
  } else {
    printf("%-44s -> -ENOTSOCK\n", "listen on a pipe");  // no host pipes here
  }
  s = (struct hv_socket){.op = HV_SOCK_BIND, .handle = h, .addr = P(&in), .addr_len = 4096};
  sock("bind: address length 4096", &s);
  s = (struct hv_socket){.op = HV_SOCK_BIND, .handle = h, .addr = P(&in), .addr_len = 1};
  sock("bind: address length 1", &s);
  s = (struct hv_socket){.op = HV_SOCK_BIND, .handle = h, .addr = kWild, .addr_len = 16};
  sock("bind: a wild address", &s);
  in.sin_addr.s_addr = htonl(0x08080808);
  s = (struct hv_socket){.op = HV_SOCK_BIND, .handle = h, .addr = P(&in), .addr_len = sizeof in};
  sock("bind: 8.8.8.8, not the host's loopback", &s);
  struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "x"};
  s = (struct hv_socket){.op = HV_SOCK_BIND, .handle = h, .addr = P(&un), .addr_len = sizeof un};
  sock("bind: AF_UNIX on a TCP socket", &s);
  s = (struct hv_socket){.op = HV_SOCK_ACCEPT, .handle = h};
  sock("accept: not listening", &s);

  // AF_UNIX paths: a mount that does not exist, a path that climbs out.
  struct hv_socket u = {.op = HV_SOCK_CREATE, .arg0 = AF_UNIX, .arg1 = SOCK_STREAM};
  const int64_t unix_h = sock(NULL, &u);
  static const char climb[] = "../../../../etc/passwd";
  s = (struct hv_socket){.op = HV_SOCK_CONNECT,
                         .handle = (uint32_t)unix_h,
                         .addr = P(&un),
                         .addr_len = sizeof un,
                         .path = {.mount = 9999, .len = 1, .path = P("x")}};
  sock("connect: mount 9999", &s);
  s.path = (struct hv_mount_path){.mount = 0, .len = sizeof climb - 1, .path = P(climb)};
  sock("connect: a path out of its mount", &s);
  s.path = (struct hv_mount_path){.mount = 0, .len = 1u << 20, .path = P(climb)};
  sock("connect: a path of 1 MiB", &s);
  un.sun_path[0] = 0;
  memset(un.sun_path + 1, 'a', sizeof un.sun_path - 1);
  s = (struct hv_socket){
      .op = HV_SOCK_BIND, .handle = (uint32_t)unix_h, .addr = P(&un), .addr_len = sizeof un};
  sock("bind: the longest abstract name", &s);
  sock("bind: it again", &s);

  // Options.
  int one = 1, seven = 7;
  s = (struct hv_socket){.op = HV_SOCK_SETOPT,
                         .handle = h,
                         .arg0 = SOL_SOCKET,
                         .arg1 = SO_BINDTODEVICE,
                         .data = P("lo"),
                         .data_len = 3};
  sock("setopt: SO_BINDTODEVICE", &s);
  s.arg1 = SO_MARK;
  s.data = P(&one);
  s.data_len = sizeof one;
  sock("setopt: SO_MARK", &s);
  s.arg1 = SO_PRIORITY;
  s.data = P(&seven);
  sock("setopt: SO_PRIORITY 7", &s);
  s.arg1 = SO_REUSEADDR;
  s.data = kWild;
  sock("setopt: a wild value", &s);
  s.data = P(&one);
  s.data_len = 1ull << 40;
  sock("setopt: a value of 2^40 bytes", &s);
  s = (struct hv_socket){.op = HV_SOCK_GETOPT,
                         .handle = h,
                         .arg0 = SOL_SOCKET,
                         .arg1 = SO_TYPE,
                         .data = kWild,
                         .data_len = 4};
  sock("getopt: into a wild buffer", &s);
  s.arg0 = 1ull << 33;
  sock("getopt: level 2^33", &s);

  // Transfers.
  struct hv_iovec iov[2] = {{P("x"), 1}, {kWild, 4096}};
  s = (struct hv_socket){.op = HV_SOCK_SENDMSG, .handle = h, .data = P(iov), .data_len = 2000};
  sock("sendmsg: 2000 iovecs", &s);
  s.data_len = 2;
  sock("sendmsg: a wild iovec", &s);
  s.data = kWild;
  sock("sendmsg: a wild iovec array", &s);
  s.data = P(iov);
  s.data_len = 1;
  s.flags = 0x10000000u;
  sock("sendmsg: flag 0x10000000", &s);
  s.flags = HV_SOCK_WAIT;  // made in line: ignored
  sock("sendmsg: HV_SOCK_WAIT in line", &s);
  s = (struct hv_socket){.op = HV_SOCK_RECVMSG,
                         .handle = h,
                         .data = P(iov),
                         .data_len = 1,
                         .addr = kWild,
                         .addr_len = 16};
  sock("recvmsg: not connected", &s);
  s.addr = 0;
  s.control = kWild;
  s.control_len = 64;
  sock("recvmsg: a wild control buffer", &s);
  static char control[4096];
  s.control = P(control);
  s.control_len = 1ull << 40;
  sock("recvmsg: a control buffer of 2^40 bytes", &s);
  // SO_ATTACH_FILTER's struct sock_fprog points into guest memory.
  struct {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;
  } prog = {65535, {0}, kWild};
  s = (struct hv_socket){.op = HV_SOCK_SETOPT,
                         .handle = h,
                         .data = P(&prog),
                         .data_len = sizeof prog,
                         .arg0 = SOL_SOCKET,
                         .arg1 = SO_ATTACH_FILTER};
  sock("setopt: a filter of 65535 instructions", &s);
  prog.len = 4;
  sock("setopt: a filter at a wild address", &s);
  s.data_len = 4;
  sock("setopt: a filter's header cut short", &s);

  // SCM_RIGHTS over a socket pair.
  struct hv_pipe sp = {.socket_type = SOCK_STREAM};
  if (hostile_hypercall(hv, HV_CALL_PIPE, P(&sp)) == 0) {
    uint32_t handles[2] = {h, 4000};
    struct hv_iovec one = {P("x"), 1};
    s = (struct hv_socket){.op = HV_SOCK_SENDMSG,
                           .handle = sp.handles[0],
                           .data = P(&one),
                           .data_len = 1,
                           .arg0 = P(handles),
                           .arg1 = 65};
    sock("pass 65 files", &s);
    s.arg1 = 2;
    sock("pass a handle not open", &s);
    s.arg0 = kWild;
    sock("pass from a wild array", &s);
    s.arg0 = P(handles);
    s.arg1 = 1;
    sock("pass a socket", &s);
    s = (struct hv_socket){.op = HV_SOCK_RECVMSG,
                           .handle = sp.handles[1],
                           .data = P(&one),
                           .data_len = 1,
                           .arg0 = kWild,
                           .arg1 = 4};
    sock("receive into a wild array", &s);
    struct hv_passed got[4];
    s.arg0 = P(got);
    sock("receive it", &s);
    printf("%-44s -> %s\n", "what came",
           s.arg1 == 1 && (got[0].mode & S_IFMT) == S_IFSOCK ? "one socket" : "wrong");
    // Credentials the guest states are its own word: nonsense is kept,
    // never trusted by hvrun; a peer's credentials into a wild buffer fault.
    int one_int = 1;
    s = (struct hv_socket){.op = HV_SOCK_SETOPT,
                           .handle = sp.handles[1],
                           .data = P(&one_int),
                           .data_len = sizeof one_int,
                           .arg0 = SOL_SOCKET,
                           .arg1 = SO_PASSCRED};
    sock("setopt: SO_PASSCRED", &s);
    s = (struct hv_socket){.op = HV_SOCK_SENDMSG,
                           .handle = sp.handles[0],
                           .data = P(&one),
                           .data_len = 1,
                           .cred = {-7, 0xfffffffeu, 0xfffffffdu, 0xffffffffu}};
    sock("sendmsg: stated nonsense credentials", &s);
    char byte = 0;
    struct hv_iovec in_one = {P(&byte), 1};
    s = (struct hv_socket){
        .op = HV_SOCK_RECVMSG, .handle = sp.handles[1], .data = P(&in_one), .data_len = 1};
    sock("recvmsg: with SO_PASSCRED", &s);
    printf("%-44s -> %s\n", "the credentials that came",
           (s.cred.flags & HV_UCRED_SET) != 0 && s.cred.pid == -7 && s.cred.uid == 0xfffffffeu
               ? "as stated"
               : "wrong");
    s = (struct hv_socket){.op = HV_SOCK_GETOPT,
                           .handle = sp.handles[0],
                           .data = kWild,
                           .data_len = 12,
                           .arg0 = SOL_SOCKET,
                           .arg1 = SO_PEERCRED};
    sock("getopt: SO_PEERCRED into a wild buffer", &s);
    s.data = P(&one_int);
    s.data_len = 2;
    sock("getopt: SO_PEERCRED into 2 bytes", &s);
    // A waiting receive (submitted, HV_SOCK_WAIT) whose request the guest
    // turns to nonsense while hvrun waits: once input comes, hvrun reads the
    // request again and answers what it now says.
    static uint32_t wcounter;
    static char wbyte;
    static struct hv_iovec wiov;
    static struct hv_socket ws;
    static struct hv_async wa;
    wiov = (struct hv_iovec){P(&wbyte), 1};
    ws = (struct hv_socket){.op = HV_SOCK_RECVMSG,
                            .handle = sp.handles[1],
                            .flags = HV_SOCK_WAIT,
                            .data = P(&wiov),
                            .data_len = 1,
                            .path = {.mount = HV_SOCK_NO_PATH}};
    wa = (struct hv_async){.nr = HV_CALL_SOCKET, .arg = P(&ws), .counter = P(&wcounter)};
    const int64_t queued = hostile_hypercall(hv, HV_CALL_SUBMIT, P(&wa));
    printf("%-44s -> %s\n", "submit a waiting receive",
           queued == HV_SUBMIT_QUEUED ? "queued" : "not queued");
    __atomic_store_n(&ws.op, 999u, __ATOMIC_SEQ_CST);
    s = (struct hv_socket){
        .op = HV_SOCK_SENDMSG, .handle = sp.handles[0], .data = P(&one), .data_len = 1};
    sock("send it something", &s);
    for (int i = 0; i < 100000 && !__atomic_load_n(&wa.done, __ATOMIC_ACQUIRE); i++) {
      hostile_hypercall(hv, HV_CALL_NOP, 0);
    }
    printf("%-44s -> %s\n", "the waiting receive's answer",
           !__atomic_load_n(&wa.done, __ATOMIC_ACQUIRE) ? "none"
           : wa.result == -EINVAL                       ? "-EINVAL"
                                                        : "wrong");
    // And one left waiting when the guest exits (hvrun must not wait for it).
    ws.op = HV_SOCK_RECVMSG;
    wa = (struct hv_async){.nr = HV_CALL_SOCKET, .arg = P(&ws), .counter = P(&wcounter)};
    hostile_hypercall(hv, HV_CALL_SUBMIT, P(&wa));
  } else {
    printf("no socket pair\n");
  }

  // Polls.
  struct hv_poll_item items[2] = {{h, POLLIN, 0}, {4000, POLLIN, 0}};
  struct hv_poll p = {.items = P(items), .count = 5000};
  hostile_report_call(hv, "poll: 5000 items", HV_CALL_POLL, P(&p));
  p.count = 2;
  p.items = kWild;
  hostile_report_call(hv, "poll: wild items", HV_CALL_POLL, P(&p));
  p.items = P(items);
  p.timeout_ns = -1;
  hostile_report_call(hv, "poll: a negative timeout", HV_CALL_POLL, P(&p));
  p.timeout_ns = 0;
  hostile_report_call(hv, "poll: a handle not open", HV_CALL_POLL, P(&p));
  printf("%-44s -> %s\n", "its revents", items[1].revents == POLLNVAL ? "POLLNVAL" : "wrong");

  // Epolls.
  struct hv_epoll ep = {.op = HV_EPOLL_CREATE};
  const int64_t eh = hostile_hypercall(hv, HV_CALL_EPOLL, P(&ep));
  ep = (struct hv_epoll){.op = 99, .handle = (uint32_t)eh};
  hostile_report_call(hv, "epoll: op 99", HV_CALL_EPOLL, P(&ep));
  ep = (struct hv_epoll){.op = HV_EPOLL_WAIT, .handle = h, .max = 1, .out = P(items)};
  hostile_report_call(hv, "epoll: wait on a socket, not an epoll", HV_CALL_EPOLL, P(&ep));
  ep = (struct hv_epoll){.op = HV_EPOLL_WAIT, .handle = (uint32_t)eh, .max = 0, .out = P(items)};
  hostile_report_call(hv, "epoll: wait for 0 events", HV_CALL_EPOLL, P(&ep));
  ep.max = 5000;
  hostile_report_call(hv, "epoll: wait for 5000 events", HV_CALL_EPOLL, P(&ep));
  ep.max = 4;
  ep.out = kWild;
  hostile_report_call(hv, "epoll: wait into a wild buffer", HV_CALL_EPOLL, P(&ep));
  ep = (struct hv_epoll){
      .op = HV_EPOLL_CTL, .handle = (uint32_t)eh, .ctl = 1, .target = h, .events = 0x0fff0000u};
  hostile_report_call(hv, "epoll: unknown event bits", HV_CALL_EPOLL, P(&ep));
  ep.events = POLLIN;
  ep.ctl = 9;
  hostile_report_call(hv, "epoll: ctl op 9", HV_CALL_EPOLL, P(&ep));
  ep.ctl = 1;
  ep.target = (uint32_t)eh;
  hostile_report_call(hv, "epoll: watch itself", HV_CALL_EPOLL, P(&ep));
  ep.target = 4000;
  hostile_report_call(hv, "epoll: watch a handle not open", HV_CALL_EPOLL, P(&ep));

  // Timerfds.
  struct hv_timerfd tf = {.op = 99};
  hostile_report_call(hv, "timerfd: op 99", HV_CALL_TIMERFD, P(&tf));
  tf = (struct hv_timerfd){.op = HV_TIMERFD_CREATE, .clockid = 8 /* CLOCK_REALTIME_ALARM */};
  hostile_report_call(hv, "timerfd: an alarm clock", HV_CALL_TIMERFD, P(&tf));
  tf.clockid = 77;
  hostile_report_call(hv, "timerfd: clock 77", HV_CALL_TIMERFD, P(&tf));
  tf = (struct hv_timerfd){.op = HV_TIMERFD_SETTIME, .handle = h, .value = kWild};
  hostile_report_call(hv, "timerfd: a wild value", HV_CALL_TIMERFD, P(&tf));
  struct {
    int64_t v[4];
  } spec = {{0, 1000000000, 0, 0}};
  tf.value = P(&spec);
  hostile_report_call(hv, "timerfd: 1e9 ns", HV_CALL_TIMERFD, P(&tf));
  spec.v[1] = 0;
  spec.v[2] = 1;
  hostile_report_call(hv, "timerfd: set a socket", HV_CALL_TIMERFD, P(&tf));
  tf.flags = 0x80;
  hostile_report_call(hv, "timerfd: flag 0x80", HV_CALL_TIMERFD, P(&tf));
  tf = (struct hv_timerfd){.op = HV_TIMERFD_GETTIME, .handle = 4000, .value = P(&spec)};
  hostile_report_call(hv, "timerfd: a handle not open", HV_CALL_TIMERFD, P(&tf));

  // O_ASYNC.
  struct hv_file_fdop fo = {.op = HV_FDOP_ASYNC, .handle = h, .flags = 99, .arg0 = 1, .arg1 = 1};
  hostile_report_call(hv, "async: signal 99", HV_CALL_FILE_FDOP, P(&fo));
  fo.flags = 0;
  fo.arg1 = 7;
  hostile_report_call(hv, "async: on 7", HV_CALL_FILE_FDOP, P(&fo));
  fo.arg1 = 1;
  fo.handle = 4000;
  hostile_report_call(hv, "async: a handle not open", HV_CALL_FILE_FDOP, P(&fo));
  fo.handle = h;
  fo.arg0 = 999999;
  hostile_report_call(hv, "async: for a process that is not there", HV_CALL_FILE_FDOP, P(&fo));
  fo.arg1 = 0;
  hostile_report_call(hv, "async: off", HV_CALL_FILE_FDOP, P(&fo));

  // Sockets until the handle table is full: EMFILE, and hvrun lives on
  // (with argument "flood": thousands of hypercalls, too slow for xen under
  // QEMU's emulation).
  if (argc < 2 || strcmp(argv[1], "flood") != 0) return 0;
  int64_t last = 0;
  int made = 0;
  while (made < 10000) {
    struct hv_socket m = {.op = HV_SOCK_CREATE, .arg0 = AF_INET, .arg1 = SOCK_DGRAM};
    last = sock(NULL, &m);
    if (last < 0) break;
    made++;
  }
  printf("%-44s -> -%s\n", "sockets until the table is full", strerrorname_np((int)-last));
  return 0;
}
