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

// [[noreturn]] void hvrt_enter_app(uint64_t entry, uint64_t sp)
//
// Starts the app as Linux's start_thread() does: rsp at argc, rdx = 0 (no
// rtld_fini for the app's atexit), every other general register 0. The
// entry goes through the app's stack (push + ret) so that no register has to
// hold it; the slot below argc is free stack.
        .globl  hvrt_enter_app
        .type   hvrt_enter_app, @function
hvrt_enter_app:
        movq    %rsi, %rsp
        pushq   %rdi
        xorl    %eax, %eax
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        xorl    %r10d, %r10d
        xorl    %r11d, %r11d
        xorl    %r12d, %r12d
        xorl    %r13d, %r13d
        xorl    %r14d, %r14d
        xorl    %r15d, %r15d
        ret
        .size   hvrt_enter_app, . - hvrt_enter_app

        .section .note.GNU-stack, "", @progbits
