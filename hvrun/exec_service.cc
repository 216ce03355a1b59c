// File: exec_service.cc
#include "hvrun/exec_service.h"

#include <cerrno>
#include <string>

#include "absl/strings/match.h"
#include "hvrun/elf/elf_loader.h"
#include "vmm/base/layout.h"

namespace hvrun {
namespace {

HypercallOutcome Reply(int64_t r) { return HypercallOutcome::Reply(r); }

// The errno execve gives for a program hvrun cannot take.
int64_t ExecErrno(const absl::Status& s) {
  if (absl::IsNotFound(s)) return -ENOENT;
  if (absl::IsPermissionDenied(s)) return -EACCES;
  if (absl::IsOutOfRange(s) || absl::IsResourceExhausted(s)) return -ENOMEM;
  if (s.code() == absl::StatusCode::kUnknown) return -EIO;
  return -ENOEXEC;
}

}  // namespace

absl::StatusOr<ElfImage> ReadElfInGuestView(const HostFiles& files, const std::string& path) {
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) {
    return absl::NotFoundError(path + ": not an absolute path");
  }
  const HostMount* best = nullptr;
  const HostMount* rootfs = nullptr;
  for (const HostMount& m : files.mounts()) {
    if (m.rootfs) {
      rootfs = &m;
      continue;
    }
    const bool under = absl::StartsWith(path, m.guest_path) && path.size() > m.guest_path.size() &&
                       path[m.guest_path.size()] == '/';
    if (under && (best == nullptr || m.guest_path.size() > best->guest_path.size())) best = &m;
  }
  if (best != nullptr) {
    return ReadElfFileBeneath(best->root.get(), path.substr(best->guest_path.size() + 1));
  }
  if (rootfs != nullptr) return ReadElfFileInRoot(rootfs->root.get(), path);
  return absl::NotFoundError(path + ": not inside any mount or the root file system");
}

HypercallOutcome ExecService::Handle(const ServiceContext& ctx, uint64_t arg) {
  auto req = ctx.memory.Read<hv_exec>(arg);
  if (!req.ok()) return Reply(-EFAULT);
  if (image_end_ == 0) return Reply(-ENOSYS);  // no image area (xen): no exec
  if (req->op == HV_EXEC_LOAD) return Reply(Load(ctx));
  if (req->op != HV_EXEC_PREPARE) return Reply(-EINVAL);
  hv_exec out = *req;
  const int64_t r = Prepare(ctx, out);
  if (r < 0) return Reply(r);
  if (!ctx.memory.Write(arg, out).ok()) return Reply(-EFAULT);
  return Reply(0);
}

int64_t ExecService::Prepare(const ServiceContext& ctx, hv_exec& req) {
  prepared_.reset();
  absl::StatusOr<ElfImage> app;
  if (req.image_len != 0) {
    if (req.image_len > kMaxElfFileSize) return -ENOMEM;
    auto bytes = ctx.memory.Span(req.image, req.image_len);
    if (!bytes.ok()) return -EFAULT;
    app = ParseElf("(program)", std::vector<uint8_t>(bytes->begin(), bytes->end()));
  } else {
    const int fd = ctx.files.fd(req.handle);
    if (fd < 0) return -EBADF;
    app = ReadElfFd(fd, "(program)");
  }
  if (!app.ok()) return ExecErrno(app.status());
  Prepared p{.app = *std::move(app)};
  if (p.app.kind == ElfKind::kExec && p.app.min_vaddr < layout::kRuntimeEnd) return -ENOMEM;
  if (p.app.phdr_vaddr == 0) return -ENOEXEC;
  p.app_bias = p.app.kind == ElfKind::kPie ? layout::kAppPieBase - p.app.min_vaddr : 0;
  const uint64_t app_end = p.app_bias + p.app.max_vaddr;
  if (app_end < p.app_bias || app_end > image_end_) return -ENOMEM;
  uint64_t images_end = app_end;
  if (p.app.interp.has_value()) {
    absl::StatusOr<ElfImage> interp = ReadElfInGuestView(ctx.files, *p.app.interp);
    if (!interp.ok()) return ExecErrno(interp.status());
    if (interp->kind != ElfKind::kPie || interp->interp.has_value()) return -ELIBBAD;
    p.interp_bias = layout::PageUp(app_end) - interp->min_vaddr;
    images_end = p.interp_bias + interp->max_vaddr;
    if (images_end < app_end || images_end > image_end_) return -ENOMEM;
    p.interp = *std::move(interp);
  }
  req.app = {p.app_bias + p.app.min_vaddr, p.app.max_vaddr - p.app.min_vaddr};
  req.app_entry = p.app_bias + p.app.entry;
  req.app_phdr = p.app_bias + p.app.phdr_vaddr;
  req.app_phnum = p.app.phnum;
  req.app_phent = p.app.phentsize;
  req.app_load_bias = p.app_bias;
  req.interp = {};
  req.interp_entry = 0;
  req.interp_base = 0;
  if (p.interp) {
    req.interp = {p.interp_bias + p.interp->min_vaddr, p.interp->max_vaddr - p.interp->min_vaddr};
    req.interp_entry = p.interp_bias + p.interp->entry;
    req.interp_base = p.interp_bias;
  }
  prepared_ = std::move(p);
  return 0;
}

int64_t ExecService::Load(const ServiceContext& ctx) {
  if (!prepared_.has_value()) return -EINVAL;
  Prepared p = *std::move(prepared_);
  prepared_.reset();
  // The old program's pages, and whatever else it left in the image area,
  // read as zero again before the new one goes in.
  if (!ctx.memory.Discard(layout::kRuntimeEnd, image_end_ - layout::kRuntimeEnd).ok()) return -EIO;
  if (!LoadElf(p.app, p.app_bias, ctx.memory, Relocate::kNo).ok()) return -ENOEXEC;
  if (p.interp && !LoadElf(*p.interp, p.interp_bias, ctx.memory, Relocate::kNo).ok()) {
    return -ENOEXEC;
  }
  return 0;
}

}  // namespace hvrun
