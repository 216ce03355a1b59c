// The console streams over hypercalls: see console.h.
#include "runtime/vfs/console.h"

#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/stat.h"
#include "runtime/linux/user.h"
#include "runtime/sched/host_call.h"

namespace hvrt::console {
namespace {

struct Stream {
  bool info_known = false;
  hv_console_info info = {};
};

constinit Stream g_streams[3];

// An hv_console_io call (HV_CALL_CONSOLE_READ or _WRITE) on (fd).
int64_t Transfer(uint64_t call, int64_t fd, uint64_t buf, uint64_t len) {
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  if (len == 0) return 0;
  if (!user::RangeOk(buf, len)) return -abi::kEFAULT;
  hv_console_io io = {static_cast<uint32_t>(fd), 0, buf, len};
  return sched::HostCall(call, &io);  // blocks only this thread
}

}  // namespace

void Reset() {
  for (Stream& s : g_streams) s = Stream{};
}

int64_t Write(int64_t fd, uint64_t buf, uint64_t len) {
  if (fd != 1 && fd != 2) return -abi::kEBADF;
  // A blocking write to a pipe or terminal takes everything before it
  // returns; hvrun may hand back part (what fit in the pipe before it would
  // have blocked), so go on for the rest, as the kernel would. An error
  // after some progress reports the progress.
  if (len > abi::kMAX_RW_COUNT) len = abi::kMAX_RW_COUNT;
  uint64_t done = 0;
  while (done < len) {
    int64_t r = Transfer(HV_CALL_CONSOLE_WRITE, fd, buf + done, len - done);
    if (r <= 0) return done > 0 ? static_cast<int64_t>(done) : r;
    done += static_cast<uint64_t>(r);
  }
  return static_cast<int64_t>(done);
}

int64_t Read(int64_t fd, uint64_t buf, uint64_t len) {
  if (fd != 0) return -abi::kEBADF;
  return Transfer(HV_CALL_CONSOLE_READ, fd, buf, len);
}

const hv_console_info& Info(int64_t fd) {
  Stream& f = g_streams[fd];
  if (!f.info_known) {
    f.info = {};
    f.info.fd = static_cast<uint32_t>(fd);
    if (hv::Call(HV_CALL_CONSOLE_INFO, &f.info) < 0) {
      f.info = {};
      f.info.fd = static_cast<uint32_t>(fd);
      f.info.mode = abi::kS_IFIFO | 0600;
    }
    f.info_known = true;
  }
  return f.info;
}

uint64_t StatusFlags(int64_t fd) {
  if (Info(fd).is_tty != 0) return abi::kO_RDWR;
  return fd == 0 ? abi::kO_RDONLY : abi::kO_WRONLY;
}

}  // namespace hvrt::console
