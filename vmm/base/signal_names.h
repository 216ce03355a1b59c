// File: signal_names.h
//
// Names for Linux signals in reports: SignalName(11) is "SIGSEGV",
// SignalDescription(11) is "SIGSEGV (segmentation fault)".
#ifndef VMM_BASE_SIGNAL_NAMES_H_
#define VMM_BASE_SIGNAL_NAMES_H_

#include <string>

namespace hvrun {

std::string SignalName(int signo);
std::string SignalDescription(int signo);

}  // namespace hvrun

#endif  // VMM_BASE_SIGNAL_NAMES_H_
