// local_ready: see local_ready.h.
#include "runtime/linux/local_ready.h"

#include "runtime/linux/abi/fcntl.h"
#include "runtime/linux/signalfd.h"

namespace hvrt::local_ready {

uint16_t Of(const vfs::File& f, const tmpfs::Inode* n) {
  if (n != nullptr && n->kind == tmpfs::Kind::kSignalFd) {
    return signalfd::Readable(*n) ? kIn | kRdNorm : 0;
  }
  if (n == nullptr || n->kind != tmpfs::Kind::kPipe) return kAlways;
  const uint64_t acc = f.flags & abi::kO_ACCMODE;
  uint16_t r = 0;
  if (acc != abi::kO_WRONLY) {
    if (n->size > 0) r |= kIn | kRdNorm;
    if (n->writers == 0) r |= kHup;
  }
  if (acc != abi::kO_RDONLY) {
    if (n->readers == 0) {
      r |= kErr;
    } else if (n->size < n->entries) {
      r |= kOut | kWrNorm;
    }
  }
  return r;
}

}  // namespace hvrt::local_ready
