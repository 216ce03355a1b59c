// The page bitmap: see page_map.h.
#include "runtime/mm/page_map.h"

#include "runtime/lib/string.h"

namespace hvrt::mm {
namespace {

// The bits [b, b + n) of one word, n in 1..64.
uint64_t Mask(uint64_t b, uint64_t n) { return (n == 64 ? ~0ull : (1ull << n) - 1) << b; }

}  // namespace

bool PageMap::Init(uint64_t start, uint64_t end, bool zeroed) {
  bits_ = nullptr;
  base_ = npages_ = used_ = 0;
  if (end <= start) return false;
  uint64_t total = (end - start) / kPageSize;
  uint64_t bitmap_bytes = (total + 63) / 64 * 8;  // covers the bitmap's own pages too
  uint64_t bitmap_pages = PageUp(bitmap_bytes) / kPageSize;
  if (total <= bitmap_pages) return false;
  bits_ = reinterpret_cast<uint64_t*>(start);
  if (!zeroed) Fill(bits_, 0, bitmap_bytes);
  base_ = start + bitmap_pages * kPageSize;
  npages_ = total - bitmap_pages;
  return true;
}

bool PageMap::IsUsed(uint64_t addr) const {
  uint64_t i = Index(addr);
  return (bits_[i / 64] >> (i % 64)) & 1;
}

bool PageMap::All(uint64_t addr, uint64_t npages, bool used) const {
  for (uint64_t i = Index(addr); npages > 0;) {
    uint64_t b = i % 64;
    uint64_t n = 64 - b < npages ? 64 - b : npages;
    uint64_t m = Mask(b, n);
    if ((bits_[i / 64] & m) != (used ? m : 0)) return false;
    i += n;
    npages -= n;
  }
  return true;
}

uint64_t PageMap::Next(uint64_t addr, bool used) const {
  for (uint64_t i = Index(addr); i < npages_;) {
    // The word's bits from (i) up, inverted when looking for a free page.
    uint64_t w = (used ? bits_[i / 64] : ~bits_[i / 64]) >> (i % 64);
    if (w != 0) {
      i += static_cast<uint64_t>(__builtin_ctzll(w));
      return i < npages_ ? base_ + i * kPageSize : End();
    }
    i = (i / 64 + 1) * 64;
  }
  return End();
}

namespace {
// Set bits of (x); by hand, as the freestanding runtime has no libgcc for
// __builtin_popcountll and x86-64's baseline has no popcnt.
uint64_t Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (x * 0x0101010101010101ull) >> 56;
}
}  // namespace

void PageMap::Set(uint64_t addr, uint64_t npages, bool used) {
  for (uint64_t i = Index(addr); npages > 0;) {
    uint64_t b = i % 64;
    uint64_t n = 64 - b < npages ? 64 - b : npages;
    uint64_t m = Mask(b, n);
    uint64_t before = Popcount(bits_[i / 64] & m);
    used_ += used ? n - before : 0;
    used_ -= used ? 0 : before;
    if (used) {
      bits_[i / 64] |= m;
    } else {
      bits_[i / 64] &= ~m;
    }
    i += n;
    npages -= n;
  }
}

uint64_t PageMap::FindTopDown(uint64_t npages, uint64_t limit) const {
  if (npages == 0 || npages > npages_ || limit <= base_) return 0;
  uint64_t top = limit >= End() ? npages_ : (limit - base_) / kPageSize;
  // (run) counts the free pages directly above page (i), scanning down.
  uint64_t run = 0;
  for (uint64_t i = top; i-- > 0;) {
    if (i % 64 == 63) {  // top bit of a whole word: look at all 64 at once
      uint64_t w = bits_[i / 64];
      if (w == ~0ull) {
        run = 0;
        i -= 63;
        continue;
      }
      if (w == 0) {
        if (run + 64 >= npages) return base_ + (i + run + 1 - npages) * kPageSize;
        run += 64;
        i -= 63;
        continue;
      }
    }
    if ((bits_[i / 64] >> (i % 64)) & 1) {
      run = 0;
    } else if (++run == npages) {
      return base_ + i * kPageSize;
    }
  }
  return 0;
}

}  // namespace hvrt::mm
