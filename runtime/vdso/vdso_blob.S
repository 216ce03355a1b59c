/*
 * File: runtime/vdso/vdso_blob.S
 *
 * The vDSO inside the runtime image: the clock page it reads
 * (hvrt_vdso_data, vdso_data.h), then the vDSO ELF itself
 * (hvrt_vdso_image, AT_SYSINFO_EHDR), page-aligned, built from vdso.cc by
 * runtime/image/CMakeLists.txt. Both sit in the runtime's writable segment:
 * the runtime writes the clock page, and the app runs the vDSO's code there
 * (guest memory is executable wherever it is readable: sim maps it RWX, kvm
 * sets no NX).
 */
  .section .data.hv_vdso, "aw", @progbits
  .balign 4096
  .globl hvrt_vdso_data
  .hidden hvrt_vdso_data
hvrt_vdso_data:
  .zero 4096
  .globl hvrt_vdso_image
  .hidden hvrt_vdso_image
hvrt_vdso_image:
  .incbin "hv_vdso.so"
  .globl hvrt_vdso_image_end
  .hidden hvrt_vdso_image_end
hvrt_vdso_image_end:
  .balign 4096

  .section .note.GNU-stack, "", @progbits
