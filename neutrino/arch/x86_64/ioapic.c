/*
 * IOAPICs: GSI -> vector routing for device interrupts.
 * ioapic_init() (kernel_main, after lapic_init) masks every pin; the
 * interrupt-attach code routes and unmasks pins as drivers ask for them.
 * Every entry is fixed delivery to the boot CPU's LAPIC (physical mode).
 *
 * Each register access is an index write then a data access, so all of them
 * run with interrupts off. SMP will need a spinlock around them too.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

static struct {
	volatile uint32_t *mmio;
	uint32_t gsi_base;
	uint32_t npins;
} ioapics[ARRAY_SIZE(acpi.ioapic)]; /* [I] after ioapic_init */
static unsigned n_ioapics;
static uint32_t boot_apic_id;

static uint32_t reg_read(unsigned i, uint32_t reg)
{
	ioapics[i].mmio[IOREGSEL / 4] = reg;
	return ioapics[i].mmio[IOWIN / 4];
}

static void reg_write(unsigned i, uint32_t reg, uint32_t v)
{
	ioapics[i].mmio[IOREGSEL / 4] = reg;
	ioapics[i].mmio[IOWIN / 4] = v;
}

/* The IOAPIC index serving gsi and the pin on it; -1 if none. */
static int gsi_lookup(uint32_t gsi, uint32_t *pin)
{
	for (unsigned i = 0; i < n_ioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].npins) {
			*pin = gsi - ioapics[i].gsi_base;
			return (int)i;
		}
	}
	return -1;
}

static int gsi_lookup_or_panic(uint32_t gsi, uint32_t *pin)
{
	int i = gsi_lookup(gsi, pin);
	if (i < 0)
		panic("ioapic: no IOAPIC serves GSI %u", gsi);
	return i;
}

void ioapic_init(void)
{
	boot_apic_id = lapic_id();
	n_ioapics = acpi.n_ioapics;
	for (unsigned i = 0; i < n_ioapics; i++) {
		if (acpi.ioapic[i].phys >= (4ull << 30))
			panic("ioapic: MMIO 0x%lx outside the first 4 GiB", acpi.ioapic[i].phys);
		ioapics[i].mmio = phys_to_virt(acpi.ioapic[i].phys);
		ioapics[i].gsi_base = acpi.ioapic[i].gsi_base;
		uint32_t ver = reg_read(i, IOAPIC_REG_VER);
		ioapics[i].npins = ((ver >> 16) & 0xFF) + 1;
		for (uint32_t pin = 0; pin < ioapics[i].npins; pin++) {
			reg_write(i, IOAPIC_REDTBL(pin), RTE_MASKED);
			reg_write(i, IOAPIC_REDTBL(pin) + 1, 0);
		}
		printk("ioapic: id %u at 0x%lx, gsi %u-%u, version 0x%x\n", acpi.ioapic[i].id,
		       acpi.ioapic[i].phys, ioapics[i].gsi_base,
		       ioapics[i].gsi_base + ioapics[i].npins - 1, ver & 0xFF);
	}
}

bool ioapic_gsi_valid(uint32_t gsi)
{
	uint32_t pin;
	return gsi_lookup(gsi, &pin) >= 0;
}

void ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level)
{
	uint32_t pin;
	int i = gsi_lookup_or_panic(gsi, &pin);
	uint32_t lo = vector | RTE_MASKED; /* fixed delivery, physical destination */
	if (active_low)
		lo |= RTE_ACTIVE_LOW;
	if (level)
		lo |= RTE_LEVEL;
	irqflags_t f = irq_save();
	reg_write(i, IOAPIC_REDTBL(pin), RTE_MASKED); /* masked while the halves disagree */
	reg_write(i, IOAPIC_REDTBL(pin) + 1, boot_apic_id << 24);
	reg_write(i, IOAPIC_REDTBL(pin), lo);
	irq_restore(f);
}

static void set_mask(uint32_t gsi, bool masked)
{
	uint32_t pin;
	int i = gsi_lookup_or_panic(gsi, &pin);
	irqflags_t f = irq_save();
	uint32_t lo = reg_read(i, IOAPIC_REDTBL(pin));
	lo = masked ? lo | RTE_MASKED : lo & ~RTE_MASKED;
	reg_write(i, IOAPIC_REDTBL(pin), lo);
	irq_restore(f);
}

void ioapic_mask(uint32_t gsi)
{
	set_mask(gsi, true);
}

void ioapic_unmask(uint32_t gsi)
{
	set_mask(gsi, false);
}

uint32_t isa_irq_to_gsi(unsigned irq, bool *active_low, bool *level)
{
	uint32_t gsi = irq;
	bool lo = false, lvl = false; /* ISA default: active high, edge */
	if (irq < 16) {
		gsi = acpi.isa_irq[irq].gsi;
		lo = acpi.isa_irq[irq].active_low;
		lvl = acpi.isa_irq[irq].level;
	}
	if (active_low)
		*active_low = lo;
	if (level)
		*level = lvl;
	return gsi;
}
