// File: guest_memory.h
//
// GuestMemory owns the guest's RAM: one memfd, mapped once into hvrun, that
// every backend maps into the guest too (the sim child maps it at the same
// addresses; KVM registers it as a memory slot). It is also the one place
// where a guest address becomes a host pointer: every access is checked
// against the region table, so a range that is not wholly inside guest
// memory is rejected, never followed (DESIGN.md contract 4).
//
// The guest runs concurrently with hvrun, so a handler copies argument
// structs out with Read<T>() before it checks them (no time-of-check to
// time-of-use gap), and treats Span() contents as untrusted bytes.
//
// Example:
//   HV_ASSIGN_OR_RETURN(GuestMemory mem, GuestMemory::Create(512 << 20));
//   HV_ASSIGN_OR_RETURN(hv_console_io io, mem.Read<hv_console_io>(arg));
//   HV_ASSIGN_OR_RETURN(std::span<uint8_t> data, mem.Span(io.data, io.len));
#ifndef VMM_BASE_GUEST_MEMORY_H_
#define VMM_BASE_GUEST_MEMORY_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {

class GuestMemory {
 public:
  // Creates (size) bytes of zeroed guest memory. The first page (the null
  // page) is never valid for access. (size) must be page-aligned.
  static absl::StatusOr<GuestMemory> Create(uint64_t size);

  // Guest memory someone else owns, already mapped at (map) (the xen
  // backend's foreign mapping of a domain's RAM): no memfd, so fd() is -1
  // and Discard() zeroes instead of giving memory back.
  static absl::StatusOr<GuestMemory> Adopt(HostMapping map, uint64_t size);

  GuestMemory(GuestMemory&&) = default;
  GuestMemory& operator=(GuestMemory&&) = default;

  int fd() const { return fd_.get(); }
  uint64_t size() const { return size_; }
  // Lowest valid guest address (the end of the null page).
  uint64_t start() const { return start_; }
  // hvrun's own mapping of guest address 0. Only for backends that must
  // hand the whole range to something else (KVM memory slots).
  uint8_t* host_base() const { return static_cast<uint8_t*>(map_.addr()); }

  // Returns true if [gva, gva+len) lies wholly inside guest memory
  // (overflow-safe). A zero-length range is inside if gva is.
  bool Contains(uint64_t gva, uint64_t len) const;

  // Returns the host view of guest range [gva, gva+len), or OutOfRange.
  absl::StatusOr<std::span<uint8_t>> Span(uint64_t gva, uint64_t len) const;

  // Copies a T out of guest memory at (gva). The guest may change the bytes
  // under us, so callers check the copy, never the original.
  template <typename T>
  absl::StatusOr<T> Read(uint64_t gva) const {
    static_assert(std::is_trivially_copyable_v<T>);
    auto span = Span(gva, sizeof(T));
    if (!span.ok()) return span.status();
    T out;
    std::memcpy(&out, span->data(), sizeof(T));
    return out;
  }
  // Copies (value) into guest memory at (gva).
  template <typename T>
  absl::Status Write(uint64_t gva, const T& value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    return WriteBytes(
        gva, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&value), sizeof(T)));
  }
  absl::Status WriteBytes(uint64_t gva, std::span<const uint8_t> bytes) const;

  // Zeroes the pages of [gva, gva+len) and gives their host memory back
  // (fallocate PUNCH_HOLE on the memfd, where there is one). Both ends must
  // be page-aligned. Shared ranges are left alone: other processes still
  // map their pages.
  absl::Status Discard(uint64_t gva, uint64_t len) const;

  // Copies every page of (other) that holds data into this memory (fork):
  // both are memfds of the same size, and this one is fresh (all holes).
  // Costs what (other) has touched (SEEK_DATA/SEEK_HOLE), never its size.
  // Returns the bytes copied. Ranges (other) shares are not copied: this
  // memory maps the same pages there (MapShared), and records them.
  absl::StatusOr<uint64_t> CopyFrom(const GuestMemory& other) const;

  // Memory shared between processes (MAP_SHARED|MAP_ANONYMOUS across fork):
  // [gva, gva+len) of this memory is (file)'s pages from (offset): this
  // memory's own memfd where the guest made the mapping (own), or the
  // memfd of the process it was inherited from, mapped over this memory's
  // own pages in hvrun's view (and, on sim, in the guest process: the
  // backend maps Inherited() at launch; kvm's memory slot follows hvrun's
  // view).
  struct SharedRange {
    uint64_t gva = 0, len = 0;
    std::shared_ptr<const UniqueFd> file;
    uint64_t offset = 0;
    bool own = false;
  };
  static constexpr size_t kMaxSharedRanges = 256;
  // The guest made [gva, gva+len) a shared mapping: InvalidArgument if not
  // page-aligned or overlapping a shared range, OutOfRange outside memory,
  // ResourceExhausted past kMaxSharedRanges.
  absl::Status Share(uint64_t gva, uint64_t len) const;
  // The guest unmapped [gva, gva+len): no longer shared; inherited pages
  // there give way to this memory's own.
  absl::Status Unshare(uint64_t gva, uint64_t len) const;
  // [gva, gva+len) becomes (file)'s pages from (offset) (a file of the
  // shared-memory store, HV_SHARE_MAP_FILE), mapped over this memory's own
  // pages in hvrun's view, recorded as a range that is not this memory's
  // own (so forks map it too and Unshare maps the own pages back), and
  // passed to the guest process on the file channel, where there is one
  // (sim). InvalidArgument if not page-aligned or overlapping a shared
  // range, OutOfRange outside memory, ResourceExhausted past
  // kMaxSharedRanges or when the channel takes no more.
  absl::Status MapFile(uint64_t gva, uint64_t len, std::shared_ptr<const UniqueFd> file,
                       uint64_t offset) const;
  // The socket MapFile passes files on (the sim backend's file channel to
  // its child process).
  void SetFileChannel(UniqueFd channel) const;
  std::vector<SharedRange> SharedRanges() const;
  // The shared ranges that are another memory's pages (for the sim child).
  std::vector<SharedRange> Inherited() const;

 private:
  GuestMemory(UniqueFd fd, HostMapping map, uint64_t size)
      : fd_(std::move(fd)), map_(std::move(map)), size_(size) {}

  // Maps (r)'s pages at its gva in hvrun's view and records it (fork).
  absl::Status MapShared(const SharedRange& r) const;
  // Maps this memory's own pages back at [gva, gva+len).
  absl::Status MapOwn(uint64_t gva, uint64_t len) const;

  struct Shared {
    std::mutex mu;
    std::shared_ptr<const UniqueFd> own_file;  // a dup of fd_, made at the first Share
    std::vector<SharedRange> ranges;           // sorted by gva, disjoint
    UniqueFd channel;                          // SetFileChannel's
  };

  UniqueFd fd_;
  HostMapping map_;
  uint64_t size_ = 0;
  uint64_t start_ = 4096;
  std::unique_ptr<Shared> shared_ = std::make_unique<Shared>();
};

}  // namespace hvrun

#endif  // VMM_BASE_GUEST_MEMORY_H_
