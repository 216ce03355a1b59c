// The image's first and last instructions: the ELF entry hvrun jumps to, and
// the jump into the app.
//
// hvrt_start: hvrun enters at CPL3 with rdi = guest address of struct
// hv_boot_info and rsp = a 16-byte-aligned boot stack (top at 0x100000),
// after applying the image's R_X86_64_RELATIVE relocations itself. Nothing
// else is set up (fs base 0), so the runtime uses no TLS and no constructors.

        .text
        .globl  hvrt_start
        .type   hvrt_start, @function
hvrt_start:
        xorl    %ebp, %ebp              // end of the frame chain for debuggers
        andq    $-16, %rsp              // the SysV call below needs rsp % 16 == 0
        cld                             // DF=0 at every call (SysV ABI)
        call    hvrt_main               // (rdi = boot info); never returns
        ud2
        .size   hvrt_start, . - hvrt_start

// hvrt_enter_app (the jump into the app) is in runtime/sched/context.S:
// execve uses it too.

        .section .note.GNU-stack, "", @progbits
