// alloc: exercises the allocator paths a libc uses (brk for small blocks,
// mmap above the 128 KiB threshold) and prints checksums of what it wrote.
// Exits 0 only if every check passed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <vector>

namespace {

int g_failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s\n", what);
    ++g_failures;
  }
}

// FNV-1a over a byte range.
uint64_t Fnv(const void* p, size_t n, uint64_t h = 1469598103934665603ull) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

void Fill(void* p, size_t n, unsigned seed) {
  unsigned char* b = static_cast<unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>((i * 131 + seed * 7) ^ (i >> 9));
}

bool IsPattern(const void* p, size_t n, unsigned seed) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i] != static_cast<unsigned char>((i * 131 + seed * 7) ^ (i >> 9))) return false;
  return true;
}

}  // namespace

int main() {
  // 1. malloc/free of many sizes, small to well past the mmap threshold,
  //    all live at once, then freed in an interleaved order.
  static const size_t kSizes[] = {1,       7,     16,     24,      100,    255,     4096,
                                  4097,    65536, 131071, 131072,  131073, 262144,  1 << 20,
                                  3 << 20, 5000,  17,     8 << 20, 200000, 1000000, 64};
  constexpr size_t kN = sizeof kSizes / sizeof kSizes[0];
  void* blocks[kN];
  uint64_t sum = 0;
  for (size_t i = 0; i < kN; ++i) {
    blocks[i] = malloc(kSizes[i]);
    Check(blocks[i] != nullptr, "malloc returned NULL");
    if (!blocks[i]) return 1;
    Check(reinterpret_cast<uintptr_t>(blocks[i]) % 16 == 0, "malloc result 16-byte aligned");
    Fill(blocks[i], kSizes[i], static_cast<unsigned>(i));
  }
  for (size_t i = 0; i < kN; ++i) {
    Check(IsPattern(blocks[i], kSizes[i], static_cast<unsigned>(i)), "block kept its contents");
    sum = Fnv(blocks[i], kSizes[i], sum);
  }
  for (size_t i = 0; i < kN; i += 2) free(blocks[i]);
  for (size_t i = 1; i < kN; i += 2) free(blocks[i]);
  printf("malloc %zu sizes: checksum=%016llx\n", kN, static_cast<unsigned long long>(sum));

  // 2. Churn: many allocate/free rounds must reuse memory, not leak it.
  for (int round = 0; round < 200; ++round) {
    void* big = malloc(512 * 1024);
    void* small = malloc(static_cast<size_t>(round) * 13 + 1);
    Check(big && small, "churn malloc");
    if (!big || !small) return 1;
    memset(big, round, 512 * 1024);
    free(small);
    free(big);
  }
  printf("churn 200 rounds of 512 KiB: ok\n");

  // 3. calloc returns zeroed memory, also when it reuses a dirty block.
  {
    unsigned char* dirty = static_cast<unsigned char*>(malloc(300000));
    Check(dirty != nullptr, "malloc for dirty block");
    if (dirty) memset(dirty, 0xAB, 300000);
    free(dirty);
    unsigned char* dirty_small = static_cast<unsigned char*>(malloc(1000));
    if (dirty_small) memset(dirty_small, 0xCD, 1000);
    free(dirty_small);
    static const size_t kCallocSizes[] = {1000, 300000, 4 << 20};
    for (size_t s : kCallocSizes) {
      unsigned char* z = static_cast<unsigned char*>(calloc(s, 1));
      Check(z != nullptr, "calloc returned NULL");
      if (!z) return 1;
      bool all_zero = true;
      for (size_t i = 0; i < s; ++i) all_zero &= z[i] == 0;
      Check(all_zero, "calloc memory is zero");
      printf("calloc %zu bytes: %s\n", s, all_zero ? "zeroed" : "NOT zeroed");
      free(z);
    }
    volatile size_t huge = SIZE_MAX / 2;  // volatile: a run-time overflow, not a compile-time one
    Check(calloc(huge, 4) == nullptr, "calloc overflow must fail");
  }

  // 4. realloc growth keeps the prefix, from 16 bytes to 16 MiB.
  {
    size_t size = 16;
    unsigned char* p = static_cast<unsigned char*>(malloc(size));
    Fill(p, size, 99);
    while (size < (16u << 20)) {
      size_t next = size * 2;
      unsigned char* q = static_cast<unsigned char*>(realloc(p, next));
      Check(q != nullptr, "realloc returned NULL");
      if (!q) return 1;
      Check(IsPattern(q, size, 99), "realloc kept the prefix");
      p = q;
      Fill(p, next, 99);
      size = next;
    }
    unsigned char* shrunk = static_cast<unsigned char*>(realloc(p, 100));
    Check(shrunk && IsPattern(shrunk, 100, 99), "realloc shrink kept the prefix");
    printf("realloc 16 B -> %zu B: checksum=%016llx\n", size,
           static_cast<unsigned long long>(Fnv(shrunk, 100)));
    free(shrunk);
  }

  // 5. new/delete, arrays and unique_ptr.
  {
    uint64_t s = 0;
    for (int i = 1; i <= 1000; ++i) {
      auto* v = new uint64_t[static_cast<size_t>(i)];
      for (int j = 0; j < i; ++j) v[j] = static_cast<uint64_t>(i) * 1000 + static_cast<uint64_t>(j);
      s += v[i - 1];
      delete[] v;
    }
    auto obj = std::make_unique<std::vector<int>>(100000, 7);
    for (int x : *obj) s += static_cast<uint64_t>(x);
    printf("new/delete: sum=%llu\n", static_cast<unsigned long long>(s));
  }

  // 6. A 64 MiB vector, every byte written and read back.
  {
    std::vector<unsigned char> v(64u << 20);
    Fill(v.data(), v.size(), 5);
    bool ok = IsPattern(v.data(), v.size(), 5);
    Check(ok, "64 MiB vector contents");
    printf("64 MiB vector: checksum=%016llx\n",
           static_cast<unsigned long long>(Fnv(v.data(), v.size())));
  }

  printf("alloc: %s\n", g_failures == 0 ? "all ok" : "FAILURES");
  return g_failures == 0 ? 0 : 1;
}
