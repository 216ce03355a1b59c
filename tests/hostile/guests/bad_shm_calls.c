// File: tests/hostile/guests/bad_shm_calls.c
//
// The shared-memory calls straight through the native entry (no runtime in
// front): HV_SHARE_MAP_FILE with bad handles, offsets and ranges, a store
// file shrunk under its mapping or grown past --shm-size (the test gives
// 1M), HV_CALL_SYSV_SHM with bad operations, ids, sizes and addresses; on
// sim the map stub called with nothing passed to it, and 300 maps whose fds
// the guest never takes. Each line prints the call and hvrun's answer; each
// must be an error the guest sees, never an hvrun crash, hang or leak.
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/hostile/guests/hostile_guest.h"

static const struct hv_native* hv;

#define P(x) ((uint64_t)(uintptr_t)(x))
static const uint64_t kWild = 0xfffffffffffff000ull;

static void call(const char* what, uint64_t nr, uint64_t arg) {
  hostile_report_call(hv, what, nr, arg);
}

static void map(const char* what, uint32_t handle, uint64_t addr, uint64_t len, uint64_t off) {
  struct hv_mem_share s = {
      .op = HV_SHARE_MAP_FILE, .handle = handle, .addr = addr, .len = len, .offset = off};
  call(what, HV_CALL_MEM_SHARE, P(&s));
}

static void sysv(const char* what, uint32_t op, int32_t id, int32_t key, uint64_t size,
                 uint32_t flags, uint64_t addr) {
  struct hv_sysv_shm s = {
      .op = op, .id = id, .key = key, .size = size, .flags = flags, .addr = addr, .mode = 0600};
  call(what, HV_CALL_SYSV_SHM, P(&s));
}

static void fdop(const char* what, uint32_t op, uint32_t handle, uint32_t flags, uint64_t a0,
                 uint64_t a1) {
  struct hv_file_fdop f = {.op = op, .handle = handle, .flags = flags, .arg0 = a0, .arg1 = a1};
  call(what, HV_CALL_FILE_FDOP, P(&f));
}

int main(void) {
  hv = hostile_native();
  setvbuf(stdout, NULL, _IOLBF, 0);
  const struct hv_boot_info* boot = (const struct hv_boot_info*)(uintptr_t)0x1000;
  const struct hv_mount* mounts = (const struct hv_mount*)(uintptr_t)boot->mounts;
  uint32_t store = ~0u;
  for (uint32_t i = 0; i < boot->mount_count; i++) {
    if (mounts[i].flags & HV_MOUNT_SHM) store = i;
  }
  if (store == ~0u) {
    printf("no shared-memory store\n");
    return 1;
  }
  // A store file of two pages, opened by hand.
  static const char name[] = "hostile";
  struct hv_file_open o = {.at = {.mount = store, .len = sizeof name - 1, .path = P(name)},
                           .flags = O_RDWR | O_CREAT,
                           .mode = 0600};
  const int64_t h = hostile_hypercall(hv, HV_CALL_FILE_OPEN, P(&o));
  if (h < 0) {
    printf("cannot open a store file: %lld\n", (long long)h);
    return 1;
  }
  const uint32_t file = (uint32_t)h;
  fdop("size the store file", HV_FDOP_TRUNCATE, file, 0, 8192, 0);
  struct hv_pipe pp = {0};
  const int64_t piped = hostile_hypercall(hv, HV_CALL_PIPE, P(&pp));
  // Memory the runtime handed out, to map over behind its back.
  uint8_t* mem = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;

  if (boot->map_file_entry != 0) {
    // sim: the stub takes only what hvrun passed; nothing is waiting.
    typedef int64_t (*map_fn)(uint64_t, uint64_t, uint64_t);
    const int64_t r = ((map_fn)(uintptr_t)boot->map_file_entry)(P(mem) + 8192, 4096, 0);
    printf("%-44s -> %s\n", "map stub with nothing passed", r == -EAGAIN ? "-EAGAIN" : "other");
  }
  map("map file: a bad handle", 0xfffffff0u, P(mem), 4096, 0);
  if (piped == 0) map("map file: a pipe, not a store file", pp.handles[0], P(mem), 4096, 0);
  map("map file: a misaligned offset", file, P(mem), 4096, 100);
  map("map file: past the end of the file", file, P(mem), 3 * 4096, 0);
  map("map file: a wild address", file, kWild, 4096, 0);
  map("map file: the backend pages", file, 0x2000, 4096, 0);
  map("map file: offset wraps", file, P(mem), 4096, kWild);
  map("map file: a page", file, P(mem), 4096, 0);
  map("map file: the same page again", file, P(mem), 4096, 0);
  fdop("truncate it below the mapping", HV_FDOP_TRUNCATE, file, 0, 0, 0);
  fdop("grow it past --shm-size", HV_FDOP_TRUNCATE, file, 0, 1ull << 30, 0);
  fdop("fallocate past --shm-size", HV_FDOP_FALLOCATE, file, 0, 0, 1ull << 30);
  fdop("fallocate keeping the size", HV_FDOP_FALLOCATE, file, FALLOC_FL_KEEP_SIZE, 0, 1 << 20);
  fdop("fallocate a wrapping range", HV_FDOP_FALLOCATE, file, 0, kWild, kWild);
  struct hv_mem_share un = {.op = HV_SHARE_REMOVE, .addr = P(mem), .len = 4096};
  call("unmap it", HV_CALL_MEM_SHARE, P(&un));
  fdop("truncate it now", HV_FDOP_TRUNCATE, file, 0, 4096, 0);

  sysv("sysv op 99", 99, 0, 0, 0, 0, 0);
  sysv("sysv get with flags 0xffff", HV_SYSV_GET, 0, 0, 4096, 0xffff, 0);
  sysv("sysv get size 0", HV_SYSV_GET, 0, 0, 0, 0, 0);
  sysv("sysv get 1 TiB", HV_SYSV_GET, 0, 0, 1ull << 40, 0, 0);
  sysv("sysv get a missing key", HV_SYSV_GET, 0, 0x51, 4096, 0, 0);
  sysv("sysv stat id 12345", HV_SYSV_STAT, 12345, 0, 0, 0, 0);
  sysv("sysv attach id 12345", HV_SYSV_ATTACH, 12345, 0, 0, 0, P(mem));
  sysv("sysv remove id -1", HV_SYSV_REMOVE, -1, 0, 0, 0, 0);
  struct hv_sysv_shm g = {.op = HV_SYSV_GET, .size = 4096, .mode = 0600};
  const int64_t id = hostile_hypercall(hv, HV_CALL_SYSV_SHM, P(&g));
  printf("%-44s -> %s\n", "sysv get a segment", id >= 0 ? "an id" : "refused");
  if (id >= 0) {
    sysv("sysv attach at a wild address", HV_SYSV_ATTACH, (int32_t)id, 0, 0, 0, kWild);
    sysv("sysv attach misaligned", HV_SYSV_ATTACH, (int32_t)id, 0, 0, 0, P(mem) + 8);
    sysv("sysv attach over the backend pages", HV_SYSV_ATTACH, (int32_t)id, 0, 0, 0, 0x2000);
    call("sysv stat, struct wild", HV_CALL_SYSV_SHM, kWild);
    sysv("sysv remove it", HV_SYSV_REMOVE, (int32_t)id, 0, 0, 0, 0);
    sysv("sysv remove it again", HV_SYSV_REMOVE, (int32_t)id, 0, 0, 0, 0);
  }

  // Maps whose fds (on sim) nobody takes: refused once hvrun's table or the
  // channel is full, never a hang.
  int refused = 0;
  for (int i = 0; i < 300 && !refused; i++) {
    struct hv_mem_share s = {.op = HV_SHARE_MAP_FILE,
                             .handle = file,
                             .addr = P(mem) + 16384 + (uint64_t)i * 4096,
                             .len = 4096};
    refused = hostile_hypercall(hv, HV_CALL_MEM_SHARE, P(&s)) < 0;
  }
  printf("%-44s -> %s\n", "300 maps never taken", refused ? "refused" : "all mapped");
  printf("all answered\n");
  return 0;
}
