/*
 * ACPI table discovery: RSDP -> RSDT/XSDT -> MADT, FADT, HPET, DSDT (\_S5).
 * Fills the global `acpi` (struct acpi_info) once at boot; kernel_main calls
 * acpi_init() first, before any interrupt or timer hardware is touched. The
 * tables are read in place through the direct map and never written.
 */
#include <arch/platform.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

struct acpi_info acpi;

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	/* revision >= 2 */
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __packed;

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __packed;

/* Generic Address Structure */
struct gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t addr;
} __packed;

#define GAS_MEMORY 0
#define GAS_IO 1
#define GAS_PCI 2

/* FADT fields by byte offset (ACPI 6.x table 5.9); older tables are shorter. */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_FLAG_RESET_REG_SUP (1u << 10)

#define MAX_TABLE_LEN (64u << 20) /* sanity bound on a table's length field */

static const struct sdt *root;   /* RSDT or XSDT */
static bool root_is_xsdt;

static uint8_t sum_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (n--)
		s += *b++;
	return s;
}

static bool rsdp_valid(const struct rsdp *r)
{
	if (memcmp(r->sig, "RSD PTR ", 8) != 0 || sum_bytes(r, 20) != 0)
		return false;
	if (r->revision >= 2)
		return r->length >= sizeof(*r) && r->length < 4096 && sum_bytes(r, r->length) == 0;
	return true;
}

static const struct rsdp *rsdp_scan(paddr_t start, size_t len)
{
	for (paddr_t p = start; p + sizeof(struct rsdp) <= start + len; p += 16) {
		const struct rsdp *r = phys_to_virt(p);
		if (rsdp_valid(r))
			return r;
	}
	return NULL;
}

/* The BIOS areas: first KiB of the EBDA, then 0xE0000-0xFFFFF. */
static const struct rsdp *rsdp_search(void)
{
	paddr_t ebda = (paddr_t)*(volatile uint16_t *)phys_to_virt(0x40E) << 4;
	const struct rsdp *r = NULL;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		r = rsdp_scan(ebda, 1024);
	return r ? r : rsdp_scan(0xE0000, 0x20000);
}

/* A table header at phys, or NULL if its length or checksum is wrong. */
static const struct sdt *sdt_map(paddr_t phys)
{
	if (!phys)
		return NULL;
	const struct sdt *t = phys_to_virt(phys);
	if (t->length < sizeof(*t) || t->length > MAX_TABLE_LEN) {
		printk("acpi: table %c%c%c%c at 0x%lx has bad length %u\n", t->sig[0], t->sig[1],
		       t->sig[2], t->sig[3], phys, t->length);
		return NULL;
	}
	if (sum_bytes(t, t->length) != 0) {
		printk("acpi: table %c%c%c%c at 0x%lx has a bad checksum, ignored\n", t->sig[0],
		       t->sig[1], t->sig[2], t->sig[3], phys);
		return NULL;
	}
	return t;
}

/* The idx'th valid table with signature sig, or NULL. */
static const struct sdt *acpi_find(const char *sig, unsigned idx)
{
	size_t esz = root_is_xsdt ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / esz;
	const uint8_t *ent = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t phys = 0;
		memcpy(&phys, ent + i * esz, esz);
		const struct sdt *hdr = phys ? phys_to_virt(phys) : NULL;
		if (!hdr || memcmp(hdr->sig, sig, 4) != 0)
			continue;
		const struct sdt *t = sdt_map(phys);
		if (t && idx-- == 0)
			return t;
	}
	return NULL;
}

/* Copy a FADT field if the table is long enough to hold it; else leave *dst. */
static bool fadt_get(const struct sdt *f, size_t off, void *dst, size_t n)
{
	if (off + n > f->length)
		return false;
	memcpy(dst, (const uint8_t *)f + off, n);
	return true;
}

/* MADT: LAPIC address, processors, IOAPICs, interrupt source overrides. */
static void madt_parse(const struct sdt *m)
{
	const uint8_t *p = (const uint8_t *)m + 44, *end = (const uint8_t *)m + m->length;
	uint32_t lapic32;
	memcpy(&lapic32, (const uint8_t *)m + 36, 4);
	acpi.lapic_phys = lapic32;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		switch (p[0]) {
		case 0: /* processor local APIC: acpi id, apic id, flags */
			if (p[1] >= 8 && (p[4] & 1) && acpi.n_cpus < ARRAY_SIZE(acpi.cpu_apic_id))
				acpi.cpu_apic_id[acpi.n_cpus++] = p[3];
			break;
		case 1: { /* IOAPIC: id, reserved, address, gsi base */
			if (p[1] < 12)
				break;
			if (acpi.n_ioapics >= ARRAY_SIZE(acpi.ioapic)) {
				printk("acpi: more than %zu IOAPICs, extra ignored\n", ARRAY_SIZE(acpi.ioapic));
				break;
			}
			uint32_t addr, base;
			memcpy(&addr, p + 4, 4);
			memcpy(&base, p + 8, 4);
			acpi.ioapic[acpi.n_ioapics].phys = addr;
			acpi.ioapic[acpi.n_ioapics].gsi_base = base;
			acpi.ioapic[acpi.n_ioapics].id = p[2];
			acpi.n_ioapics++;
			break;
		}
		case 2: { /* interrupt source override: bus, source, gsi, flags */
			if (p[1] < 10 || p[2] != 0 || p[3] >= 16)
				break;
			uint32_t gsi;
			uint16_t flags;
			memcpy(&gsi, p + 4, 4);
			memcpy(&flags, p + 8, 2);
			/* polarity 0b11 = active low, trigger 0b11 = level; 00 = ISA default */
			acpi.isa_irq[p[3]].gsi = gsi;
			acpi.isa_irq[p[3]].active_low = (flags & 3) == 3;
			acpi.isa_irq[p[3]].level = ((flags >> 2) & 3) == 3;
			break;
		}
		case 5: /* local APIC address override */
			if (p[1] >= 12)
				memcpy(&acpi.lapic_phys, p + 4, 8);
			break;
		}
	}
}

static void fadt_parse(const struct sdt *f)
{
	uint32_t v32 = 0;
	uint64_t dsdt = 0;
	struct gas g;

	fadt_get(f, FADT_DSDT, &v32, 4);
	if (!fadt_get(f, FADT_X_DSDT, &dsdt, 8) || !dsdt)
		dsdt = v32;
	if (fadt_get(f, FADT_SMI_CMD, &v32, 4) && v32 < 0x10000)
		acpi.smi_cmd = (uint16_t)v32;
	fadt_get(f, FADT_ACPI_ENABLE, &acpi.acpi_enable, 1);

	v32 = 0;
	fadt_get(f, FADT_PM1A_CNT, &v32, 4);
	if (fadt_get(f, FADT_X_PM1A_CNT, &g, sizeof(g)) && g.addr && g.space == GAS_IO)
		v32 = (uint32_t)g.addr;
	acpi.pm1a_cnt = v32 < 0x10000 ? (uint16_t)v32 : 0;
	v32 = 0;
	fadt_get(f, FADT_PM1B_CNT, &v32, 4);
	if (fadt_get(f, FADT_X_PM1B_CNT, &g, sizeof(g)) && g.addr && g.space == GAS_IO)
		v32 = (uint32_t)g.addr;
	acpi.pm1b_cnt = v32 < 0x10000 ? (uint16_t)v32 : 0;

	uint32_t flags = 0;
	if (fadt_get(f, FADT_FLAGS, &flags, 4) && (flags & FADT_FLAG_RESET_REG_SUP) &&
	    fadt_get(f, FADT_RESET_REG, &g, sizeof(g)) &&
	    fadt_get(f, FADT_RESET_VALUE, &acpi.reset_value, 1) && g.addr &&
	    g.space <= GAS_PCI) {
		acpi.reset_space = g.space;
		acpi.reset_addr = g.addr;
		acpi.reset_valid = true;
	}

	const struct sdt *d = sdt_map(dsdt);
	if (d && memcmp(d->sig, "DSDT", 4) == 0)
		acpi.s5_valid = aml_find_s5((const uint8_t *)(d + 1), d->length - sizeof(*d),
					    &acpi.slp_typ_s5a, &acpi.slp_typ_s5b);
	for (unsigned i = 0; !acpi.s5_valid; i++) {
		const struct sdt *s = acpi_find("SSDT", i);
		if (!s)
			break;
		acpi.s5_valid = aml_find_s5((const uint8_t *)(s + 1), s->length - sizeof(*s),
					    &acpi.slp_typ_s5a, &acpi.slp_typ_s5b);
	}
}

void acpi_init(const void *rsdp_copy)
{
	const struct rsdp *r = rsdp_copy;
	if (r && !rsdp_valid(r)) {
		printk("acpi: RSDP from the boot loader is invalid, searching the BIOS areas\n");
		r = NULL;
	}
	if (!r)
		r = rsdp_search();
	if (!r)
		panic("acpi: no RSDP found (need ACPI for the MADT)");

	root_is_xsdt = r->revision >= 2 && r->xsdt;
	root = sdt_map(root_is_xsdt ? r->xsdt : r->rsdt);
	if (!root && root_is_xsdt) {
		root_is_xsdt = false;
		root = sdt_map(r->rsdt);
	}
	if (!root)
		panic("acpi: no valid RSDT/XSDT (rsdt 0x%x)", r->rsdt);

	for (unsigned i = 0; i < 16; i++)
		acpi.isa_irq[i].gsi = i;

	const struct sdt *madt = acpi_find("APIC", 0);
	if (!madt)
		panic("acpi: no MADT (APIC table): cannot find the LAPIC and IOAPICs");
	madt_parse(madt);
	if (!acpi.n_ioapics)
		panic("acpi: the MADT lists no IOAPIC");

	const struct sdt *fadt = acpi_find("FACP", 0);
	if (fadt)
		fadt_parse(fadt);
	else
		printk("acpi: no FADT: no ACPI power off or reset\n");

	const struct sdt *hpet = acpi_find("HPET", 0);
	struct gas g;
	if (hpet && hpet->length >= 56) {
		memcpy(&g, (const uint8_t *)hpet + 40, sizeof(g));
		if (g.space == GAS_MEMORY)
			acpi.hpet_phys = g.addr;
	}

	printk("acpi: %s rev %u, lapic 0x%lx, %u cpu%s, %u ioapic%s, hpet 0x%lx, s5 %s\n",
	       root_is_xsdt ? "xsdt" : "rsdt", r->revision, acpi.lapic_phys, acpi.n_cpus,
	       acpi.n_cpus == 1 ? "" : "s", acpi.n_ioapics, acpi.n_ioapics == 1 ? "" : "s",
	       acpi.hpet_phys, acpi.s5_valid ? "ok" : "missing");
}
