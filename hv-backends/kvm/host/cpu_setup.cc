// File: cpu_setup.cc
#include "hv-backends/kvm/host/cpu_setup.h"

#include <cpuid.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "hv-backends/kvm/host/kvm_guest_blob.h"
#include "hv-backends/kvm/kvm_layout.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"

namespace hvrun::kvm {
namespace {

constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kHuge = 0x80;
constexpr uint64_t kPml4 = layout::kPageTables;
constexpr uint64_t kPdpt = kPml4 + 0x1000;
constexpr uint64_t kPt0 = kPml4 + 0x2000;  // the first 2 MiB, in 4 KiB pages
constexpr uint64_t kPd0 = kPml4 + 0x3000;  // one page directory per GiB from here

constexpr uint64_t kCr0Pe = 1ull << 0, kCr0Mp = 1ull << 1, kCr0Et = 1ull << 4, kCr0Ne = 1ull << 5,
                   kCr0Wp = 1ull << 16, kCr0Pg = 1ull << 31;
constexpr uint64_t kCr4Pae = 1ull << 5, kCr4Osfxsr = 1ull << 9, kCr4Osxmmexcpt = 1ull << 10,
                   kCr4Fsgsbase = 1ull << 16, kCr4Osxsave = 1ull << 18;
constexpr uint64_t kEferSce = 1ull << 0, kEferLme = 1ull << 8, kEferLma = 1ull << 10;
constexpr uint64_t kRflagsReserved = 1ull << 1;

constexpr uint32_t kMsrStar = 0xc0000081, kMsrLstar = 0xc0000082, kMsrSfmask = 0xc0000084,
                   kMsrKvmSystemTimeNew = 0x4b564d01;

// A segment descriptor: flags is the access byte | (flag nibble << 12).
constexpr uint64_t Descriptor(uint16_t flags) {
  return 0xffffull | (static_cast<uint64_t>(flags & 0xff) << 40) |
         (static_cast<uint64_t>((flags >> 12) & 0xf) << 52) | (0xfull << 48);
}

kvm_segment Segment(uint16_t selector, uint8_t type, uint8_t dpl, bool code) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xffffffff;
  s.selector = selector;
  s.type = type;
  s.present = 1;
  s.dpl = dpl;
  s.s = 1;
  s.l = code ? 1 : 0;
  s.db = code ? 0 : 1;
  s.g = 1;
  return s;
}

uint64_t HostXcr0() {
  uint32_t a, b, c, d;
  __cpuid(1, a, b, c, d);
  if ((c & (1u << 27)) == 0) return 0;  // no OSXSAVE on the host
  uint32_t lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

}  // namespace

bool KvmHasGibPages() {
  static const bool has = [] {
    absl::StatusOr<KvmVm> vm = KvmVm::Create();
    if (!vm.ok()) return false;
    absl::StatusOr<std::vector<kvm_cpuid_entry2>> cpuid = vm->SupportedCpuid();
    if (!cpuid.ok()) return false;
    for (const kvm_cpuid_entry2& e : *cpuid) {
      if (e.function == 0x80000001) return (e.edx & (1u << 26)) != 0;  // PDPE1GB
    }
    return false;
  }();
  return has;
}

absl::Status WriteCpuTables(const GuestMemory& memory, const CpuTablesOptions& options) {
  const uint64_t gib = (memory.size() + (1ull << 30) - 1) >> 30;
  // GiBs mapped through page directories of 2 MiB pages: all, or only the
  // first (which holds the 4 KiB pages of the first 2 MiB).
  const uint64_t pd_gib = options.gib_pages ? 1 : gib;
  // GiB 0's directory is always the window's (it points at kPt0); the others
  // follow it there, or start at high_directories.
  auto directory = [&](uint64_t g) {
    return g == 0 || options.high_directories == 0 ? kPd0 + g * 0x1000
                                                   : options.high_directories + g * 0x1000;
  };
  const bool fits = options.high_directories == 0
                        ? kPd0 + pd_gib * 0x1000 <= layout::kPageTablesEnd
                        : options.high_directories + pd_gib * 0x1000 <= memory.size();
  if (gib > 512 || !fits) {
    return absl::InvalidArgumentError(
        absl::StrFormat("kvm: %d GiB of guest memory is more than the page tables map", gib));
  }
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(kPml4, kPdpt | kPresent | kWritable | kUser));
  for (uint64_t g = 0; g < gib; ++g) {
    const uint64_t entry = g < pd_gib ? directory(g) | kPresent | kWritable | kUser
                                      : (g << 30) | kPresent | kWritable | kUser | kHuge;
    HV_RETURN_IF_ERROR(memory.Write<uint64_t>(kPdpt + g * 8, entry));
  }
  const uint64_t pd_end = std::min(memory.size(), pd_gib << 30);
  for (uint64_t addr = 0; addr < pd_end; addr += 2ull << 20) {
    const uint64_t pd = directory(addr >> 30);
    // The top tables are the CPU's alone where system pages are protected.
    const bool top_tables =
        options.high_directories != 0 && addr >= (options.high_directories & ~((2ull << 20) - 1));
    const uint64_t user = top_tables && options.protect_system_pages ? 0 : kUser;
    const uint64_t entry = addr == 0 ? kPt0 | kPresent | kWritable | kUser
                                     : addr | kPresent | kWritable | user | kHuge;
    HV_RETURN_IF_ERROR(memory.Write<uint64_t>(pd + ((addr >> 21) & 511) * 8, entry));
  }
  for (uint64_t page = 1; page < 512; ++page) {  // page 0 stays unmapped: NULL faults
    const uint64_t addr = page << 12;
    uint64_t flags = kPresent | kWritable | kUser;
    if (options.protect_system_pages) {
      const bool code = addr >= KVM_CODE && addr < KVM_CODE + KVM_CODE_SIZE;
      const bool tables = addr >= KVM_GDT && addr < KVM_DATA;  // GDT + TSS, IDT
      const bool stacks = addr >= KVM_CPL0_STACKS && addr < KVM_RSP0_TOP;
      const bool paging = addr >= layout::kPageTables && addr < layout::kPageTablesEnd;
      // The code page holds CPL3 entries too: readable and executable at
      // CPL3, written by nobody (CR0.WP holds CPL0 to that as well).
      if (code) flags = kPresent | kUser;
      if (tables || stacks || paging) flags = kPresent | kWritable;
    }
    for (const CpuTablesOptions::PageAccess& p : options.page_access) {
      if (p.addr == addr) flags = kPresent | (p.user ? kUser : 0) | (p.writable ? kWritable : 0);
    }
    HV_RETURN_IF_ERROR(memory.Write<uint64_t>(kPt0 + page * 8, addr | flags));
  }

  // GDT, laid out for STAR: user data at 0x20, user code64 at 0x28.
  const uint64_t gdt[] = {
      0,
      Descriptor(0xa09b),  // 0x08 kernel code64: P, DPL0, code, L
      Descriptor(0xc093),  // 0x10 kernel data
      Descriptor(0xc0fb),  // 0x18 user code32 (unused; STAR's layout needs it)
      Descriptor(0xc0f3),  // 0x20 user data, DPL3
      Descriptor(0xa0fb),  // 0x28 user code64, DPL3, L
  };
  HV_RETURN_IF_ERROR(
      memory.WriteBytes(KVM_GDT, {reinterpret_cast<const uint8_t*>(gdt), sizeof(gdt)}));
  // 64-bit TSS descriptor (16 bytes) at 0x30: base KVM_TSS, limit 0x67, type 9.
  const uint64_t tss_lo = KVM_TSS_LIMIT | ((KVM_TSS & 0xffffffull) << 16) | (0x89ull << 40) |
                          ((static_cast<uint64_t>(KVM_TSS) >> 24 & 0xff) << 56);
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(KVM_GDT + KVM_SEL_TSS, tss_lo));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(KVM_GDT + KVM_SEL_TSS + 8, 0));
  // TSS: RSP0 for CPL3 -> CPL0 transitions, IST1 for #DF, and an I/O bitmap
  // that opens only the hypercall port to CPL3 (where IOPL=3 is not honoured,
  // as on kvm_pvm, the bitmap still is).
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(KVM_TSS + 4, KVM_RSP0_TOP));
  HV_RETURN_IF_ERROR(memory.Write<uint64_t>(KVM_TSS + 36, KVM_IST1_TOP));
  HV_RETURN_IF_ERROR(memory.Write<uint16_t>(KVM_TSS + 102, KVM_TSS_IOMAP));
  uint8_t iomap[33];
  std::memset(iomap, 0xff, sizeof(iomap));  // 1 = closed; the last byte terminates
  // Never KVM_PORT_EXCEPTION: only the CPL0 stubs (where the bitmap does
  // not apply) may report a fault.
  for (int port : {KVM_PORT_KICK, KVM_PORT_WAIT}) {
    iomap[port / 8] &= static_cast<uint8_t>(~(1u << (port % 8)));
  }
  if (options.probe_port) {
    iomap[KVM_PORT_PROBE / 8] &= static_cast<uint8_t>(~(1u << (KVM_PORT_PROBE % 8)));
  }
  HV_RETURN_IF_ERROR(memory.WriteBytes(KVM_TSS + KVM_TSS_IOMAP, {iomap, sizeof(iomap)}));

  // IDT: vectors 0..31 are DPL0 interrupt gates to the exception stubs.
  const auto gate = [&](uint64_t v, uint64_t target, uint64_t ist, uint64_t type) {
    const uint64_t lo = (target & 0xffff) | (static_cast<uint64_t>(KVM_SEL_KCODE) << 16) |
                        (ist << 32) | (type << 40) | ((target >> 16 & 0xffff) << 48);
    HV_RETURN_IF_ERROR(memory.Write<uint64_t>(KVM_IDT + v * 16, lo));
    return memory.Write<uint64_t>(KVM_IDT + v * 16 + 8, target >> 32);
  };
  const uint64_t stubs =
      options.exception_stubs != 0 ? options.exception_stubs : GuestBlobAddress(hv_kvm_exceptions);
  for (uint64_t v = 0; v < kExceptionStubs; ++v) {
    HV_RETURN_IF_ERROR(gate(v, stubs + kExceptionStubSize * v, v == 8 ? 1 : 0, 0x8e));
  }
  if (options.user_gate_vector != 0) {
    // 0xee: present, DPL3, 64-bit interrupt gate (IF cleared on entry).
    HV_RETURN_IF_ERROR(gate(options.user_gate_vector, options.user_gate_target, 0, 0xee));
  }
  return absl::OkStatus();
}

absl::Status SetupVcpu(const KvmVm& vm, const KvmVcpu& vcpu, const VcpuStart& start) {
  // CPUID: what KVM supports, so glibc's feature selection sees the real CPU.
  HV_ASSIGN_OR_RETURN(std::vector<kvm_cpuid_entry2> entries, vm.SupportedCpuid());
  uint64_t supported_xcr0 = 0;
  for (const auto& e : entries) {
    if (e.function == 0xd && e.index == 0) {
      supported_xcr0 = e.eax | (static_cast<uint64_t>(e.edx) << 32);
    }
  }
  auto cpuid = std::make_unique<KvmCpuidList>();
  cpuid->nent = static_cast<uint32_t>(std::min(entries.size(), std::size(cpuid->entries)));
  std::memcpy(cpuid->entries, entries.data(), cpuid->nent * sizeof(kvm_cpuid_entry2));
  HV_RETURN_IF_ERROR(vcpu.Ioctl(kKvmSetCpuid2, cpuid.get(), "KVM_SET_CPUID2"));

  kvm_sregs sregs{};
  HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_GET_SREGS, &sregs, "KVM_GET_SREGS"));
  const uint64_t xcr0 = HostXcr0() & supported_xcr0;
  sregs.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
  sregs.cr3 = kPml4;
  sregs.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt | kCr4Fsgsbase | (xcr0 ? kCr4Osxsave : 0);
  sregs.efer = kEferSce | kEferLme | kEferLma;
  sregs.cs = Segment(KVM_SEL_UCODE, 0xb, 3, true);
  sregs.ss = Segment(KVM_SEL_UDATA, 0x3, 3, false);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
  sregs.tr = kvm_segment{};
  sregs.tr.base = KVM_TSS;
  sregs.tr.limit = KVM_TSS_LIMIT;
  sregs.tr.selector = KVM_SEL_TSS;
  sregs.tr.type = 0xb;  // busy 64-bit TSS
  sregs.tr.present = 1;
  sregs.ldt = kvm_segment{};
  sregs.ldt.type = 2;
  sregs.ldt.unusable = 1;
  sregs.gdt.base = KVM_GDT;
  sregs.gdt.limit = KVM_SEL_TSS + 16 - 1;
  sregs.idt.base = KVM_IDT;
  sregs.idt.limit = 32 * 16 - 1;
  HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_SET_SREGS, &sregs, "KVM_SET_SREGS"));

  if (xcr0 != 0) {
    kvm_xcrs xcrs{};
    xcrs.nr_xcrs = 1;
    xcrs.xcrs[0].xcr = 0;
    xcrs.xcrs[0].value = xcr0;
    HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_SET_XCRS, &xcrs, "KVM_SET_XCRS"));
  }

  kvm_fpu fpu{};
  fpu.fcw = 0x37f;     // the x87 state after FINIT, as Linux gives a new process
  fpu.mxcsr = 0x1f80;  // all SSE exceptions masked, round to nearest
  HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_SET_FPU, &fpu, "KVM_SET_FPU"));

  KvmMsrList list{};
  KvmMsrList* msrs = &list;
  uint32_t n = 0;
  // STAR: syscall enters CPL0 with CS 0x08/SS 0x10; sysret leaves with CS 0x2b/SS 0x23.
  msrs->entries[n++] = {kMsrStar, 0,
                        (static_cast<uint64_t>(KVM_SEL_UCODE32 | 3) << 48) |
                            (static_cast<uint64_t>(KVM_SEL_KCODE) << 32)};
  msrs->entries[n++] = {kMsrLstar, 0, start.syscall_stub};
  // SFMASK: clear IF, TF, DF and AC on entry, as Linux does.
  msrs->entries[n++] = {kMsrSfmask, 0, 0x47700};
  if (start.pvclock != 0) msrs->entries[n++] = {kMsrKvmSystemTimeNew, 0, start.pvclock | 1};
  msrs->nmsrs = n;
  if (ioctl(vcpu.fd(), kKvmSetMsrs, msrs) != static_cast<int>(n)) {
    return absl::InternalError("KVM_SET_MSRS did not take every MSR (STAR/LSTAR/SFMASK/kvmclock)");
  }

  kvm_regs regs{};
  regs.rip = start.rip;
  regs.rsp = start.rsp;
  regs.rdi = start.rdi;
  regs.rflags = kRflagsReserved;  // IOPL 0: the TSS I/O bitmap decides
  HV_RETURN_IF_ERROR(vcpu.Ioctl(KVM_SET_REGS, &regs, "KVM_SET_REGS"));
  return absl::OkStatus();
}

}  // namespace hvrun::kvm
