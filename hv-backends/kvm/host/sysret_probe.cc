// File: sysret_probe.cc
#include "hv-backends/kvm/host/sysret_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "hv-backends/kvm/host/cpu_setup.h"
#include "hv-backends/kvm/host/kvm_guest_blob.h"
#include "hv-backends/kvm/host/kvm_vm.h"
#include "hv-backends/kvm/kvm_layout.h"
#include "vmm/base/guest_memory.h"
#include "vmm/base/layout.h"

namespace hvrun::kvm {
namespace {

// The cache file is one short line: "<boot_id> 0\n".
constexpr size_t kMaxCacheBytes = 128;

std::string CacheDirPath() {
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  return (runtime_dir && *runtime_dir) ? std::string(runtime_dir) + "/hvrun"
                                       : absl::StrCat("/tmp/hvrun-", geteuid());
}

// Reads a small regular file in full, or "" (kernel files: no symlinks to follow).
std::string ReadSmallFile(int dir_fd, const char* name, bool must_be_ours) {
  UniqueFd fd(openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return "";
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  if (must_be_ours && (st.st_uid != geteuid() || st.st_size > (off_t)kMaxCacheBytes)) return "";
  char buf[kMaxCacheBytes];
  const ssize_t n = read(fd.get(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

std::string BootId() {
  std::string id = ReadSmallFile(AT_FDCWD, "/proc/sys/kernel/random/boot_id", false);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id.find_first_of(" \n") == std::string::npos ? id : "";
}

}  // namespace

bool SysretWorks() {
  auto memory = GuestMemory::Create(layout::kMinMemory);
  if (!memory.ok()) return false;
  auto vm = KvmVm::Create();
  if (!vm.ok() || !vm->MapMemory(memory->host_base(), memory->size()).ok()) return false;
  if (!WriteCpuTables(*memory, {.probe_port = true}).ok() || !CopyGuestBlob(*memory).ok()) {
    return false;
  }
  auto vcpu = vm->CreateVcpu(0);
  if (!vcpu.ok()) return false;
  VcpuStart start{.rip = GuestBlobAddress(hv_kvm_probe),
                  .rsp = layout::kRuntimeStackTop,
                  .syscall_stub = GuestBlobAddress(hv_kvm_syscall_sysret)};
  if (!SetupVcpu(*vm, *vcpu, start).ok()) return false;
  for (int i = 0; i < 4; ++i) {
    if (!vcpu->Run().ok()) return false;
    const kvm_run* run = vcpu->run();
    if (run->exit_reason == KVM_EXIT_IO && run->io.port == KVM_PORT_PROBE) return true;
    if (run->exit_reason != KVM_EXIT_INTR) return false;
  }
  return false;
}

UniqueFd OpenCacheDir(const std::string& dir) {
  mkdir(dir.c_str(), 0700);  // EEXIST is fine: what is there is checked next
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return fd;
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 077) != 0) {
    return UniqueFd();  // not ours alone: neither trust nor write it
  }
  return fd;
}

bool CacheSaysNo(int dir_fd, const std::string& boot_id) {
  if (boot_id.empty()) return false;
  return ReadSmallFile(dir_fd, kProbeCacheName, /*must_be_ours=*/true) == boot_id + " 0\n";
}

bool RememberNo(int dir_fd, const std::string& boot_id) {
  if (boot_id.empty()) return false;
  const std::string tmp = absl::StrCat(kProbeCacheName, ".", getpid(), ".tmp");
  // O_EXCL|O_NOFOLLOW: a name planted in the directory (a symlink to a file
  // of the user's, a FIFO) makes this fail; it is never opened.
  UniqueFd fd(
      openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return false;
  const std::string line = boot_id + " 0\n";
  const bool written = write(fd.get(), line.data(), line.size()) == (ssize_t)line.size();
  fd.Reset();
  // renameat replaces whatever the final name is (a symlink itself, not its
  // target), so nothing outside the directory is touched.
  if (!written || renameat(dir_fd, tmp.c_str(), dir_fd, kProbeCacheName) != 0) {
    unlinkat(dir_fd, tmp.c_str(), 0);
    return false;
  }
  return true;
}

bool CachedSysretWorks() {
  const UniqueFd dir = OpenCacheDir(CacheDirPath());
  const std::string boot = BootId();
  if (dir.valid() && CacheSaysNo(dir.get(), boot)) return false;
  const bool works = SysretWorks();
  if (!works && dir.valid()) RememberNo(dir.get(), boot);
  return works;
}

}  // namespace hvrun::kvm
