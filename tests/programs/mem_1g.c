// mem_1g: 1 GiB of heap in 1 MiB pieces (as a program that grows a big
// table does), every page written (one byte each: what commits memory),
// then checked and freed. Prints
// "mem_1g: all ok" and exits 0, or exits 1.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  enum { kPieces = 1024, kPiece = 1 << 20 };
  static unsigned char* piece[kPieces];
  for (int i = 0; i < kPieces; i++) {
    piece[i] = malloc(kPiece);
    if (piece[i] == NULL) {
      printf("mem_1g: malloc failed after %d MiB\n", i);
      return 1;
    }
    for (int j = 0; j < kPiece; j += 4096) piece[i][j] = (unsigned char)((i * 7 + 1) & 0xff);
  }
  uint64_t sum = 0;
  for (int i = 0; i < kPieces; i++) {
    for (int j = 0; j < kPiece; j += 4096) sum += piece[i][j];
    free(piece[i]);
  }
  printf("mem_1g: sum %llu\n", (unsigned long long)sum);
  printf("mem_1g: all ok\n");
  return 0;
}
