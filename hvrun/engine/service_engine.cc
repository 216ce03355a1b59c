// File: service_engine.cc
#include "hvrun/engine/service_engine.h"

#include <cerrno>

namespace hvrun {
namespace {

HypercallOutcome Nop(const ServiceContext&, uint64_t) { return HypercallOutcome::Reply(0); }

// Indexed by enum hv_call. HV_CALL_REGISTER is absent: registering the
// syscall entry is delivery, so each backend handles it itself.
constexpr std::array<ServiceFn, HV_CALL_MAX> kServices = [] {
  std::array<ServiceFn, HV_CALL_MAX> t{};
  t[HV_CALL_NOP] = Nop;
  t[HV_CALL_EXIT] = Exit;
  t[HV_CALL_CONSOLE_WRITE] = ConsoleWrite;
  t[HV_CALL_CONSOLE_READ] = ConsoleRead;
  t[HV_CALL_CONSOLE_INFO] = ConsoleInfo;
  t[HV_CALL_RANDOM] = Random;
  t[HV_CALL_MEM_DISCARD] = MemDiscard;
  t[HV_CALL_UNSUPPORTED] = Unsupported;
  t[HV_CALL_PANIC] = Panic;
  t[HV_CALL_CLOCK] = Clock;
  t[HV_CALL_FILE_OPEN] = FileOpen;
  t[HV_CALL_FILE_CLOSE] = FileClose;
  t[HV_CALL_FILE_READ] = FileRead;
  t[HV_CALL_FILE_WRITE] = FileWrite;
  t[HV_CALL_FILE_STAT] = FileStat;
  t[HV_CALL_FILE_GETDENTS] = FileGetdents;
  t[HV_CALL_FILE_PATHOP] = FilePathop;
  t[HV_CALL_FILE_FDOP] = FileFdop;
  t[HV_CALL_WAIT] = Wait;
  return t;
}();

}  // namespace

HypercallOutcome ServiceEngine::Handle(uint64_t nr, uint64_t arg) {
  if (nr >= HV_CALL_MAX || kServices[nr] == nullptr) return HypercallOutcome::Reply(-ENOSYS);
  ++counts_[nr];
  const ServiceContext ctx{memory_, options_, files_};
  return kServices[nr](ctx, arg);
}

}  // namespace hvrun
