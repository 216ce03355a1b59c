/* Compiles sdk/include/hv/abi.h as C11: its static assertions run here too. */
#include "hv/abi.h"
int hv_abi_c_check_version = HV_ABI_VERSION;
