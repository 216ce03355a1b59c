// File: status_macros.h
//
// HV_RETURN_IF_ERROR and HV_ASSIGN_OR_RETURN: Debian's Abseil lacks upstream's
// ABSL_RETURN_IF_ERROR, so hvrun keeps its own, in this one header.
//
// Example:
//   HV_ASSIGN_OR_RETURN(ElfImage app, ReadElfFile(path));
//   HV_RETURN_IF_ERROR(LoadElf(app, bias, memory));
#ifndef VMM_BASE_STATUS_MACROS_H_
#define VMM_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HV_STATUS_CONCAT_INNER_(a, b) a##b
#define HV_STATUS_CONCAT_(a, b) HV_STATUS_CONCAT_INNER_(a, b)

// Returns (expr)'s status from the enclosing function unless it is OK.
#define HV_RETURN_IF_ERROR(expr)              \
  do {                                        \
    const ::absl::Status hv_status_ = (expr); \
    if (!hv_status_.ok()) return hv_status_;  \
  } while (0)

// Evaluates (rexpr), a StatusOr<T>; returns its status on error, else moves
// its value into (lhs), which may be a declaration.
#define HV_ASSIGN_OR_RETURN(lhs, rexpr) \
  HV_ASSIGN_OR_RETURN_IMPL_(HV_STATUS_CONCAT_(hv_statusor_, __LINE__), lhs, rexpr)
#define HV_ASSIGN_OR_RETURN_IMPL_(var, lhs, rexpr) \
  auto var = (rexpr);                              \
  if (!var.ok()) return std::move(var).status();   \
  lhs = std::move(var).value()

#endif  // VMM_BASE_STATUS_MACROS_H_
