// File: runtime/linux/abi/ioctl.h
//
// The terminal ioctls isatty() and friends use (asm-generic/ioctls.h) and the
// kernel's struct termios / winsize (asm-generic/termbits.h), sizes asserted.
#ifndef HVRT_LINUX_ABI_IOCTL_H_
#define HVRT_LINUX_ABI_IOCTL_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr uint64_t kTCGETS = 0x5401;
inline constexpr uint64_t kTIOCGWINSZ = 0x5413;
inline constexpr uint64_t kFIONREAD = 0x541b;
inline constexpr uint64_t kTIOCOUTQ = 0x5411;
inline constexpr uint64_t kFIONBIO = 0x5421;
inline constexpr uint64_t kSIOCGIFINDEX = 0x8933;

// The kernel's termios (not glibc's, which adds speed fields): 19 c_cc bytes.
struct Termios {
  uint32_t c_iflag;
  uint32_t c_oflag;
  uint32_t c_cflag;
  uint32_t c_lflag;
  uint8_t c_line;
  uint8_t c_cc[19];
};
static_assert(sizeof(Termios) == 36);

struct Winsize {
  uint16_t ws_row;
  uint16_t ws_col;
  uint16_t ws_xpixel;
  uint16_t ws_ypixel;
};
static_assert(sizeof(Winsize) == 8);

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_IOCTL_H_
