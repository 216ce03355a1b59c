// File: diagnostics.cc
//
// What the guest tells hvrun about itself: unsupported syscalls, panics, exit.
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "vmm/services/services.h"

namespace hvrun {

HypercallOutcome Unsupported(const ServiceContext& ctx, uint64_t arg) {
  auto u = ctx.memory.Read<hv_unsupported>(arg);
  if (!u.ok()) return HypercallOutcome::Reply(-EFAULT);
  if (ctx.options.verbose) {
    const char* name = SyscallName(u->nr);
    std::string why;
    if (u->note_len > 0) {
      auto note = ctx.memory.Span(u->note, std::min<uint64_t>(u->note_len, 256));
      if (note.ok()) why = absl::StrCat(": ", std::string(note->begin(), note->end()));
    }
    std::string line = absl::StrFormat(
        "hvrun: unsupported syscall %s (%d) -> ENOSYS%s [args 0x%x 0x%x 0x%x] (%d so far)\n",
        *name ? name : "?", u->nr, why, u->args[0], u->args[1], u->args[2], u->count);
    ssize_t unused = write(ctx.options.stderr_fd, line.data(), line.size());
    (void)unused;
  }
  return HypercallOutcome::Reply(0);
}

HypercallOutcome Panic(const ServiceContext& ctx, uint64_t arg) {
  auto buf = ctx.memory.Read<hv_buffer>(arg);
  if (!buf.ok()) return HypercallOutcome::Fatal(absl::InternalError("runtime panic (unreadable)"));
  auto text = ctx.memory.Span(buf->data, std::min<uint64_t>(buf->len, 4096));
  std::string msg = text.ok() ? std::string(text->begin(), text->end()) : "(unreadable message)";
  return HypercallOutcome::Fatal(absl::InternalError(absl::StrCat("runtime panic: ", msg)));
}

HypercallOutcome Wait(const ServiceContext& ctx, uint64_t arg) {
  auto w = ctx.memory.Read<hv_wait>(arg);
  if (!w.ok()) return HypercallOutcome::Reply(-EFAULT);
  if (w->word == 0) return HypercallOutcome::SleepUntil(w->deadline_ns);
  if (w->word % 4 != 0) return HypercallOutcome::Reply(-EINVAL);
  auto word = ctx.memory.Span(w->word, sizeof(uint32_t));
  if (!word.ok()) return HypercallOutcome::Reply(-EFAULT);
  return HypercallOutcome::SleepUntil(w->deadline_ns, reinterpret_cast<uint32_t*>(word->data()),
                                      w->seen);
}

HypercallOutcome Exit(const ServiceContext& ctx, uint64_t arg) {
  auto e = ctx.memory.Read<hv_exit>(arg);
  if (!e.ok()) {
    return HypercallOutcome::Fatal(absl::InternalError("guest exit with an unreadable hv_exit"));
  }
  return HypercallOutcome::Exit(*e);
}

}  // namespace hvrun
