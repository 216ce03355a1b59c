// The boot recipe: see boot.h.
#include "runtime/boot/boot.h"

#include "runtime/boot/boot_info.h"
#include "runtime/boot/initial_stack.h"
#include "runtime/boot/native.h"
#include "runtime/hv/clock.h"
#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/hv/panic.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/timers.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/procfs.h"
#include "runtime/vfs/vfs.h"
#include "syscall-shim/dispatch.h"

namespace hvrt::boot {

Launch Prepare(const hv_boot_info* bi) {
  // Without a hypercall entry there is no way to say anything: stop here,
  // with a fault the backend reports.
  if (bi == nullptr || bi->hypercall_entry == 0) __builtin_trap();
  hv::Init(bi->hypercall_entry);
  if (bi->segment_base_entry != 0) cpu::UseSegmentBaseCall(bi->segment_base_entry);
  char msg[160];
  if (const char* why = Check(*bi, msg, sizeof msg)) Panic("%s", why);
  SetInfo(*bi);
  const hv_boot_info& info = Info();

  clock::Init(info.clock, info.pvclock, info.pvclock_offset_ns);
  if ((info.flags & HV_BOOT_PVCLOCK_CALIBRATE) != 0) clock::CalibratePvclock();
  if (!mm::Init(info.free, info.app, info.interp))
    Panic("hvrun boot info: free region [0x%lx, +0x%lx) is too small to manage",
          static_cast<unsigned long>(info.free.start), static_cast<unsigned long>(info.free.size));
  process::Reset(info);
  cred::Reset();
  process::UseBootPage(const_cast<hv_boot_info*>(bi));
  signals::Reset();
  timers::Reset();
  sched::Reset();  // the app's main thread is tid 1
  shim::Reset();
  InitNative(info.backend);

  // The app's main stack, from the top of free memory (as Linux puts the
  // stack at the top of the address space).
  uint64_t stack_lo = mm::AllocStack(info.stack_size);
  if (stack_lo == 0)
    Panic("no memory for the app's %lu-byte stack", static_cast<unsigned long>(info.stack_size));
  uint64_t stack_hi = stack_lo + mm::PageUp(info.stack_size);
  // The in-guest filesystem's first pages go below the stack, so the stack
  // stays at the very top of memory, as on Linux.
  vfs::Reset();
  if (info.workdir != 0) {
    const char* dir = reinterpret_cast<const char*>(info.workdir);
    if (int64_t r = vfs::ChangeDir(dir); r < 0)
      Panic("--workdir %s: cannot change to it in the guest (errno %ld)", dir,
            static_cast<long>(-r));
  }
  procfs::Publish(nullptr);  // what /proc/1 shows other processes
  AuxExtras extras = {MinSigStackSize(), reinterpret_cast<uint64_t>(Native())};
  uint64_t sp = BuildInitialStack(info, stack_lo, stack_hi, extras);
  if (sp == 0)
    Panic("argv and envp (%lu bytes) do not fit in the app's %lu-byte stack",
          static_cast<unsigned long>(info.strings_size),
          static_cast<unsigned long>(info.stack_size));

  hv_register reg = shim::Registration();
  if (int64_t r = hv::Call(HV_CALL_REGISTER, &reg); r < 0)
    Panic("HV_CALL_REGISTER failed: %ld", static_cast<long>(r));
  // A dynamic app starts in its dynamic linker, which finds the app through
  // AT_PHDR and AT_ENTRY.
  return {info.interp.size != 0 ? info.interp_entry : info.app_entry, sp};
}

}  // namespace hvrt::boot
