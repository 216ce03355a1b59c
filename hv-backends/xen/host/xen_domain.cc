// File: xen_domain.cc
#include "hv-backends/xen/host/xen_domain.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hv-backends/xen/host/xen_headers.h"
#include "vmm/base/status_macros.h"

namespace hvrun::xen {
namespace {

constexpr uint64_t kPageShift = 12;
constexpr unsigned kSuperpageOrder = 9;  // 2 MiB extents

absl::Status XenError(const char* what) {
  return absl::ErrnoToStatus(errno, absl::StrCat("xen: ", what));
}

// hvm_hw_cpu arbytes: type | S << 4 | DPL << 5 | P << 7 | AVL << 8 | L << 9 | DB << 10 | G << 11.
constexpr uint32_t kCode32Arbytes =
    0xc9b;  // execute/read, accessed, present, 32-bit, 4 KiB granular
constexpr uint32_t kData32Arbytes = 0xc93;  // read/write, accessed, present, 32-bit, 4 KiB granular
constexpr uint32_t kTss32Arbytes = 0x8b;    // busy 32-bit TSS, present
constexpr uint64_t kCr0Pe = 1, kCr0Et = 1ull << 4;
constexpr uint64_t kMtrrTypeWriteBack = 6, kMtrrDefTypeEnable = 1ull << 11;

// Appends one HVM save record (descriptor + body) to (buf).
template <typename T>
void AppendRecord(std::vector<uint8_t>& buf, uint16_t code, uint16_t instance, const T& body) {
  hvm_save_descriptor d{code, instance, static_cast<uint32_t>(sizeof(T))};
  const auto* dp = reinterpret_cast<const uint8_t*>(&d);
  buf.insert(buf.end(), dp, dp + sizeof(d));
  const auto* bp = reinterpret_cast<const uint8_t*>(&body);
  buf.insert(buf.end(), bp, bp + sizeof(T));
}

// Finds record (code, instance) in an HVM context buffer.
template <typename T>
std::optional<T> FindRecord(const std::vector<uint8_t>& buf, uint16_t code, uint16_t instance) {
  size_t pos = 0;
  while (pos + sizeof(hvm_save_descriptor) <= buf.size()) {
    hvm_save_descriptor d;
    std::memcpy(&d, buf.data() + pos, sizeof(d));
    pos += sizeof(d);
    if (d.length > buf.size() - pos) return std::nullopt;
    if (d.typecode == code && d.instance == instance && d.length >= sizeof(T)) {
      T out;
      std::memcpy(&out, buf.data() + pos, sizeof(T));
      return out;
    }
    if (d.typecode == HVM_SAVE_CODE(END)) return std::nullopt;
    pos += d.length;
  }
  return std::nullopt;
}

}  // namespace

struct XenDomain::Handles {
  xc_interface* xch = nullptr;
  xenforeignmemory_handle* fmem = nullptr;
  xenevtchn_handle* xce = nullptr;
  ~Handles() {
    if (xce != nullptr) xenevtchn_close(xce);
    if (fmem != nullptr) xenforeignmemory_close(fmem);
    if (xch != nullptr) xc_interface_close(xch);
  }
};

absl::Status XenUsable() {
  if (access("/proc/xen/capabilities", R_OK) != 0) {
    return absl::FailedPreconditionError(
        "xen: not a Xen domain (no /proc/xen/capabilities; is xenfs mounted?)");
  }
  for (const char* path : {"/dev/xen/privcmd", "/proc/xen/privcmd"}) {
    UniqueFd fd(open(path, O_RDWR | O_CLOEXEC));
    if (fd.valid()) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "xen: cannot open /dev/xen/privcmd: hvrun --backend=xen must run as root in dom0");
}

XenDomain::XenDomain(std::unique_ptr<Handles> h, uint32_t domid, uint64_t memory_bytes)
    : h_(std::move(h)), domid_(domid), memory_bytes_(memory_bytes) {}

XenDomain::~XenDomain() {
  if (local_port_.has_value()) xenevtchn_unbind(h_->xce, *local_port_);
  xc_domain_destroy(h_->xch, domid_);
  // reaper_, destroyed after this body, tells the reaper it is done.
}

absl::StatusOr<std::unique_ptr<XenDomain>> XenDomain::Create(uint64_t memory_bytes) {
  const uint64_t superpage = 1ull << (kPageShift + kSuperpageOrder);
  if (memory_bytes == 0 || memory_bytes % superpage != 0) {
    return absl::InvalidArgumentError("xen: guest memory must be a multiple of 2 MiB");
  }
  HV_RETURN_IF_ERROR(XenUsable());
  auto h = std::make_unique<Handles>();
  h->xch = xc_interface_open(nullptr, nullptr, 0);
  if (h->xch == nullptr) return XenError("xc_interface_open");
  h->fmem = xenforeignmemory_open(nullptr, 0);
  if (h->fmem == nullptr) return XenError("xenforeignmemory_open");
  h->xce = xenevtchn_open(nullptr, 0);
  if (h->xce == nullptr) return XenError("xenevtchn_open");

  xen_domctl_createdomain config{};
  config.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;  // PVH is HVM without a device model
  config.max_vcpus = 1;
  config.max_evtchn_port = 63;   // we use one
  config.max_grant_frames = -1;  // Xen's defaults; unused
  config.max_maptrack_frames = -1;
  config.grant_opts = XEN_DOMCTL_GRANT_version(1);
  config.arch.emulation_flags = XEN_X86_EMU_LAPIC;  // what PVH means to Xen
  if (getrandom(config.handle, sizeof(config.handle), 0) != sizeof(config.handle)) {
    return XenError("getrandom for the domain handle");
  }
  uint32_t domid = 0;  // 0: Xen picks
  if (xc_domain_create(h->xch, &domid, &config) != 0) {
    return XenError("xc_domain_create (PVH, HAP): does Xen have HVM and HAP here?");
  }
  // From here on the destructor destroys the domain, and the reaper does if
  // hvrun dies without running it.
  auto domain = std::make_unique<XenDomain>(std::move(h), domid, memory_bytes);
  HV_ASSIGN_OR_RETURN(DomainReaper reaper, DomainReaper::Start(domid));
  domain->reaper_.emplace(std::move(reaper));
  xc_interface* xch = domain->h_->xch;
  // Still needed in 4.17 to allocate the vCPU itself. Without it Xen
  // 4.17.7 dereferences the missing vCPU 0 and panics on the first
  // xc_domain_hvm_getcontext (vpic_save): found the hard way.
  if (xc_domain_max_vcpus(xch, domid, 1) != 0) return XenError("xc_domain_max_vcpus");
  if (xc_domain_setmaxmem(xch, domid, (memory_bytes >> 10) + 1024) != 0) {
    return XenError("xc_domain_setmaxmem");
  }
  // RAM from guest-physical 0: 2 MiB extents, or 4 KiB pages where Xen has
  // no free superpages.
  std::vector<xen_pfn_t> pfns(memory_bytes / superpage);
  for (size_t i = 0; i < pfns.size(); ++i) pfns[i] = i << kSuperpageOrder;
  if (xc_domain_populate_physmap_exact(xch, domid, pfns.size(), kSuperpageOrder, 0, pfns.data()) !=
      0) {
    pfns.resize(memory_bytes >> kPageShift);
    for (size_t i = 0; i < pfns.size(); ++i) pfns[i] = i;
    if (xc_domain_populate_physmap_exact(xch, domid, pfns.size(), 0, 0, pfns.data()) != 0) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "xen: cannot give the domain %d MiB of RAM (%s): is Xen's free memory enough?",
          memory_bytes >> 20, std::strerror(errno)));
    }
  }
  return domain;
}

absl::StatusOr<HostMapping> XenDomain::MapMemory() {
  const size_t pages = memory_bytes_ >> kPageShift;
  std::vector<xen_pfn_t> pfns(pages);
  for (size_t i = 0; i < pages; ++i) pfns[i] = i;
  std::vector<int> errs(pages);
  void* addr = xenforeignmemory_map(h_->fmem, domid_, PROT_READ | PROT_WRITE, pages, pfns.data(),
                                    errs.data());
  if (addr == nullptr) return XenError("xenforeignmemory_map of the domain's RAM");
  HostMapping map(addr, memory_bytes_);
  for (size_t i = 0; i < pages; ++i) {
    if (errs[i] != 0) {
      return absl::InternalError(
          absl::StrFormat("xen: guest page 0x%x did not map (error %d)", i, errs[i]));
    }
  }
  return map;
}

absl::StatusOr<uint32_t> XenDomain::OpenEventChannel() {
  const int guest_port = xc_evtchn_alloc_unbound(h_->xch, domid_, 0);
  if (guest_port < 0) return XenError("xc_evtchn_alloc_unbound");
  const xenevtchn_port_or_error_t local =
      xenevtchn_bind_interdomain(h_->xce, domid_, static_cast<evtchn_port_t>(guest_port));
  if (local < 0) return XenError("xenevtchn_bind_interdomain");
  local_port_ = static_cast<uint32_t>(local);
  return static_cast<uint32_t>(guest_port);
}

absl::Status XenDomain::StartPvh(uint32_t entry, uint32_t start_info) {
  xc_interface* xch = h_->xch;
  const int size = xc_domain_hvm_getcontext(xch, domid_, nullptr, 0);
  if (size <= 0) return XenError("xc_domain_hvm_getcontext (size)");
  std::vector<uint8_t> now(static_cast<size_t>(size));
  if (xc_domain_hvm_getcontext(xch, domid_, now.data(), now.size()) < 0) {
    return XenError("xc_domain_hvm_getcontext");
  }
  const auto header = FindRecord<hvm_save_header>(now, HVM_SAVE_CODE(HEADER), 0);
  auto mtrr = FindRecord<hvm_hw_mtrr>(now, HVM_SAVE_CODE(MTRR), 0);
  if (!header.has_value() || !mtrr.has_value()) {
    return absl::InternalError("xen: the domain's HVM context lacks a header or MTRR record");
  }
  // The PVH boot ABI's start state; everything else zero.
  hvm_hw_cpu cpu{};
  cpu.rip = entry;
  cpu.rbx = start_info;
  cpu.rflags = 2;
  cpu.cr0 = kCr0Pe | kCr0Et;
  cpu.cs_limit = cpu.ds_limit = cpu.es_limit = cpu.ss_limit = 0xffffffff;
  cpu.cs_arbytes = kCode32Arbytes;
  cpu.ds_arbytes = cpu.es_arbytes = cpu.ss_arbytes = kData32Arbytes;
  cpu.fs_arbytes = cpu.gs_arbytes = kData32Arbytes;
  cpu.fs_limit = cpu.gs_limit = 0xffffffff;
  cpu.tr_arbytes = kTss32Arbytes;
  cpu.tr_limit = 0x67;
  cpu.dr6 = 0xffff0ff0;
  cpu.dr7 = 0x400;
  // Write-back memory: without it the MTRRs leave RAM uncached.
  mtrr->msr_mtrr_def_type = kMtrrTypeWriteBack | kMtrrDefTypeEnable;

  std::vector<uint8_t> ctx;
  AppendRecord(ctx, HVM_SAVE_CODE(HEADER), 0, *header);
  AppendRecord(ctx, HVM_SAVE_CODE(CPU), 0, cpu);
  AppendRecord(ctx, HVM_SAVE_CODE(MTRR), 0, *mtrr);
  AppendRecord(ctx, HVM_SAVE_CODE(END), 0, hvm_save_end{});
  if (xc_domain_hvm_setcontext(xch, domid_, ctx.data(), ctx.size()) != 0) {
    return XenError("xc_domain_hvm_setcontext (the PVH start state)");
  }
  if (xc_domain_unpause(xch, domid_) != 0) return XenError("xc_domain_unpause");
  return absl::OkStatus();
}

void XenDomain::Notify() {
  if (local_port_.has_value()) xenevtchn_notify(h_->xce, *local_port_);
}

bool XenDomain::WaitEvent(int timeout_ms) {
  pollfd p{xenevtchn_fd(h_->xce), POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  const xenevtchn_port_or_error_t port = xenevtchn_pending(h_->xce);
  if (port < 0) return false;
  xenevtchn_unmask(h_->xce, static_cast<evtchn_port_t>(port));
  return true;
}

DomainState XenDomain::State() const {
  xc_dominfo_t info{};
  DomainState s;
  if (xc_domain_getinfo(h_->xch, domid_, 1, &info) != 1 || info.domid != domid_) return s;
  s.exists = !info.dying;
  s.shutdown = info.shutdown != 0 || info.crashed != 0;
  s.crashed = info.crashed != 0;
  s.reason = info.shutdown_reason;
  return s;
}

absl::StatusOr<VcpuRegisters> XenDomain::Registers() const {
  hvm_hw_cpu cpu{};
  if (xc_domain_hvm_getcontext_partial(h_->xch, domid_, HVM_SAVE_CODE(CPU), 0, &cpu, sizeof(cpu)) !=
      0) {
    return XenError("xc_domain_hvm_getcontext_partial (CPU)");
  }
  return VcpuRegisters{.regs = {.rax = cpu.rax,
                                .rbx = cpu.rbx,
                                .rcx = cpu.rcx,
                                .rdx = cpu.rdx,
                                .rsi = cpu.rsi,
                                .rdi = cpu.rdi,
                                .rbp = cpu.rbp,
                                .rsp = cpu.rsp,
                                .r8 = cpu.r8,
                                .r9 = cpu.r9,
                                .r10 = cpu.r10,
                                .r11 = cpu.r11,
                                .r12 = cpu.r12,
                                .r13 = cpu.r13,
                                .r14 = cpu.r14,
                                .r15 = cpu.r15,
                                .rip = cpu.rip,
                                .rflags = cpu.rflags},
                       .cr2 = cpu.cr2};
}

}  // namespace hvrun::xen
