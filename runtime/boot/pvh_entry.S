// The runtime's Xen PVH entry: where a PVH domain's vCPU starts, named by
// the image's XEN_ELFNOTE_PHYS32_ENTRY note (pvh_note.ld). sim and kvm never
// come here: hvrun starts them at hvrt_start, already in 64-bit mode.
//
// The PVH boot ABI: 32-bit protected mode, paging off, flat 4 GiB CS/DS,
// interrupts off, ebx = physical address of struct hvm_start_info; nothing
// else (no stack). hvrun passes struct hv_boot_info as the start info's
// module 0. This code turns on long mode with the page tables and GDT the
// backend wrote (boot_info.pvh), then far-jumps to the backend's 64-bit CPL0
// code, which sets up the rest (IDT, TSS, Xen's hypercall page) and drops to
// CPL3 at hvrt_start. It touches memory only to read: without a stack it
// needs none, and it is position-independent without knowing where it is.
//
// A start info or boot info that is not what hvrun writes ends in ud2: with
// no IDT yet, Xen sees a triple fault and crashes the domain, which hvrun
// reports.

// From hv/abi.h (C only), checked there by HV_CHECK_OFFSET: HV_BOOT_MAGIC
// and the offset of hv_boot_info.pvh.
#define BOOT_MAGIC_LO 0x56480000
#define BOOT_MAGIC_HI 0x544f4f42
#define HVM_START_MAGIC 0x336ec578  // XEN_HVM_START_MAGIC_VALUE
#define START_NR_MODULES 12         // struct hvm_start_info
#define START_MODLIST 16
#define MOD_PADDR 0                 // struct hvm_modlist_entry
#define BOOT_PVH 280                // offsetof(struct hv_boot_info, pvh)
#define PVH_CR3 (BOOT_PVH + 0)
#define PVH_GDTR (BOOT_PVH + 6)
#define PVH_FAR (BOOT_PVH + 12)

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)

        .code32
        .text
        .globl  hvrt_pvh_entry
        .type   hvrt_pvh_entry, @function
hvrt_pvh_entry:
        cli
        cld
        cmpl    $HVM_START_MAGIC, (%ebx)
        jne     9f
        cmpl    $1, START_NR_MODULES(%ebx)
        jb      9f
        movl    START_MODLIST(%ebx), %esi
        movl    MOD_PADDR(%esi), %esi           // esi = struct hv_boot_info
        cmpl    $BOOT_MAGIC_LO, 0(%esi)
        jne     9f
        cmpl    $BOOT_MAGIC_HI, 4(%esi)
        jne     9f

        movl    PVH_CR3(%esi), %eax
        movl    %eax, %cr3
        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $(EFER_LME | EFER_SCE), %eax
        wrmsr
        lgdt    PVH_GDTR(%esi)
        movl    %cr0, %eax
        andl    $~(CR0_EM | CR0_TS | CR0_NW | CR0_CD), %eax
        orl     $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
        movl    %eax, %cr0                      // long mode is active (compatibility)
        movl    %esi, %edi                      // rdi = boot info for the 64-bit side
        ljmp    *PVH_FAR(%esi)                  // 64-bit code segment: 64-bit mode
9:
        ud2
        .size   hvrt_pvh_entry, . - hvrt_pvh_entry

        .section .note.GNU-stack, "", @progbits
