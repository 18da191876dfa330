/*
 * The GDT and TSS of the boot CPU. Selector layout is fixed by the syscall
 * instruction pair: kernel code 0x08, kernel data 0x10, user data 0x18,
 * user code 0x20 (STAR[63:48] = 0x10), TSS 0x28. The TSS provides rsp0 for
 * interrupts from user mode and IST1, a separate stack for double faults,
 * NMIs and machine checks.
 */
#include <arch/trap.h>
#include <kernel/types.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

static struct tss tss __aligned(16);
static uint8_t ist1_stack[8192] __aligned(16);
static uint64_t gdt[7] __aligned(16);

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

void tss_set_rsp0(uint64_t rsp0) { tss.rsp[0] = rsp0; }

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00AF9A000000FFFFull; /* kernel code, long mode */
	gdt[2] = 0x00CF92000000FFFFull; /* kernel data */
	gdt[3] = 0x00CFF2000000FFFFull; /* user data, DPL 3 */
	gdt[4] = 0x00AFFA000000FFFFull; /* user code, long mode, DPL 3 */
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
	tss.iomap_base = sizeof(tss);
	tss.ist[0] = (uint64_t)(ist1_stack + sizeof(ist1_stack));

	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n"
			 "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
			 "pushq %2\n leaq 1f(%%rip), %%rax\n pushq %%rax\n lretq\n1:\n"
			 "ltr %w3\n" ::"m"(p),
			 "r"((uint64_t)KERNEL_DS), "i"(KERNEL_CS), "r"((uint64_t)TSS_SEL)
			 : "rax", "memory");
}
