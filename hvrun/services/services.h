// File: services.h
//
// The hypercall services, one function per call, shared by every backend.
// Each first copies its argument struct out of guest memory (checked), then
// checks every length and offset, then acts. A bad guest pointer is the
// guest's error (-EFAULT), never hvrun's.
#ifndef HVRUN_SERVICES_SERVICES_H_
#define HVRUN_SERVICES_SERVICES_H_

#include <cstdint>

#include "hv-backends/backend.h"
#include "hvrun/engine/guest_memory.h"
#include "hvrun/services/host_files.h"

namespace hvrun {

struct ServiceOptions {
  bool verbose = false;  // report unsupported syscalls as they happen
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

struct ServiceContext {
  const GuestMemory& memory;
  const ServiceOptions& options;
  HostFiles& files;  // the mounts and the guest's open host files
};

using ServiceFn = HypercallOutcome (*)(const ServiceContext& ctx, uint64_t arg);

HypercallOutcome ConsoleWrite(const ServiceContext& ctx, uint64_t arg);  // hv_console_io
HypercallOutcome ConsoleRead(const ServiceContext& ctx, uint64_t arg);   // hv_console_io
HypercallOutcome ConsoleInfo(const ServiceContext& ctx, uint64_t arg);   // hv_console_info
HypercallOutcome Random(const ServiceContext& ctx, uint64_t arg);        // hv_buffer
HypercallOutcome MemDiscard(const ServiceContext& ctx, uint64_t arg);    // hv_buffer
HypercallOutcome Clock(const ServiceContext& ctx, uint64_t arg);         // hv_clock
HypercallOutcome Unsupported(const ServiceContext& ctx, uint64_t arg);   // hv_unsupported
HypercallOutcome Panic(const ServiceContext& ctx, uint64_t arg);         // hv_buffer
HypercallOutcome Exit(const ServiceContext& ctx, uint64_t arg);
HypercallOutcome Wait(const ServiceContext& ctx, uint64_t arg);          // hv_exit
HypercallOutcome FileOpen(const ServiceContext& ctx, uint64_t arg);      // hv_file_open
HypercallOutcome FileClose(const ServiceContext& ctx, uint64_t arg);     // hv_file_io
HypercallOutcome FileRead(const ServiceContext& ctx, uint64_t arg);      // hv_file_io
HypercallOutcome FileWrite(const ServiceContext& ctx, uint64_t arg);     // hv_file_io
HypercallOutcome FileGetdents(const ServiceContext& ctx, uint64_t arg);  // hv_file_io
HypercallOutcome FileStat(const ServiceContext& ctx, uint64_t arg);      // hv_file_stat
HypercallOutcome FilePathop(const ServiceContext& ctx, uint64_t arg);    // hv_file_pathop
HypercallOutcome FileFdop(const ServiceContext& ctx, uint64_t arg);      // hv_file_fdop

// Returns the name of Linux x86-64 syscall (nr), or "" if unknown.
const char* SyscallName(uint64_t nr);

}  // namespace hvrun

#endif  // HVRUN_SERVICES_SERVICES_H_
