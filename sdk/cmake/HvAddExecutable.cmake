# HvAddExecutable.cmake: hv_add_executable(), shared by the hvrun build tree
# (sdk/CMakeLists.txt includes it) and the installed package hvsdk.
#
#   hv_add_executable(<name> [SOURCES] <source>...)
#
# Adds executable <name> built the way hvrun runs apps: a static x86-64 Linux
# ELF (-static, glibc's libc.a and libstdc++.a; no PT_INTERP), linked with
# hvsdk::hvsdk (hv/hv.h). The result runs natively as it is and under
# `hvrun <name>` unchanged. Sets the target property HV_APP to TRUE, so tools
# and tests can tell hvrun apps apart (get_target_property(x <name> HV_APP)).
# Anything else (more libraries, options) is added with the usual commands.
include_guard(GLOBAL)

define_property(TARGET PROPERTY HV_APP
  BRIEF_DOCS "TRUE for executables made by hv_add_executable()"
  FULL_DOCS "A static app linked with hvsdk::hvsdk, runnable natively and under hvrun.")

function(hv_add_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES")
  set(sources ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "hv_add_executable(${name}): no sources given")
  endif()
  if(NOT TARGET hvsdk::hvsdk)
    message(FATAL_ERROR "hv_add_executable(${name}): target hvsdk::hvsdk is not defined "
                        "(use find_package(hvsdk) or build inside the hvrun tree)")
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE hvsdk::hvsdk)
  target_link_options(${name} PRIVATE -static)
  set_target_properties(${name} PROPERTIES HV_APP TRUE)
endfunction()
