// File: tests/e2e/hvrun_env.cc
#include "tests/e2e/hvrun_env.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#ifndef HV_BIN_DIR
#error "HV_BIN_DIR must be defined by the build"
#endif
#ifndef HV_PROGRAMS_DIR
#error "HV_PROGRAMS_DIR must be defined by the build"
#endif

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

namespace hvtest {
namespace {

std::string SimPrerequisite() {
  // Syscall User Dispatch (Linux 5.11+): turning it off is a harmless probe
  // that fails with EINVAL where the kernel lacks it.
  if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0) != 0) {
    return std::string("sim needs Syscall User Dispatch (Linux 5.11+): prctl failed: ") +
           strerror(errno);
  }
  return "";
}

std::string KvmPrerequisite() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::string("kvm needs a usable /dev/kvm: open: ") + strerror(errno);
  int version = ioctl(fd, KVM_GET_API_VERSION, 0);
  close(fd);
  if (version != KVM_API_VERSION) {
    return "kvm: /dev/kvm reports API version " + std::to_string(version) + ", expected " +
           std::to_string(KVM_API_VERSION);
  }
  return "";
}

std::string XenPrerequisite() {
  // hvrun --backend=xen runs in dom0 (see DESIGN.md, run-on-xen.sh --dom0).
  std::ifstream caps("/proc/xen/capabilities");
  std::string text((std::istreambuf_iterator<char>(caps)), std::istreambuf_iterator<char>());
  if (text.find("control_d") == std::string::npos) {
    return "xen needs to run in a Xen dom0 (/proc/xen/capabilities lacks control_d)";
  }
  return "";
}

}  // namespace

std::vector<std::string> BackendsUnderTest() {
  std::vector<std::string> out;
  const char* env = std::getenv("HV_E2E_BACKENDS");
  if (env && *env) {
    std::stringstream list(env);
    for (std::string name; std::getline(list, name, ',');) {
      if (!name.empty()) out.push_back(name);
    }
    return out;
  }
  for (const char* name : kDefaultBackends) out.push_back(name);
  return out;
}

std::string MissingPrerequisite(const std::string& backend) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(backend);
  if (it != cache.end()) return it->second;
  std::string why;
  if (backend == "sim") {
    why = SimPrerequisite();
  } else if (backend == "kvm") {
    why = KvmPrerequisite();
  } else if (backend == "xen") {
    why = XenPrerequisite();
  } else {
    why = "unknown backend " + backend;
  }
  cache[backend] = why;
  return why;
}

std::string HvrunPath() {
  const char* env = std::getenv("HVRUN");
  return env && *env ? env : std::string(HV_BIN_DIR) + "/hvrun";
}

std::string RuntimeImagePath() { return std::string(HV_BIN_DIR) + "/hvrun-runtime.elf"; }

std::string BinPath(const std::string& name) { return std::string(HV_BIN_DIR) + "/" + name; }

std::string ProgramPath(const std::string& name) {
  return std::string(HV_PROGRAMS_DIR) + "/" + name;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string MissingHvrunBuild() {
  std::string why;
  if (!FileExists(HvrunPath())) why += "hvrun is not built: no " + HvrunPath() + ". ";
  if (!FileExists(RuntimeImagePath())) {
    why += "the runtime image is not built: no " + RuntimeImagePath() + ".";
  }
  return why;
}

RunResult RunNative(const std::string& program, const std::vector<std::string>& args,
                    const std::vector<std::string>& env, const std::string& stdin_data) {
  RunSpec spec;
  spec.argv.push_back(program);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = env;
  spec.stdin_data = stdin_data;
  return Run(spec);
}

RunResult RunHvrun(const std::string& backend, const std::vector<std::string>& flags,
                   const std::string& program, const std::vector<std::string>& args,
                   const std::vector<std::string>& env, const std::string& stdin_data) {
  RunSpec spec;
  spec.argv = {HvrunPath(), "--backend=" + backend};
  spec.argv.insert(spec.argv.end(), flags.begin(), flags.end());
  for (const auto& kv : env) {
    spec.argv.push_back("-e");
    spec.argv.push_back(kv);
  }
  spec.argv.push_back(program);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.inherit_env = true;
  spec.stdin_data = stdin_data;
  // Under an emulated CPU (scripts/kvm-test.sh, xen-test.sh) a run may take
  // minutes: HV_E2E_TIMEOUT_S raises the limit.
  if (const char* t = getenv("HV_E2E_TIMEOUT_S"); t != nullptr && atoi(t) > 0) {
    spec.timeout = std::chrono::seconds(atoi(t));
  }
  return Run(spec);
}

RunResult RunHvrunRaw(const std::vector<std::string>& args, const std::string& stdin_data) {
  RunSpec spec;
  spec.argv = {HvrunPath()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.inherit_env = true;
  spec.stdin_data = stdin_data;
  return Run(spec);
}

}  // namespace hvtest
