/*
 * The IDT: every vector enters through a stub in entry.S that saves a trap
 * frame and calls trap_dispatch(). Double fault, NMI and machine check run
 * on IST1 so a corrupt kernel stack still gets a panic report.
 */
#include <arch/trap.h>
#include <kernel/types.h>

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __packed;

static struct idt_gate idt[256] __aligned(16);
extern char trap_stub_base[]; /* 256 stubs, 16 bytes apart (entry.S) */

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)trap_stub_base + 16 * v;
		idt[v].off_lo = a & 0xffff;
		idt[v].sel = KERNEL_CS;
		idt[v].ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
		idt[v].type = (v == 3) ? 0xEE : 0x8E; /* int3 callable from user */
		idt[v].off_mid = (a >> 16) & 0xffff;
		idt[v].off_hi = a >> 32;
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p));
}
