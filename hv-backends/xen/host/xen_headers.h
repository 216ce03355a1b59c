// File: xen_headers.h
//
// The Xen toolstack and public headers hvrun uses, in the one order that
// works: xenctrl.h first (it selects the Xen interface version and the
// __XEN_TOOLS__ parts of the public headers), everything inside extern "C"
// (the headers declare C functions without it). Include this instead of
// any of them; the target needs GNU C++ (CXX_EXTENSIONS).
#ifndef HV_BACKENDS_XEN_HOST_XEN_HEADERS_H_
#define HV_BACKENDS_XEN_HOST_XEN_HEADERS_H_

// clang-format off
#include <stdint.h>
extern "C" {
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/arch-x86/hvm/start_info.h>
}
// clang-format on

#endif  // HV_BACKENDS_XEN_HOST_XEN_HEADERS_H_
