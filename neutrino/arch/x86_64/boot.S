/*
 * Multiboot2 entry. GRUB enters _start in 32-bit protected mode with paging
 * off, EAX = multiboot2 magic and EBX = physical address of the boot
 * information. We build temporary page tables that map the first 1 GiB three
 * times (identity, direct map at DIRECT_MAP_BASE, kernel at KERNEL_VIRT_BASE),
 * enter long mode, and jump to kernel_main(magic, info) in the higher half.
 * mm/vm_kernel.c replaces these tables with the final ones.
 */
#define KVB 0xFFFFFFFF80000000
#define MB2_MAGIC 0xE85250D6

	.section .multiboot, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                         /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.data, "aw"
	.align 4096
boot_pml4: .fill 512, 8, 0
boot_pdpt_lo: .fill 512, 8, 0
boot_pdpt_dm: .fill 512, 8, 0
boot_pdpt_hi: .fill 512, 8, 0
boot_pd: .fill 512, 8, 0
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
boot_gdt_ptr:
	.short boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
boot_stack_bottom: .fill 4096, 1, 0
boot_stack_top:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	mov $boot_stack_top, %esp
	mov %eax, %edi                  /* magic: first argument */
	mov %ebx, %esi                  /* info: second argument */

	/* PD: 512 x 2 MiB pages covering 0..1 GiB */
	mov $boot_pd, %ebx
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                  /* present, writable, 2 MiB */
	mov %eax, (%ebx,%ecx,8)
	movl $0, 4(%ebx,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b

	mov $boot_pd, %eax
	or $3, %eax
	mov %eax, boot_pdpt_lo          /* [0] identity */
	mov %eax, boot_pdpt_dm          /* [0] of the direct map */
	mov %eax, boot_pdpt_hi + 510*8  /* -2 GiB */

	mov $boot_pdpt_lo, %eax
	or $3, %eax
	mov %eax, boot_pml4
	mov $boot_pdpt_dm, %eax
	or $3, %eax
	mov %eax, boot_pml4 + 256*8
	mov $boot_pdpt_hi, %eax
	or $3, %eax
	mov %eax, boot_pml4 + 511*8

	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax                  /* PAE */
	mov %eax, %cr4
	mov $0xC0000080, %ecx
	rdmsr
	or $0x900, %eax                 /* LME | NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax            /* PG | WP | PE */
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode

	.code64
long_mode:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $kernel_entry64, %rax
	jmp *%rax

	.text
kernel_entry64:
	movabs $boot_kstack_top, %rsp
	xor %ebp, %ebp
	/* edi = magic, esi = info (zero-extended by the 32-bit movs) */
	mov %edi, %edi
	mov %esi, %esi
	call kernel_main
2:	cli
	hlt
	jmp 2b

	.bss
	.align 16
	.globl boot_kstack_bottom
boot_kstack_bottom:
	.fill 16384, 1, 0
	.globl boot_kstack_top
boot_kstack_top:
