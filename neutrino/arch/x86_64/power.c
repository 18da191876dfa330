/*
 * Machine power off, failure exit and reset. Called by the shutdown path
 * and by panic (arch_fail_exit); none of them returns. They need only the
 * `acpi` facts gathered by acpi_init() and work with interrupts in any state
 * (they turn them off first).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7u << 10)
#define PM1_SLP_EN (1u << 13)

#define QEMU_DEBUG_EXIT_PORT 0xF4

/* Roughly n microseconds using port 0x80 writes (about 1 us each on PC
 * hardware; the TSC may not be calibrated yet when panic calls us). */
static void io_delay_us(unsigned n)
{
	while (n--)
		outb(0x80, 0);
}

static __noreturn void halt_forever(void)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}

/* Switch the chipset to ACPI mode if firmware left it in legacy mode. */
static void acpi_mode_enable(void)
{
	if ((inw(acpi.pm1a_cnt) & PM1_SCI_EN) || !acpi.smi_cmd || !acpi.acpi_enable)
		return;
	outb(acpi.smi_cmd, acpi.acpi_enable);
	for (unsigned i = 0; i < 3000 && !(inw(acpi.pm1a_cnt) & PM1_SCI_EN); i++)
		io_delay_us(100);
}

/* Set SLP_TYP (without SLP_EN) in a PM1 control block; returns the value. */
static uint16_t pm1_set_typ(uint16_t port, uint16_t typ)
{
	uint16_t v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
	v |= (uint16_t)(typ << PM1_SLP_TYP_SHIFT);
	outw(port, v);
	return v;
}

__noreturn void arch_poweroff(void)
{
	irq_disable();
	if (acpi.s5_valid && acpi.pm1a_cnt) {
		acpi_mode_enable();
		/* both blocks get their type first, then SLP_EN */
		uint16_t a = pm1_set_typ(acpi.pm1a_cnt, acpi.slp_typ_s5a), b = 0;
		if (acpi.pm1b_cnt)
			b = pm1_set_typ(acpi.pm1b_cnt, acpi.slp_typ_s5b);
		outw(acpi.pm1a_cnt, a | PM1_SLP_EN);
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, b | PM1_SLP_EN);
		io_delay_us(100000);
		printk("power: ACPI S5 did not power off; trying emulator ports\n");
	}
	outw(0x604, 0x2000);  /* QEMU q35 (ICH9 PM1a at 0x600), S5 = 0 */
	io_delay_us(10000);
	outw(0xB004, 0x2000); /* QEMU i440fx with old firmware, Bochs */
	io_delay_us(10000);
	outw(0x4004, 0x3400); /* VirtualBox */
	io_delay_us(10000);
	printk("power: could not power off; halted\n");
	halt_forever();
}

__noreturn void arch_fail_exit(int code)
{
	irq_disable();
	/* QEMU's isa-debug-exit ends the emulator with status (code << 1) | 1 */
	outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
	arch_poweroff();
}

static void pci_cfg_write8(uint64_t addr, uint8_t v)
{
	/* ACPI PCI config GAS: device in bits 47:32, function 31:16, offset 15:0, bus 0 */
	uint32_t dev = (addr >> 32) & 0x1F, fn = (addr >> 16) & 0x7, off = addr & 0xFF;
	outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (off & 0xFC));
	outb(0xCFC + (off & 3), v);
}

static void kbc_reset(void)
{
	for (unsigned i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		io_delay_us(1);
	outb(0x64, 0xFE);
}

__noreturn void arch_reboot(void)
{
	irq_disable();
	if (acpi.reset_valid) {
		switch (acpi.reset_space) {
		case 0: /* system memory */
			if (acpi.reset_addr < (4ull << 30))
				*(volatile uint8_t *)phys_to_virt(acpi.reset_addr) = acpi.reset_value;
			break;
		case 1: /* system I/O */
			if (acpi.reset_addr < 0x10000)
				outb((uint16_t)acpi.reset_addr, acpi.reset_value);
			break;
		case 2:
			pci_cfg_write8(acpi.reset_addr, acpi.reset_value);
			break;
		}
		io_delay_us(50000);
	}
	kbc_reset();
	io_delay_us(50000);
	/* Triple fault: no IDT, then an exception. */
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed null_idt = { 0, 0 };
	__asm__ volatile("lidt %0; int3" ::"m"(null_idt));
	halt_forever();
}
