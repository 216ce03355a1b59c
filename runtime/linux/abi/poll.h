// File: runtime/linux/abi/poll.h
//
// poll(2)'s event bits (asm-generic/poll.h), for poll/select/epoll and the
// runtime's own waits on host streams.
#ifndef HVRT_LINUX_ABI_POLL_H_
#define HVRT_LINUX_ABI_POLL_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr int16_t kPOLLIN = 0x1;
inline constexpr int16_t kPOLLPRI = 0x2;
inline constexpr int16_t kPOLLOUT = 0x4;
inline constexpr int16_t kPOLLERR = 0x8;
inline constexpr int16_t kPOLLHUP = 0x10;
inline constexpr int16_t kPOLLNVAL = 0x20;
inline constexpr int16_t kPOLLRDNORM = 0x40;
inline constexpr int16_t kPOLLWRNORM = 0x100;
inline constexpr int16_t kPOLLRDHUP = 0x2000;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_POLL_H_
