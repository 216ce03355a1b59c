// vdso: the vDSO that AT_SYSINFO_EHDR points at is an ELF glibc can use, as
// Linux's is: its dynamic symbol table names __vdso_clock_gettime,
// __vdso_gettimeofday, __vdso_time and __vdso_getcpu (version LINUX_2.6), and
// each gives what the syscall gives. The lookup walks the ELF by hand (as
// Linux's tools/testing/selftests/vDSO/parse_vdso.c does), so a malformed
// image fails here rather than somewhere inside glibc.
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond, what)                             \
  do {                                                \
    if (!(cond)) {                                    \
      printf("FAIL line %d: %s\n", __LINE__, (what)); \
      failures++;                                     \
    }                                                 \
  } while (0)

// The vDSO's dynamic symbol (name), versioned LINUX_2.6 where the image has
// versions; 0 if absent.
static void* Lookup(uintptr_t base, const char* name) {
  const Elf64_Ehdr* eh = (const Elf64_Ehdr*)base;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) return 0;
  const Elf64_Phdr* ph = (const Elf64_Phdr*)(base + eh->e_phoff);
  uintptr_t load_offset = 0;
  const Elf64_Dyn* dyn = 0;
  int found_load = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && !found_load) {
      found_load = 1;
      load_offset = base + ph[i].p_offset - ph[i].p_vaddr;
    } else if (ph[i].p_type == PT_DYNAMIC) {
      dyn = (const Elf64_Dyn*)(base + ph[i].p_offset);
    }
  }
  if (!found_load || dyn == 0) return 0;
  const Elf64_Sym* symtab = 0;
  const char* strtab = 0;
  const Elf32_Word* hash = 0;
  const Elf64_Versym* versym = 0;
  const Elf64_Verdef* verdef = 0;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    const uintptr_t at = dyn->d_un.d_ptr + load_offset;
    if (dyn->d_tag == DT_SYMTAB) symtab = (const Elf64_Sym*)at;
    if (dyn->d_tag == DT_STRTAB) strtab = (const char*)at;
    if (dyn->d_tag == DT_HASH) hash = (const Elf32_Word*)at;
    if (dyn->d_tag == DT_VERSYM) versym = (const Elf64_Versym*)at;
    if (dyn->d_tag == DT_VERDEF) verdef = (const Elf64_Verdef*)at;
  }
  if (symtab == 0 || strtab == 0 || hash == 0) return 0;
  const Elf32_Word nsyms = hash[1];  // nchain: one per symbol
  for (Elf32_Word i = 0; i < nsyms; i++) {
    const Elf64_Sym* s = &symtab[i];
    if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF) continue;
    if (strcmp(strtab + s->st_name, name) != 0) continue;
    if (versym != 0 && verdef != 0) {
      // The symbol's version must be LINUX_2.6.
      const Elf64_Half want = versym[i] & 0x7fff;
      const Elf64_Verdef* d = verdef;
      int ok = 0;
      for (;;) {
        if (d->vd_ndx == want && (d->vd_flags & VER_FLG_BASE) == 0) {
          const Elf64_Verdaux* aux = (const Elf64_Verdaux*)((const char*)d + d->vd_aux);
          ok = strcmp(strtab + aux->vda_name, "LINUX_2.6") == 0;
          break;
        }
        if (d->vd_next == 0) break;
        d = (const Elf64_Verdef*)((const char*)d + d->vd_next);
      }
      if (!ok) continue;
    }
    return (void*)(s->st_value + load_offset);
  }
  return 0;
}

int main(void) {
  const uintptr_t base = getauxval(AT_SYSINFO_EHDR);
  CHECK(base != 0 && base % 4096 == 0, "AT_SYSINFO_EHDR names a page");
  if (base == 0) return 1;

  int (*cg)(clockid_t, struct timespec*) = Lookup(base, "__vdso_clock_gettime");
  int (*gtod)(struct timeval*, void*) = Lookup(base, "__vdso_gettimeofday");
  time_t (*tm)(time_t*) = Lookup(base, "__vdso_time");
  long (*gc)(unsigned*, unsigned*, void*) = Lookup(base, "__vdso_getcpu");
  CHECK(cg != 0, "__vdso_clock_gettime@LINUX_2.6");
  CHECK(gtod != 0, "__vdso_gettimeofday@LINUX_2.6");
  CHECK(tm != 0, "__vdso_time@LINUX_2.6");
  CHECK(gc != 0, "__vdso_getcpu@LINUX_2.6");
  CHECK(Lookup(base, "__vdso_no_such_call") == 0, "no symbol that is not there");
  if (failures != 0) {
    printf("vdso: FAILED\n");
    return 1;
  }

  // Each clock as the syscall reads it, within 50 ms, and never backwards.
  const clockid_t clocks[] = {CLOCK_REALTIME,        CLOCK_MONOTONIC,        CLOCK_MONOTONIC_RAW,
                              CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME};
  for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    struct timespec a, b, c;
    syscall(SYS_clock_gettime, clocks[i], &a);
    CHECK(cg(clocks[i], &b) == 0, "__vdso_clock_gettime returns 0");
    syscall(SYS_clock_gettime, clocks[i], &c);
    const long long na = a.tv_sec * 1000000000LL + a.tv_nsec;
    const long long nb = b.tv_sec * 1000000000LL + b.tv_nsec;
    const long long nc = c.tv_sec * 1000000000LL + c.tv_nsec;
    // The coarse clocks tick (Linux: every jiffy), so they may lag a little.
    const long long slack =
        clocks[i] == CLOCK_REALTIME_COARSE || clocks[i] == CLOCK_MONOTONIC_COARSE ? 50000000 : 0;
    CHECK(nb + slack >= na && nb <= nc + slack && nc - na < 50000000,
          "__vdso_clock_gettime agrees with the syscall");
    CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000, "tv_nsec in range");
  }
  // A clock the vDSO does not serve itself still answers (through the
  // syscall), and a bad one is EINVAL.
  struct timespec cpu;
  CHECK(cg(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0, "CLOCK_PROCESS_CPUTIME_ID");
  CHECK(cg(12345, &cpu) == -22, "a bad clock id is -EINVAL");

  struct timeval tv;
  struct timespec now;
  CHECK(gtod(&tv, NULL) == 0, "__vdso_gettimeofday returns 0");
  syscall(SYS_clock_gettime, CLOCK_REALTIME, &now);
  CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000 && now.tv_sec - tv.tv_sec <= 1 &&
            now.tv_sec >= tv.tv_sec,
        "__vdso_gettimeofday agrees with CLOCK_REALTIME");
  time_t t1 = 0;
  const time_t t0 = tm(&t1);
  syscall(SYS_clock_gettime, CLOCK_REALTIME, &now);
  CHECK(t0 == t1 && now.tv_sec - t0 <= 1 && now.tv_sec >= t0, "__vdso_time agrees");
  unsigned c = ~0u, node = ~0u;
  CHECK(gc(&c, &node, NULL) == 0 && c < (unsigned)sysconf(_SC_NPROCESSORS_CONF) && node != ~0u,
        "__vdso_getcpu names a CPU of this machine");
  // glibc's own calls go through it too.
  struct timespec g;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &g) == 0 && g.tv_sec >= 0, "glibc's clock_gettime");
  printf("vdso: %s\n", failures == 0 ? "all ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
