// File: runtime/linux/abi/errno.h
//
// Linux errno values (asm-generic/errno-base.h, errno.h) as the runtime
// returns them: every handler returns -kEXXX, never sets a global errno.
// Names carry a k prefix so they never collide with a host libc's macros in
// host-compiled unit tests.
#ifndef HVRT_LINUX_ABI_ERRNO_H_
#define HVRT_LINUX_ABI_ERRNO_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr int64_t kEPERM = 1;
inline constexpr int64_t kENOENT = 2;
inline constexpr int64_t kESRCH = 3;
inline constexpr int64_t kEINTR = 4;
inline constexpr int64_t kEIO = 5;
inline constexpr int64_t kENXIO = 6;
inline constexpr int64_t kE2BIG = 7;
inline constexpr int64_t kENOEXEC = 8;
inline constexpr int64_t kEBADF = 9;
inline constexpr int64_t kEAGAIN = 11;
inline constexpr int64_t kENOMEM = 12;
inline constexpr int64_t kEACCES = 13;
inline constexpr int64_t kEFAULT = 14;
inline constexpr int64_t kEBUSY = 16;
inline constexpr int64_t kEEXIST = 17;
inline constexpr int64_t kEXDEV = 18;
inline constexpr int64_t kENODEV = 19;
inline constexpr int64_t kENOTDIR = 20;
inline constexpr int64_t kEISDIR = 21;
inline constexpr int64_t kEINVAL = 22;
inline constexpr int64_t kENFILE = 23;
inline constexpr int64_t kEMFILE = 24;
inline constexpr int64_t kENOTTY = 25;
inline constexpr int64_t kEFBIG = 27;
inline constexpr int64_t kENOSPC = 28;
inline constexpr int64_t kESPIPE = 29;
inline constexpr int64_t kEROFS = 30;
inline constexpr int64_t kEMLINK = 31;
inline constexpr int64_t kEPIPE = 32;
inline constexpr int64_t kERANGE = 34;
inline constexpr int64_t kEDEADLK = 35;
inline constexpr int64_t kENAMETOOLONG = 36;
inline constexpr int64_t kENOSYS = 38;
inline constexpr int64_t kENOTEMPTY = 39;
inline constexpr int64_t kELOOP = 40;
inline constexpr int64_t kEOVERFLOW = 75;
inline constexpr int64_t kENOTSOCK = 88;
inline constexpr int64_t kEMSGSIZE = 90;
inline constexpr int64_t kEPROTONOSUPPORT = 93;
inline constexpr int64_t kENOBUFS = 105;
inline constexpr int64_t kEOPNOTSUPP = 95;
inline constexpr int64_t kEAFNOSUPPORT = 97;
inline constexpr int64_t kEADDRINUSE = 98;
inline constexpr int64_t kEISCONN = 106;
inline constexpr int64_t kETIMEDOUT = 110;
inline constexpr int64_t kECONNREFUSED = 111;
inline constexpr int64_t kEALREADY = 114;
inline constexpr int64_t kEINPROGRESS = 115;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_ERRNO_H_
