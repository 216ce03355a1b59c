// File: signal_names.h
//
// Names for Linux signals in reports: SignalName(11) is "SIGSEGV",
// SignalDescription(11) is "SIGSEGV (segmentation fault)".
#ifndef HVRUN_ENGINE_SIGNAL_NAMES_H_
#define HVRUN_ENGINE_SIGNAL_NAMES_H_

#include <string>

namespace hvrun {

std::string SignalName(int signo);
std::string SignalDescription(int signo);

}  // namespace hvrun

#endif  // HVRUN_ENGINE_SIGNAL_NAMES_H_
