/*
 * File: sim_guest.S
 *
 * The sim backend's guest pages. Assembled into hvrun as a position-
 * independent blob (hv_sim_blob_start .. hv_sim_blob_end) that hvrun copies
 * into guest memory at layout::kBackendPages; it runs inside the guest child
 * process, never in hvrun itself. All references are RIP-relative within the
 * blob, so it runs wherever it is copied.
 *
 * Syscall User Dispatch lets host syscalls through only from the code page,
 * so every `syscall` instruction the guest may legitimately reach is here:
 * the hypercall futex handshake, rt_sigreturn, exit_group, and the launch
 * stub's munmap + seccomp. The seccomp filter then limits those to futex,
 * rt_sigreturn and exit_group.
 */
#include "hv-backends/sim/sim_mailbox.h"
#include "hv/syscall_frame_asm.h"

#define SYS_rt_sigreturn 15
#define SYS_munmap 11
#define SYS_futex 202
#define SYS_exit_group 231
#define SYS_seccomp 317
#define SYS_arch_prctl 158
#define SYS_mprotect 10
#define SYS_mmap 9
#define SYS_recvmsg 47
#define SYS_close 3
#define SIM_OWN_MEMFD 3 /* sim_backend.cc kOwnMemfd */
#define SIM_FILE_CHANNEL 4 /* sim_backend.cc kFileChannel */
#define MSG_DONTWAIT 0x40
#define EBADF 9
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ENOSYS 38
#define AUDIT_ARCH_X86_64 0xc000003e
#define SI_ARCH 28 /* siginfo_t: _sigsys._arch */

/* ucontext_t: uc_mcontext.gregs starts at byte 40. Indices: see <sys/ucontext.h>. */
#define UC_GREG(i) (40 + 8 * (i))
#define REG_R8 0
#define REG_R9 1
#define REG_R10 2
#define REG_R12 4
#define REG_R13 5
#define REG_R14 6
#define REG_R15 7
#define REG_RBP 10
#define REG_RBX 11
#define REG_RDI 8
#define REG_RSI 9
#define REG_RDX 12
#define REG_RAX 13
#define REG_R11 3
#define REG_RCX 14
#define REG_RSP 15
#define REG_RIP 16
#define REG_EFL 17
#define REG_ERR 19
#define REG_TRAPNO 20
#define UC_FPREGS 224 /* uc_mcontext.fpregs: the saved extended state */
#define SIGTRAP 5
#define FAULT_SIZE 32  /* struct hv_fault */

.macro FRAME_COPY_IN reg, off
  movq UC_GREG(\reg)(%rbx), %rax
  movq %rax, \off(%rsp)
.endm
.macro FRAME_COPY_OUT reg, off
  movq \off(%rsp), %rax
  movq %rax, UC_GREG(\reg)(%rbx)
.endm

/*
 * Copies the saved context at (%rbx) into a struct hv_syscall_frame at
 * (%rsp) (rax in nr, fpstate the kernel's copy of the extended state), with
 * (flags); rcx and r11 too. Clobbers rax.
 */
.macro FRAME_FROM_UC flags
  movq UC_FPREGS(%rbx), %rax
  movq %rax, 128(%rsp)
  movq $\flags, 136(%rsp)
  FRAME_COPY_IN REG_RAX, 0
  FRAME_COPY_IN REG_RDI, 8
  FRAME_COPY_IN REG_RSI, 16
  FRAME_COPY_IN REG_RDX, 24
  FRAME_COPY_IN REG_R10, 32
  FRAME_COPY_IN REG_R8, 40
  FRAME_COPY_IN REG_R9, 48
  FRAME_COPY_IN REG_RIP, 56
  FRAME_COPY_IN REG_RSP, 64
  FRAME_COPY_IN REG_EFL, 72
  FRAME_COPY_IN REG_RBX, 80
  FRAME_COPY_IN REG_RBP, 88
  FRAME_COPY_IN REG_R12, 96
  FRAME_COPY_IN REG_R13, 104
  FRAME_COPY_IN REG_R14, 112
  FRAME_COPY_IN REG_R15, 120
  FRAME_COPY_IN REG_RCX, 144
  FRAME_COPY_IN REG_R11, 152
.endm

/*
 * Stores the frame at (%rsp) back into the saved context at (%rbx), which
 * rt_sigreturn then loads: every frame register but rax (the caller's), and
 * rcx and r11 only with HV_FRAME_FULL (else they stay as the syscall left
 * them). The kernel keeps only the user flags of rflags. Clobbers rax.
 */
.macro FRAME_TO_UC
  FRAME_COPY_OUT REG_RDI, 8
  FRAME_COPY_OUT REG_RSI, 16
  FRAME_COPY_OUT REG_RDX, 24
  FRAME_COPY_OUT REG_R10, 32
  FRAME_COPY_OUT REG_R8, 40
  FRAME_COPY_OUT REG_R9, 48
  FRAME_COPY_OUT REG_RIP, 56
  FRAME_COPY_OUT REG_RSP, 64
  FRAME_COPY_OUT REG_EFL, 72
  FRAME_COPY_OUT REG_RBX, 80
  FRAME_COPY_OUT REG_RBP, 88
  FRAME_COPY_OUT REG_R12, 96
  FRAME_COPY_OUT REG_R13, 104
  FRAME_COPY_OUT REG_R14, 112
  FRAME_COPY_OUT REG_R15, 120
  testq $HV_FRAME_FULL, 136(%rsp)
  jz 91f
  FRAME_COPY_OUT REG_RCX, 144
  FRAME_COPY_OUT REG_R11, 152
91:
.endm

  .section .rodata.hv_sim_blob, "a"
  .balign 4096
  .globl hv_sim_blob_start, hv_sim_blob_end
  .globl hv_sim_hypercall, hv_sim_sigsys, hv_sim_crash, hv_sim_restorer, hv_sim_launch
  .globl hv_sim_set_segment_base, hv_sim_protect, hv_sim_remap_own, hv_sim_map_file
hv_sim_blob_start:

/*
 * int64_t hv_sim_hypercall(uint64_t nr, uint64_t arg)
 * Posts the request in the mailbox, wakes hvrun if it sleeps, spins briefly
 * for the reply, then sleeps on the futex. Clobbers only caller-saved regs.
 */
hv_sim_hypercall:
  leaq mailbox(%rip), %r8
  movq %rdi, MB_NR(%r8)
  movq %rsi, MB_ARG(%r8)
  movl $MB_STATE_REQUEST, %eax
  xchgl %eax, MB_STATE(%r8)       /* publish; xchg is a full barrier */
  cmpl $0, MB_HOST_SLEEPING(%r8)  /* Dekker with hvrun's host_sleeping store */
  je 2f
  movl $SYS_futex, %eax
  leaq MB_STATE(%r8), %rdi
  movl $FUTEX_WAKE, %esi
  movl $1, %edx
  xorl %r10d, %r10d
  syscall                             /* preserves r8 */
2:
  movl $MB_GUEST_SPIN, %ecx
3:
  cmpl $MB_STATE_REPLY, MB_STATE(%r8)
  je 5f
  pause
  decl %ecx
  jnz 3b
4:                                    /* sleep until the reply */
  movl $1, MB_GUEST_SLEEPING(%r8)
  mfence
  cmpl $MB_STATE_REPLY, MB_STATE(%r8)
  je 6f
  movl $SYS_futex, %eax
  leaq MB_STATE(%r8), %rdi
  movl $FUTEX_WAIT, %esi
  movl $MB_STATE_REQUEST, %edx
  xorl %r10d, %r10d
  syscall
  movl $0, MB_GUEST_SLEEPING(%r8)
  jmp 4b
6:
  movl $0, MB_GUEST_SLEEPING(%r8)
5:
  movq MB_RESULT(%r8), %rax
  movl $MB_STATE_IDLE, MB_STATE(%r8)
  ret

/*
 * SIGSYS handler: void (int sig, siginfo_t* info, ucontext_t* uc), entered on
 * the app's own stack (no SA_ONSTACK) with SA_NODEFER. Syscall User Dispatch
 * rolled rax back to the syscall number. Builds a struct hv_syscall_frame
 * (fpstate: the kernel's copy of the app's extended state in this frame),
 * calls the runtime's one syscall entry, and stores its result and every
 * frame register back into the saved context, which rt_sigreturn (via
 * hv_sim_restorer) puts back: a signal handler's entry or its return.
 */
hv_sim_sigsys:
  /* A 32-bit system call (int $0x80, or syscall from a 32-bit code
   * segment) carries i386 numbers and registers: not the runtime's ABI.
   * It fails with ENOSYS rather than run as the x86-64 call of the same
   * number. */
  cmpl $AUDIT_ARCH_X86_64, SI_ARCH(%rsi)
  je 0f
  movq $-ENOSYS, UC_GREG(REG_RAX)(%rdx)
  ret                                 /* to hv_sim_restorer */
0:
  pushq %rbx                          /* rsp is now 16-byte aligned */
  movq %rdx, %rbx
  subq $FRAME_SIZE, %rsp
  FRAME_FROM_UC 0
  movq $-ENOSYS, %rax
  movq mailbox+SIM_MB_SYSCALL_ENTRY(%rip), %rcx
  testq %rcx, %rcx
  jz 1f
  movq %rsp, %rdi
  cld
  call *%rcx
1:
  movq %rax, UC_GREG(REG_RAX)(%rbx)
  FRAME_TO_UC
  addq $FRAME_SIZE, %rsp
  popq %rbx
  ret                                 /* to hv_sim_restorer */

/*
 * Handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, on the alternate
 * stack with every signal blocked. A fault other than SIGTRAP goes to the
 * runtime's fault entry first, if it registered one, with the whole context
 * as a frame (HV_FRAME_FULL): if it took the fault (an app handler will run,
 * or the frame was fixed up), the frame goes back into the context and
 * rt_sigreturn resumes there. Otherwise, a crash report: signal, code, fault
 * address and the registers go into the mailbox for hvrun, and the child
 * ends; hvrun reads the report after the child is gone.
 */
hv_sim_crash:
  cmpl $SIGTRAP, %edi
  je 9f
  cmpq $0, mailbox+SIM_MB_FAULT_ENTRY(%rip)
  je 9f
  pushq %rdi                          /* kept for the report */
  pushq %rsi
  pushq %rdx
  pushq %rbx                          /* rsp is now 16-byte aligned */
  movq %rdx, %rbx
  subq $(FRAME_SIZE + FAULT_SIZE), %rsp
  FRAME_FROM_UC HV_FRAME_FULL
  movq UC_GREG(REG_TRAPNO)(%rbx), %rax
  movl %eax, FRAME_SIZE+0(%rsp)       /* hv_fault.vector */
  movl %edi, FRAME_SIZE+4(%rsp)       /* signo */
  movl 8(%rsi), %eax
  movl %eax, FRAME_SIZE+8(%rsp)       /* code: si_code */
  movl $0, FRAME_SIZE+12(%rsp)
  movq UC_GREG(REG_ERR)(%rbx), %rax
  movq %rax, FRAME_SIZE+16(%rsp)      /* error */
  movq 16(%rsi), %rax
  movq %rax, FRAME_SIZE+24(%rsp)      /* address: si_addr */
  movq %rsp, %rdi
  leaq FRAME_SIZE(%rsp), %rsi
  cld
  call *mailbox+SIM_MB_FAULT_ENTRY(%rip)
  testq %rax, %rax
  jnz 8f
  movq 0(%rsp), %rax                  /* the app's rax, as the runtime left it */
  movq %rax, UC_GREG(REG_RAX)(%rbx)
  FRAME_TO_UC
  addq $(FRAME_SIZE + FAULT_SIZE), %rsp
  popq %rbx
  addq $24, %rsp
  ret                                 /* to hv_sim_restorer */
8:
  addq $(FRAME_SIZE + FAULT_SIZE), %rsp
  popq %rbx
  popq %rdx
  popq %rsi
  popq %rdi
9:
  movl %edi, %r9d
  leaq mailbox+SIM_MB_CRASH(%rip), %r8
  movl %edi, SIM_CRASH_SIGNO_OFF(%r8)
  movl 8(%rsi), %eax                  /* si_code */
  movl %eax, SIM_CRASH_CODE_OFF(%r8)
  movq 16(%rsi), %rax                 /* si_addr */
  movq %rax, SIM_CRASH_ADDR_OFF(%r8)
  leaq UC_GREG(0)(%rdx), %rsi
  leaq SIM_CRASH_GREGS_OFF(%r8), %rdi
  movl $SIM_CRASH_NGREGS, %ecx
  cld
  rep movsq
  movl $SIM_CRASH_MAGIC, SIM_CRASH_MAGIC_OFF(%r8)
  leal 128(%r9), %edi
  movl $SYS_exit_group, %eax
  syscall
  ud2

hv_sim_restorer:
  movl $SYS_rt_sigreturn, %eax
  syscall
  ud2

/*
 * int64_t hv_sim_set_segment_base(uint32_t code, uint64_t base)
 * arch_prctl(code, base) on the host, for ARCH_SET_FS / ARCH_SET_GS only
 * (seccomp refuses any other code). Used where the host kernel lacks
 * FSGSBASE: a wrfsbase there lasts only until the next context switch.
 * Arguments are already in rdi, rsi; syscall clobbers rcx and r11.
 */
hv_sim_set_segment_base:
  movl $SYS_arch_prctl, %eax
  syscall
  ret

/*
 * int64_t hv_sim_protect(uint64_t addr, uint64_t len, uint64_t prot)
 * mprotect(addr, len, prot) on the host: the runtime's page protection
 * (mprotect, PROT_NONE, unmapped pages) made real on the child's mapping of
 * guest memory. seccomp allows only the PROT_READ/WRITE/EXEC bits; the child
 * maps nothing but guest memory and this page, so no other mapping can be
 * reached.
 */
hv_sim_protect:
  movl $SYS_mprotect, %eax
  syscall
  ret

/*
 * int64_t hv_sim_remap_own(uint64_t addr, uint64_t len)
 * mmap(addr, len, RWX, MAP_SHARED | MAP_FIXED, own memfd, addr) on the host:
 * this process's own guest memory back where a parent's shared pages were
 * mapped at launch. seccomp allows mmap with exactly these flags and fd
 * only: the memfd is the guest's own memory, which it can write anyway.
 */
hv_sim_remap_own:
  movq %rdi, %r9                      /* offset = address: guest memory maps 1:1 */
  movl $7, %edx                       /* PROT_READ | PROT_WRITE | PROT_EXEC */
  movl $0x11, %r10d                   /* MAP_SHARED | MAP_FIXED */
  movl $SIM_OWN_MEMFD, %r8d
  movl $SYS_mmap, %eax
  syscall
  ret

/*
 * int64_t hv_sim_map_file(uint64_t addr, uint64_t len, uint64_t offset)
 * Takes the one fd hvrun passed on the file channel for the last
 * HV_SHARE_MAP_FILE (recvmsg, SCM_RIGHTS, never waiting), maps it with
 * mmap(addr, len, RWX, MAP_SHARED | MAP_FIXED, fd, offset) and closes it.
 * Returns mmap's result, recvmsg's -errno, or -EBADF when no fd came.
 * seccomp allows recvmsg on the channel only, and mmap and close of a
 * passed fd (5 and up): they are files hvrun chose to share.
 * Stack frame (96 bytes): msghdr at 0, iovec at 56, one data byte at 72,
 * the control buffer (CMSG_SPACE(sizeof(int)) = 24) at 80 (16-aligned is
 * not needed: the kernel copies it).
 */
hv_sim_map_file:
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  subq $104, %rsp
  movq %rdi, %r12
  movq %rsi, %r13
  movq %rdx, %r14
  xorl %eax, %eax
  movq %rax, 0(%rsp)                  /* msg_name */
  movq %rax, 8(%rsp)                  /* msg_namelen */
  leaq 56(%rsp), %rcx
  movq %rcx, 16(%rsp)                 /* msg_iov */
  movq $1, 24(%rsp)                   /* msg_iovlen */
  leaq 80(%rsp), %rcx
  movq %rcx, 32(%rsp)                 /* msg_control */
  movq $24, 40(%rsp)                  /* msg_controllen */
  movq %rax, 48(%rsp)                 /* msg_flags */
  leaq 72(%rsp), %rcx
  movq %rcx, 56(%rsp)                 /* iov_base */
  movq $1, 64(%rsp)                   /* iov_len */
  movq %rax, 80(%rsp)                 /* cmsg_len: 0 unless filled */
  movq %rax, 88(%rsp)
  movq %rax, 96(%rsp)
  movl $SYS_recvmsg, %eax
  movl $SIM_FILE_CHANNEL, %edi
  movq %rsp, %rsi
  movl $MSG_DONTWAIT, %edx
  syscall
  testq %rax, %rax
  js 8f
  movq $-EBADF, %rax
  cmpq $20, 80(%rsp)                  /* cmsg_len: CMSG_LEN(sizeof(int)) */
  jb 8f
  cmpl $1, 88(%rsp)                   /* cmsg_level: SOL_SOCKET */
  jne 8f
  cmpl $1, 92(%rsp)                   /* cmsg_type: SCM_RIGHTS */
  jne 8f
  movslq 96(%rsp), %rbx               /* the fd */
  movq %r12, %rdi
  movq %r13, %rsi
  movl $7, %edx                       /* PROT_READ | PROT_WRITE | PROT_EXEC */
  movl $0x11, %r10d                   /* MAP_SHARED | MAP_FIXED */
  movq %rbx, %r8
  movq %r14, %r9
  movl $SYS_mmap, %eax
  syscall
  movq %rax, %r12
  movl $SYS_close, %eax
  movq %rbx, %rdi
  syscall
  movq %r12, %rax
8:
  addq $104, %rsp
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  ret

/*
 * void hv_sim_launch(uint64_t entry, uint64_t boot_info, uint64_t stack,
 *                    uint64_t guest_end)
 * The child's last host step. Switches to the guest stack, unmaps everything
 * hvrun left in the child above guest memory (its code, heap, libraries,
 * stack, vdso), installs the seccomp filter, and enters the runtime. Called
 * with Syscall User Dispatch already on: only syscalls from this page work.
 */
hv_sim_launch:
  movq %rdx, %rsp
  movq %rdi, %r12
  movq %rsi, %r13
  movl $SYS_munmap, %eax              /* [guest_end, 47-bit user space end) */
  movq %rcx, %rdi
  movabsq $0x7ffffffff000, %rsi
  subq %rcx, %rsi
  syscall
  testq %rax, %rax
  jnz 9f
  movl $SYS_munmap, %eax              /* above 47 bits, where 5-level paging allows */
  movabsq $0x800000000000, %rdi
  movabsq $0xff7ffffffff000, %rsi
  syscall                             /* EINVAL where there is no such space */
  movl $SYS_seccomp, %eax
  movl $1, %edi                       /* SECCOMP_SET_MODE_FILTER */
  xorl %esi, %esi
  leaq mailbox+SIM_MB_FPROG(%rip), %rdx
  syscall
  testq %rax, %rax
  jnz 9f
  movq %r13, %rdi
  xorl %eax, %eax
  xorl %ebx, %ebx
  xorl %ecx, %ecx
  xorl %edx, %edx
  xorl %esi, %esi
  xorl %ebp, %ebp
  xorl %r8d, %r8d
  xorl %r9d, %r9d
  xorl %r10d, %r10d
  xorl %r11d, %r11d
  xorl %r13d, %r13d
  xorl %r14d, %r14d
  xorl %r15d, %r15d
  jmp *%r12
9:
  movl $SYS_exit_group, %eax
  movl $125, %edi
  syscall
  ud2

  .balign 4096
mailbox:
  .zero 4096
filter_page:
  .zero 4096
hv_sim_blob_end:
  .section .note.GNU-stack, "", @progbits
