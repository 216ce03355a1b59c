// File: runtime/linux/abi/signal.h
//
// Signal numbers and the kernel's x86-64 signal structs: k_sigaction (the
// layout rt_sigaction(2) reads, which differs from glibc's struct sigaction)
// and stack_t.
#ifndef HVRT_LINUX_ABI_SIGNAL_H_
#define HVRT_LINUX_ABI_SIGNAL_H_

#include <stddef.h>
#include <stdint.h>

namespace hvrt::abi {

inline constexpr int kNSIG = 64;  // signals are 1..64; a sigset is one u64
inline constexpr int kSIGHUP = 1;
inline constexpr int kSIGINT = 2;
inline constexpr int kSIGQUIT = 3;
inline constexpr int kSIGILL = 4;
inline constexpr int kSIGABRT = 6;
inline constexpr int kSIGBUS = 7;
inline constexpr int kSIGFPE = 8;
inline constexpr int kSIGKILL = 9;
inline constexpr int kSIGSEGV = 11;
inline constexpr int kSIGPIPE = 13;
inline constexpr int kSIGALRM = 14;
inline constexpr int kSIGTERM = 15;
inline constexpr int kSIGCHLD = 17;
inline constexpr int kSIGCONT = 18;
inline constexpr int kSIGSTOP = 19;
inline constexpr int kSIGTSTP = 20;
inline constexpr int kSIGTTIN = 21;
inline constexpr int kSIGTTOU = 22;
inline constexpr int kSIGURG = 23;
inline constexpr int kSIGVTALRM = 26;
inline constexpr int kSIGPROF = 27;
inline constexpr int kSIGWINCH = 28;

inline constexpr uint64_t kSIG_DFL = 0;
inline constexpr uint64_t kSIG_IGN = 1;

inline constexpr uint64_t kSIG_BLOCK = 0;
inline constexpr uint64_t kSIG_UNBLOCK = 1;
inline constexpr uint64_t kSIG_SETMASK = 2;

inline constexpr uint32_t kSS_ONSTACK = 1;
inline constexpr uint32_t kSS_DISABLE = 2;
inline constexpr uint32_t kSS_AUTODISARM = 1u << 31;
inline constexpr uint64_t kMINSIGSTKSZ = 2048;

// The bit for signal (sig) in a kernel sigset.
constexpr uint64_t SigBit(int sig) { return 1ull << (sig - 1); }
// The signals no mask holds (and a signalfd ignores).
inline constexpr uint64_t kUnblockable = SigBit(kSIGKILL) | SigBit(kSIGSTOP);

struct KSigaction {
  uint64_t handler;   // SIG_DFL, SIG_IGN or a function
  uint64_t flags;     // SA_*
  uint64_t restorer;  // SA_RESTORER trampoline
  uint64_t mask;      // blocked during the handler
};
static_assert(sizeof(KSigaction) == 32);
static_assert(offsetof(KSigaction, mask) == 24);

struct StackT {
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t pad0;
  uint64_t ss_size;
};
static_assert(sizeof(StackT) == 24);
static_assert(offsetof(StackT, ss_size) == 16);

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_SIGNAL_H_
