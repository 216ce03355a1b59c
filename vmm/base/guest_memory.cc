// File: guest_memory.cc
#include "vmm/base/guest_memory.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"

namespace hvrun {
namespace {

// Sizes (fd) to (size) bytes. The memfd is a file to the kernel, so the
// user's RLIMIT_FSIZE (`ulimit -f`, meant for the guest's file writes)
// applies to it too: hvrun lifts the soft limit to the hard one for this
// one call and puts it back, so that the limit still holds for the guest.
absl::Status SizeMemfd(int fd, uint64_t size) {
  if (ftruncate(fd, static_cast<off_t>(size)) == 0) return absl::OkStatus();
  if (errno != EFBIG) {
    return absl::ErrnoToStatus(errno, absl::StrCat("sizing guest memory to ", size, " bytes"));
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    const rlimit raised{lim.rlim_max, lim.rlim_max};
    if (setrlimit(RLIMIT_FSIZE, &raised) == 0) {
      const int r = ftruncate(fd, static_cast<off_t>(size));
      const int saved = errno;
      setrlimit(RLIMIT_FSIZE, &lim);
      if (r == 0) return absl::OkStatus();
      errno = saved;
    }
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("guest memory is a ", size,
                   "-byte memfd, more than the file size limit (ulimit -f, "
                   "RLIMIT_FSIZE hard limit) allows: raise the limit or lower --memory"));
}

// Puts (r) into (v), which is sorted by gva (the ranges are disjoint).
void InsertSorted(std::vector<GuestMemory::SharedRange>& v, const GuestMemory::SharedRange& r) {
  v.insert(std::upper_bound(v.begin(), v.end(), r,
                            [](const GuestMemory::SharedRange& a,
                               const GuestMemory::SharedRange& b) { return a.gva < b.gva; }),
           r);
}

}  // namespace

absl::StatusOr<GuestMemory> GuestMemory::Create(uint64_t size) {
  if (size == 0 || size % layout::kPageSize != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("guest memory size ", size, " is not a positive multiple of 4096"));
  }
  UniqueFd fd(memfd_create("hvrun-guest", MFD_CLOEXEC));
  if (!fd.valid()) {
    return absl::ErrnoToStatus(errno, "memfd_create for guest memory");
  }
  HV_RETURN_IF_ERROR(SizeMemfd(fd.get(), size));
  void* addr = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (addr == MAP_FAILED) {
    return absl::ErrnoToStatus(errno, absl::StrCat("mapping ", size, " bytes of guest memory"));
  }
  return GuestMemory(std::move(fd), HostMapping(addr, size), size);
}

absl::StatusOr<GuestMemory> GuestMemory::Adopt(HostMapping map, uint64_t size) {
  if (size == 0 || size % layout::kPageSize != 0 || map.addr() == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("guest memory size ", size, " is not a positive multiple of 4096"));
  }
  return GuestMemory(UniqueFd(), std::move(map), size);
}

bool GuestMemory::Contains(uint64_t gva, uint64_t len) const {
  if (gva < start_ || gva > size_) return false;
  return len <= size_ - gva;
}

absl::StatusOr<std::span<uint8_t>> GuestMemory::Span(uint64_t gva, uint64_t len) const {
  if (!Contains(gva, len)) {
    return absl::OutOfRangeError(
        absl::StrFormat("guest range [0x%x, +0x%x) is not inside guest memory [0x%x, 0x%x)", gva,
                        len, start_, size_));
  }
  return std::span<uint8_t>(host_base() + gva, len);
}

absl::Status GuestMemory::WriteBytes(uint64_t gva, std::span<const uint8_t> bytes) const {
  auto span = Span(gva, bytes.size());
  if (!span.ok()) return span.status();
  if (!bytes.empty()) std::memcpy(span->data(), bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::Status GuestMemory::Discard(uint64_t gva, uint64_t len) const {
  if (gva % layout::kPageSize != 0 || len % layout::kPageSize != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("discard of [0x%x, +0x%x) is not page-aligned", gva, len));
  }
  if (!Contains(gva, len)) {
    return absl::OutOfRangeError(
        absl::StrFormat("discard of [0x%x, +0x%x) is outside guest memory", gva, len));
  }
  if (len == 0) return absl::OkStatus();
  auto punch = [this](uint64_t at, uint64_t n) {
    if (n == 0) return;
    if (!fd_.valid() || fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                  static_cast<off_t>(at), static_cast<off_t>(n)) != 0) {
      // Some filesystems lack hole punching; zeroing gives the same contents.
      std::memset(host_base() + at, 0, n);
    }
  };
  // The parts outside shared ranges only (the ranges are sorted, disjoint).
  std::lock_guard lock(shared_->mu);
  uint64_t at = gva;
  const uint64_t end = gva + len;
  for (const SharedRange& r : shared_->ranges) {
    if (r.gva + r.len <= at || r.gva >= end) continue;
    if (r.gva > at) punch(at, r.gva - at);
    at = std::min(end, r.gva + r.len);
  }
  if (at < end) punch(at, end - at);
  return absl::OkStatus();
}

absl::Status GuestMemory::MapOwn(uint64_t gva, uint64_t len) const {
  void* want = host_base() + gva;
  if (mmap(want, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd_.get(),
           static_cast<off_t>(gva)) != want) {
    return absl::ErrnoToStatus(errno, "mapping guest memory back over a shared range");
  }
  return absl::OkStatus();
}

absl::Status GuestMemory::MapShared(const SharedRange& r) const {
  void* want = host_base() + r.gva;
  if (mmap(want, r.len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, r.file->get(),
           static_cast<off_t>(r.offset)) != want) {
    return absl::ErrnoToStatus(errno, "mapping a shared range into a child's memory");
  }
  // This memory's own pages there are no use now.
  if (fd_.valid()) {
    fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(r.gva),
              static_cast<off_t>(r.len));
  }
  std::lock_guard lock(shared_->mu);
  SharedRange mine = r;
  mine.own = false;
  InsertSorted(shared_->ranges, mine);
  return absl::OkStatus();
}

absl::Status GuestMemory::Share(uint64_t gva, uint64_t len) const {
  if (gva % layout::kPageSize != 0 || len % layout::kPageSize != 0 || len == 0) {
    return absl::InvalidArgumentError("a shared range is whole pages");
  }
  if (!Contains(gva, len)) return absl::OutOfRangeError("a shared range outside guest memory");
  if (!fd_.valid()) return absl::FailedPreconditionError("no memfd to share pages of");
  std::lock_guard lock(shared_->mu);
  auto& v = shared_->ranges;
  for (const SharedRange& r : v) {
    if (r.gva < gva + len && gva < r.gva + r.len) {
      return absl::InvalidArgumentError("the range is shared already");
    }
  }
  if (v.size() >= kMaxSharedRanges) return absl::ResourceExhaustedError("too many shared ranges");
  if (shared_->own_file == nullptr) {
    UniqueFd dup(fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
    if (!dup.valid()) return absl::ErrnoToStatus(errno, "dup of the guest memfd");
    shared_->own_file = std::make_shared<const UniqueFd>(std::move(dup));
  }
  InsertSorted(v, SharedRange{gva, len, shared_->own_file, gva, true});
  return absl::OkStatus();
}

absl::Status GuestMemory::MapFile(uint64_t gva, uint64_t len, std::shared_ptr<const UniqueFd> file,
                                  uint64_t offset) const {
  if (gva % layout::kPageSize != 0 || len % layout::kPageSize != 0 || len == 0 ||
      offset % layout::kPageSize != 0) {
    return absl::InvalidArgumentError("a shared range is whole pages");
  }
  if (!Contains(gva, len)) return absl::OutOfRangeError("a shared range outside guest memory");
  int channel = -1;
  {
    std::lock_guard lock(shared_->mu);
    for (const SharedRange& r : shared_->ranges) {
      if (r.gva < gva + len && gva < r.gva + r.len) {
        return absl::InvalidArgumentError("the range is shared already");
      }
    }
    if (shared_->ranges.size() >= kMaxSharedRanges) {
      return absl::ResourceExhaustedError("too many shared ranges");
    }
    channel = shared_->channel.get();
  }
  const int fd = file->get();
  HV_RETURN_IF_ERROR(MapShared(SharedRange{gva, len, std::move(file), offset, false}));
  if (channel < 0) return absl::OkStatus();
  // One fd per message; never waiting: a guest that does not take what it
  // asked for fills its own socket buffer and gets ResourceExhausted.
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  if (sendmsg(channel, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
    const int err = errno;
    HV_RETURN_IF_ERROR(Unshare(gva, len));
    return absl::ResourceExhaustedError(
        absl::StrCat("passing a shared file to the guest process: ", strerror(err)));
  }
  return absl::OkStatus();
}

void GuestMemory::SetFileChannel(UniqueFd channel) const {
  std::lock_guard lock(shared_->mu);
  shared_->channel = std::move(channel);
}

absl::Status GuestMemory::Unshare(uint64_t gva, uint64_t len) const {
  if (gva % layout::kPageSize != 0 || len % layout::kPageSize != 0) {
    return absl::InvalidArgumentError("a shared range is whole pages");
  }
  if (!Contains(gva, len)) return absl::OutOfRangeError("a shared range outside guest memory");
  const uint64_t end = gva + len;
  std::vector<SharedRange> kept;
  std::vector<std::pair<uint64_t, uint64_t>> back;  // inherited parts to map our own pages at
  {
    std::lock_guard lock(shared_->mu);
    for (const SharedRange& r : shared_->ranges) {
      const uint64_t r_end = r.gva + r.len;
      if (r_end <= gva || r.gva >= end) {
        kept.push_back(r);
        continue;
      }
      if (r.gva < gva) {  // the part before
        SharedRange a = r;
        a.len = gva - r.gva;
        kept.push_back(a);
      }
      if (r_end > end) {  // the part after
        SharedRange b = r;
        b.gva = end;
        b.len = r_end - end;
        b.offset = r.offset + (end - r.gva);
        kept.push_back(b);
      }
      if (!r.own) {
        const uint64_t lo = std::max(r.gva, gva), hi = std::min(r_end, end);
        back.emplace_back(lo, hi - lo);
      }
    }
    shared_->ranges = std::move(kept);
  }
  for (const auto& [at, n] : back) HV_RETURN_IF_ERROR(MapOwn(at, n));
  return absl::OkStatus();
}

std::vector<GuestMemory::SharedRange> GuestMemory::SharedRanges() const {
  std::lock_guard lock(shared_->mu);
  return shared_->ranges;
}

std::vector<GuestMemory::SharedRange> GuestMemory::Inherited() const {
  std::lock_guard lock(shared_->mu);
  std::vector<SharedRange> out;
  for (const SharedRange& r : shared_->ranges) {
    if (!r.own) out.push_back(r);
  }
  return out;
}

absl::StatusOr<uint64_t> GuestMemory::CopyFrom(const GuestMemory& other) const {
  if (!fd_.valid() || !other.fd_.valid() || other.size_ != size_) {
    return absl::FailedPreconditionError("guest memory copy needs two memfds of one size");
  }
  // (other)'s shared ranges are mapped, not copied: after the copy, whose
  // pages there MapShared gives back.
  const std::vector<SharedRange> shared = other.SharedRanges();
  uint64_t copied = 0;
  off_t at = 0;
  const off_t end = static_cast<off_t>(size_);
  while (at < end) {
    const off_t data = lseek(other.fd_.get(), at, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // no data after (at)
      return absl::ErrnoToStatus(errno, "SEEK_DATA in guest memory");
    }
    off_t hole = lseek(other.fd_.get(), data, SEEK_HOLE);
    if (hole < 0) return absl::ErrnoToStatus(errno, "SEEK_HOLE in guest memory");
    if (hole > end) hole = end;
    std::memcpy(host_base() + data, other.host_base() + data, static_cast<size_t>(hole - data));
    copied += static_cast<uint64_t>(hole - data);
    at = hole;
  }
  for (const SharedRange& r : shared) HV_RETURN_IF_ERROR(MapShared(r));
  return copied;
}

}  // namespace hvrun
