/*
 * The local APIC in xAPIC (MMIO) mode: enable, EOI, id.
 * lapic_init() runs on each CPU as it starts (kernel_main for the boot CPU,
 * after acpi_init() and pic_disable()); it programs only that CPU's LAPIC
 * (every CPU sees its own LAPIC at the same physical address). lapic_eoi()
 * is called by the trap code after each interrupt handler.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ull

#define SVR_ENABLE (1u << 8)
#define LVT_DELIVERY_NMI (4u << 8)

volatile uint8_t *lapic_mmio;

void lapic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1u << 9)))
		panic("lapic: CPU has no local APIC");

	uint64_t base = rdmsr(MSR_APIC_BASE);
	paddr_t phys = acpi.lapic_phys ? acpi.lapic_phys : (base & APIC_BASE_ADDR_MASK);
	if (base & APIC_BASE_EXTD) {
		/* x2APIC -> xAPIC is only allowed through the disabled state */
		wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EN | APIC_BASE_EXTD));
	}
	base = (base & APIC_BASE_BSP) | (phys & APIC_BASE_ADDR_MASK) | APIC_BASE_EN;
	wrmsr(MSR_APIC_BASE, base);
	if (phys >= (4ull << 30))
		panic("lapic: MMIO at 0x%lx is outside the direct-mapped first 4 GiB", phys);
	lapic_mmio = phys_to_virt(phys);

	/* Everything quiet before software-enabling: no LINT0 ExtINT (PIC),
	 * LINT1 stays the NMI input, timer/error/perf/thermal masked. */
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	uint32_t maxlvt = (lapic_read(LAPIC_VER) >> 16) & 0xFF;
	if (maxlvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	if (maxlvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);

	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0); /* back-to-back writes clear the error status */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_EOI, 0); /* drop anything left in service by firmware */

	printk("lapic: id %u, version 0x%x, %u LVT entries, MMIO 0x%lx\n", lapic_id(),
	       lapic_read(LAPIC_VER) & 0xFF, maxlvt + 1, phys);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}
