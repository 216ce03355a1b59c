// File: tests/hostile/guests/plant_probe_cache.c
//
// Attacks hvrun's kvm sysret-probe cache through a mount over its directory
// (the user gave the guest that directory; hvrun must still not be fooled).
//   symlinks DIR VICTIM  replaces the cache file and the temporary name the
//                        old code wrote with symlinks to VICTIM, a host file
//                        the next kvm run must not truncate or read.
//   flip DIR             rewrites the cached "no" into a "yes", which would
//                        make the next kvm run use sysretq where it shuts the
//                        VM down.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc >= 4 && strcmp(argv[1], "symlinks") == 0) {
    char path[512];
    const char* names[] = {"kvm-sysret-probe", "kvm-sysret-probe.tmp"};
    for (int i = 0; i < 2; ++i) {
      snprintf(path, sizeof path, "%s/%s", argv[2], names[i]);
      unlink(path);
      if (symlink(argv[3], path) != 0) {
        perror("symlink");
        return 1;
      }
    }
    printf("planted\n");
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "flip") == 0) {
    char path[512], text[256];
    snprintf(path, sizeof path, "%s/kvm-sysret-probe", argv[2]);
    int fd = open(path, O_RDWR);
    if (fd < 0) {
      perror("open");
      return 1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    if (n < 3 || text[n - 2] != '0') {
      fprintf(stderr, "unexpected cache content\n");
      return 1;
    }
    text[n - 2] = '1';
    if (pwrite(fd, text, (size_t)n, 0) != n) {
      perror("pwrite");
      return 1;
    }
    close(fd);
    printf("flipped\n");
    return 0;
  }
  fprintf(stderr, "usage: plant_probe_cache symlinks DIR VICTIM | flip DIR\n");
  return 2;
}
