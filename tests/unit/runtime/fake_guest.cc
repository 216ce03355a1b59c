#include "tests/unit/runtime/fake_guest.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include "runtime/hv/cpu_fake.h"
#include "syscall-shim/dispatch.h"

namespace hvrt_test {
namespace {

FakeGuest* g_current = nullptr;

size_t ArgSize(uint64_t nr) {
  switch (nr) {
    case HV_CALL_EXIT:
      return sizeof(hv_exit);
    case HV_CALL_CONSOLE_WRITE:
    case HV_CALL_CONSOLE_READ:
      return sizeof(hv_console_io);
    case HV_CALL_CONSOLE_INFO:
      return sizeof(hv_console_info);
    case HV_CALL_RANDOM:
    case HV_CALL_MEM_DISCARD:
    case HV_CALL_PANIC:
      return sizeof(hv_buffer);
    case HV_CALL_REGISTER:
      return sizeof(hv_register);
    case HV_CALL_UNSUPPORTED:
      return sizeof(hv_unsupported);
    case HV_CALL_CLOCK:
      return sizeof(hv_clock);
    case HV_CALL_WAIT:
      return sizeof(hv_wait);
    case HV_CALL_SUBMIT:
      return sizeof(hv_async);
    case HV_CALL_FILE_OPEN:
      return sizeof(hv_file_open);
    case HV_CALL_PROC:
      return sizeof(hv_proc);
    case HV_CALL_PIPE:
      return sizeof(hv_pipe);
    case HV_CALL_MEM_SHARE:
      return sizeof(hv_mem_share);
    case HV_CALL_FUTEX:
      return sizeof(hv_futex);
    case HV_CALL_EVENTFD:
      return sizeof(hv_eventfd);
    case HV_CALL_SYSV_SHM:
      return sizeof(hv_sysv_shm);
    case HV_CALL_PROC_INFO:
      return sizeof(hv_proc_info);
    case HV_CALL_FILE_READ:
    case HV_CALL_FILE_WRITE:
      return sizeof(hv_file_io);
    default:
      return 0;
  }
}

std::string PathOf(const hv_mount_path& at) {
  return std::to_string(at.mount) + ":" +
         std::string(reinterpret_cast<const char*>(at.path), at.len);
}

}  // namespace

FakeGuest::FakeGuest(GuestOptions o) : size_(o.memory_size) {
  // A host pipe whose reader is gone answers EPIPE, not a SIGPIPE that ends the test.
  signal(SIGPIPE, SIG_IGN);
  void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) throw std::runtime_error("mmap guest memory");
  base_ = reinterpret_cast<uint64_t>(m);
  g_current = this;
  hvrt::cpu::g_fake = {};
  hvrt::cpu::g_fake.tsc = kBaseTsc;

  // argv then envp, NUL-terminated, back to back.
  char* s = reinterpret_cast<char*>(base_ + kStrings);
  uint64_t n = 0;
  for (const auto* list : {&o.argv, &o.envp}) {
    for (const std::string& str : *list) {
      std::memcpy(s + n, str.c_str(), str.size() + 1);
      n += str.size() + 1;
    }
  }

  boot_.magic = HV_BOOT_MAGIC;
  boot_.abi_version = HV_ABI_VERSION;
  boot_.size = sizeof(hv_boot_info);
  boot_.backend = HV_BACKEND_SIM;
  boot_.flags = o.flags;
  boot_.hypercall_entry = reinterpret_cast<uint64_t>(&FakeGuest::Entry);
  boot_.memory = {base_, size_};
  boot_.free = {base_ + kFree, size_ - kFree};
  boot_.runtime = {base_ + 0x100000, 0x10000};
  boot_.app = {base_ + kApp, kAppSize};
  boot_.app_entry = base_ + kApp + 0x1000;
  boot_.app_phdr = base_ + kApp + 0x40;
  boot_.app_phnum = 4;
  boot_.app_phent = 56;
  boot_.strings = base_ + kStrings;
  boot_.strings_size = n;
  // The mount table after the strings, then its paths (as hvrun/launch.cc).
  uint64_t table = (base_ + kStrings + n + 7) & ~7ull;
  uint64_t path = table + o.mounts.size() * sizeof(hv_mount);
  for (size_t i = 0; i < o.mounts.size(); i++) {
    hv_mount m = {path, 0, 0};
    std::memcpy(reinterpret_cast<void*>(table + i * sizeof m), &m, sizeof m);
    std::memcpy(reinterpret_cast<void*>(path), o.mounts[i].c_str(), o.mounts[i].size() + 1);
    path += o.mounts[i].size() + 1;
  }
  boot_.mounts = table;
  boot_.mount_count = static_cast<uint32_t>(o.mounts.size());
  boot_.argc = static_cast<uint32_t>(o.argv.size());
  boot_.envc = static_cast<uint32_t>(o.envp.size());
  boot_.stack_size = o.stack_size;
  boot_.clock = {kBaseTsc, kBaseNs, kRealtimeOffset, 1, 0, o.tsc_hz};
  boot_.uid = 1000;
  boot_.gid = 100;
  boot_.hwcap = 0x178bfbff;
  boot_.hwcap2 = 2;
  for (int i = 0; i < 16; i++) boot_.random[i] = static_cast<uint8_t>(0xa0 + i);

  for (uint32_t fd = 0; fd < 3; fd++) info[fd] = {fd, 0, 0010600, 0, 0, 1000 + fd};  // pipes
}

FakeGuest::~FakeGuest() {
  for (const auto& [handle, fd] : pipe_fds) close(fd);
  munmap(reinterpret_cast<void*>(base_), size_);
  if (g_current == this) g_current = nullptr;
}

hvrt::boot::Launch FakeGuest::Boot() { return hvrt::boot::Prepare(&boot_); }

int64_t FakeGuest::Syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                           uint64_t a4, uint64_t a5) {
  hv_syscall_frame f = regs;
  f.nr = nr;
  f.args[0] = a0;
  f.args[1] = a1;
  f.args[2] = a2;
  f.args[3] = a3;
  f.args[4] = a4;
  f.args[5] = a5;
  f.fpstate = reinterpret_cast<uint64_t>(fp_area);
  const int64_t r = hvrt_syscall(&f);
  last = f;
  return r;
}

int FakeGuest::Count(uint64_t nr) const {
  int n = 0;
  for (const Hypercall& c : calls) n += c.nr == nr;
  return n;
}

const Hypercall* FakeGuest::Last(uint64_t nr) const {
  for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
    if (it->nr == nr) return &*it;
  }
  return nullptr;
}

int64_t FakeGuest::Entry(uint64_t nr, uint64_t arg) {
  if (g_current == nullptr) std::abort();
  return g_current->Handle(nr, arg);
}

int64_t FakeGuest::Submit(uint64_t arg) {
  auto* a = reinterpret_cast<hv_async*>(arg);
  if (queue_reads && a->nr == HV_CALL_CONSOLE_READ) {
    queued.push_back(arg);
    return HV_SUBMIT_QUEUED;
  }
  a->result = Handle(a->nr, a->arg);
  a->done = 1;
  return HV_SUBMIT_DONE;
}

void FakeGuest::CompleteQueued() {
  for (uint64_t arg : queued) {
    auto* a = reinterpret_cast<hv_async*>(arg);
    a->result = Handle(a->nr, a->arg);
    __atomic_store_n(&a->done, 1u, __ATOMIC_RELEASE);
    __atomic_fetch_add(reinterpret_cast<uint32_t*>(a->counter), 1u, __ATOMIC_SEQ_CST);
  }
  queued.clear();
}

// The host pipe calls; -EBADF (as hvrun's handle table answers) for a
// handle that is no pipe of ours.
int64_t FakeGuest::PipeCall(uint64_t nr, uint64_t arg) {
  if (nr == HV_CALL_PIPE) {
    if (pipe_result < 0) return pipe_result;
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -errno;
    auto* p = reinterpret_cast<hv_pipe*>(arg);
    for (int i = 0; i < 2; i++) {
      p->handles[i] = next_handle_++;
      pipe_fds[p->handles[i]] = fds[i];
    }
    return 0;
  }
  const uint32_t handle = *reinterpret_cast<const uint32_t*>(arg);  // first in every struct
  auto it = pipe_fds.find(handle);
  if (it == pipe_fds.end()) return -EBADF;
  const int fd = it->second;
  ssize_t r = 0;
  switch (nr) {
    case HV_CALL_FILE_READ:
    case HV_CALL_FILE_WRITE: {
      auto* io = reinterpret_cast<hv_file_io*>(arg);
      void* data = reinterpret_cast<void*>(io->data);
      r = nr == HV_CALL_FILE_READ ? read(fd, data, io->len) : write(fd, data, io->len);
      break;
    }
    case HV_CALL_FILE_STAT:
      r = fstat(fd, reinterpret_cast<struct stat*>(reinterpret_cast<hv_file_stat*>(arg)->st));
      break;
    case HV_CALL_FILE_CLOSE:
      pipe_fds.erase(it);
      r = close(fd);
      break;
    default:
      return -EINVAL;
  }
  return r < 0 ? -errno : r;
}

int64_t FakeGuest::Handle(uint64_t nr, uint64_t arg) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(arg);
  calls.push_back({nr, std::vector<uint8_t>(p, p + ArgSize(nr))});
  const bool pipe_handle =
      (nr == HV_CALL_FILE_READ || nr == HV_CALL_FILE_WRITE || nr == HV_CALL_FILE_CLOSE ||
       (nr == HV_CALL_FILE_STAT && reinterpret_cast<hv_file_stat*>(arg)->by_path == 0)) &&
      pipe_fds.count(*reinterpret_cast<const uint32_t*>(arg)) != 0;
  if (nr == HV_CALL_PIPE || pipe_handle) return PipeCall(nr, arg);
  switch (nr) {
    case HV_CALL_EXIT:
      throw GuestExit{*reinterpret_cast<hv_exit*>(arg)};
    case HV_CALL_PANIC: {
      auto* b = reinterpret_cast<hv_buffer*>(arg);
      throw GuestPanic{std::string(reinterpret_cast<const char*>(b->data), b->len)};
    }
    case HV_CALL_CONSOLE_WRITE: {
      auto* io = reinterpret_cast<hv_console_io*>(arg);
      out[io->fd].append(reinterpret_cast<const char*>(io->data), io->len);
      return static_cast<int64_t>(io->len);
    }
    case HV_CALL_CONSOLE_READ: {
      auto* io = reinterpret_cast<hv_console_io*>(arg);
      size_t n = std::min<size_t>(io->len, in.size());
      std::memcpy(reinterpret_cast<void*>(io->data), in.data(), n);
      in.erase(0, n);
      return static_cast<int64_t>(n);
    }
    case HV_CALL_CONSOLE_INFO: {
      auto* ci = reinterpret_cast<hv_console_info*>(arg);
      if (console_info_result < 0) return console_info_result;
      *ci = info[ci->fd];
      return 0;
    }
    case HV_CALL_RANDOM: {
      auto* b = reinterpret_cast<hv_buffer*>(arg);
      for (uint64_t i = 0; i < b->len; i++) reinterpret_cast<uint8_t*>(b->data)[i] = 0x5a;
      return 0;
    }
    case HV_CALL_MEM_DISCARD: {
      if (discard_result < 0) return discard_result;
      auto* b = reinterpret_cast<hv_buffer*>(arg);
      std::memset(reinterpret_cast<void*>(b->data), 0, b->len);
      return 0;
    }
    case HV_CALL_CLOCK: {
      auto* c = reinterpret_cast<hv_clock*>(arg);
      c->ns = clock_ns[c->clock_id & 15];
      return 0;
    }
    case HV_CALL_SUBMIT:
      return Submit(arg);
    case HV_CALL_PROC: {
      // A process table with pid 1 (this guest, in group and session 1)
      // alone: a signal to it, its group or everyone lands in its boot page
      // as hvrun's would. Anything else: (process_result).
      auto* p = reinterpret_cast<hv_proc*>(arg);
      const bool self = p->pid == 0 || p->pid == -1 || p->pid == 1;
      if (!self) return process_result;
      switch (p->op) {
        case HV_PROC_KILL:
          if (p->arg != 0) {
            __atomic_fetch_or(&boot_.signals, 1ull << (p->arg - 1), __ATOMIC_SEQ_CST);
          }
          return 0;
        case HV_PROC_GETPPID:
          return 0;  // init's parent is outside the guest
        case HV_PROC_GETPGID:
        case HV_PROC_GETSID:
          return 1;
        default:
          return process_result;
      }
    }
    case HV_CALL_FORK:
    case HV_CALL_EXEC:
      return process_result;
    case HV_CALL_WAIT:
      if (reinterpret_cast<hv_wait*>(arg)->word != 0) CompleteQueued();
      return 0;
    case HV_CALL_FILE_OPEN:
      host_paths.push_back(PathOf(reinterpret_cast<hv_file_open*>(arg)->at));
      return file_result;
    case HV_CALL_FILE_STAT: {
      auto* st = reinterpret_cast<hv_file_stat*>(arg);
      if (st->by_path != 0) host_paths.push_back(PathOf(st->at));
      return file_result;
    }
    case HV_CALL_FILE_PATHOP: {
      auto* op = reinterpret_cast<hv_file_pathop*>(arg);
      std::string s = PathOf(op->at);
      if (op->to.path != 0) s += " -> " + PathOf(op->to);
      host_paths.push_back(s);
      return file_result;
    }
    default:
      return 0;
  }
}

}  // namespace hvrt_test
