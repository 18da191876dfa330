/*
 * The TSC as the clock source: calibration at boot and tick <-> ns
 * conversion. tsc_calibrate() runs once in kernel_main after acpi_init(); it
 * measures the TSC against the HPET main counter (or PIT channel 2 when
 * there is no HPET). tsc_to_ns()/ns_to_tsc() are on the clock and timer hot
 * paths: one 64x64->128 multiply and a shift, with factors fixed at boot.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

uint64_t tsc_hz;

/* x -> (x * mult) >> shift, saturating at UINT64_MAX. [I] after tsc_calibrate */
struct muldiv {
	uint64_t mult;
	unsigned shift;
};
static struct muldiv tsc_ns, ns_tsc;

#define NS_PER_SEC 1000000000ull
#define FS_PER_NS 1000000ull
#define CAL_NS 10000000ull /* one calibration run: 10 ms */
#define CAL_RUNS 3

#define HPET_CAP 0x000
#define HPET_CFG 0x010
#define HPET_COUNTER 0x0F0
#define HPET_CAP_64BIT (1ull << 13)
#define HPET_CFG_ENABLE 1ull

#define PIT_HZ 1193182ull
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */

static inline uint64_t muldiv_apply(const struct muldiv *m, uint64_t x)
{
	unsigned __int128 r = ((unsigned __int128)x * m->mult) >> m->shift;
	return (r >> 64) ? UINT64_MAX : (uint64_t)r;
}

/* Factors for x * num / den with the largest shift whose mult still fits in
 * 64 bits: the result then errs by less than x / 2^shift, which is < 1 ns or a
 * few ticks even at x = 2^64. The multiplier is rounded up when round_up is
 * set, so that converted deadlines are never early. */
static struct muldiv muldiv_make(uint64_t num, uint64_t den, bool round_up)
{
	unsigned s = 0;
	/* grow s while num << s fits in 128 bits and (num << s + den - 1) / den < 2^64 */
	while (s < 126) {
		unsigned __int128 n = (unsigned __int128)num << (s + 1);
		if ((n >> (s + 1)) != num || (uint64_t)(n >> 64) >= den - 1)
			break;
		s++;
	}
	unsigned __int128 n = (unsigned __int128)num << s;
	if (round_up)
		n += den - 1;
	return (struct muldiv){ .mult = div128_64(n, den), .shift = s };
}

uint64_t tsc_to_ns(uint64_t tsc)
{
	return muldiv_apply(&tsc_ns, tsc);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return muldiv_apply(&ns_tsc, ns);
}

/* One HPET run: TSC ticks over at least CAL_NS, scaled to Hz. The TSC is read
 * on both sides of each counter read and the midpoints used. */
static uint64_t calibrate_hpet(volatile uint8_t *hpet, uint32_t period_fs, bool wide)
{
	uint64_t mask = wide ? UINT64_MAX : UINT32_MAX;
	uint64_t want = CAL_NS * FS_PER_NS / period_fs;
	volatile uint64_t *ctr64 = (volatile uint64_t *)(hpet + HPET_COUNTER);
	volatile uint32_t *ctr32 = (volatile uint32_t *)(hpet + HPET_COUNTER);
#define HPET_READ() (wide ? *ctr64 : *ctr32)
	uint64_t a0 = rdtsc(), h0 = HPET_READ(), b0 = rdtsc();
	uint64_t a1, h1, b1;
	do {
		a1 = rdtsc();
		h1 = HPET_READ();
		b1 = rdtsc();
	} while (((h1 - h0) & mask) < want);
#undef HPET_READ
	uint64_t ticks = (a1 + b1) / 2 - (a0 + b0) / 2;
	uint64_t ns = ((h1 - h0) & mask) * period_fs / FS_PER_NS;
	return div128_64((unsigned __int128)ticks * NS_PER_SEC, ns);
}

/* One PIT run: channel 2 in mode 0 counts CAL_NS worth of PIT ticks down and
 * raises OUT2, which port 0x61 shows; the gate is held high meanwhile. */
static uint64_t calibrate_pit(void)
{
	uint64_t count = PIT_HZ * CAL_NS / NS_PER_SEC;
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xB0); /* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20))
		;
	uint64_t t1 = rdtsc();
	outb(PORT_B, inb(PORT_B) & ~0x03);
	return (t1 - t0) * PIT_HZ / count;
}

static void sort3(uint64_t v[3])
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (v[j] > v[j + 1]) {
				uint64_t t = v[j];
				v[j] = v[j + 1];
				v[j + 1] = t;
			}
}

/* What CPUID claims, for the log only: leaf 0x15 (crystal ratio) or 0x16. */
static uint64_t cpuid_tsc_hz(void)
{
	uint32_t a, b, c, d, max;
	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			return (uint64_t)c * b / a;
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if (a & 0xFFFF)
			return (uint64_t)(a & 0xFFFF) * 1000000;
	}
	return 0;
}

void tsc_calibrate(void)
{
	uint64_t runs[CAL_RUNS];
	const char *src;
	irqflags_t f = irq_save();

	if (acpi.hpet_phys && acpi.hpet_phys < (4ull << 30)) {
		volatile uint8_t *hpet = phys_to_virt(acpi.hpet_phys);
		uint64_t cap = *(volatile uint64_t *)(hpet + HPET_CAP);
		uint32_t period_fs = cap >> 32;
		if (period_fs == 0 || period_fs > 100000000) /* spec: at most 100 ns */
			panic("tsc: HPET at 0x%lx reports period %u fs", acpi.hpet_phys, period_fs);
		volatile uint64_t *cfg = (volatile uint64_t *)(hpet + HPET_CFG);
		*cfg |= HPET_CFG_ENABLE; /* leaves legacy replacement as firmware set it */
		for (int i = 0; i < CAL_RUNS; i++)
			runs[i] = calibrate_hpet(hpet, period_fs, cap & HPET_CAP_64BIT);
		src = "hpet";
	} else {
		for (int i = 0; i < CAL_RUNS; i++)
			runs[i] = calibrate_pit();
		src = "pit";
	}
	irq_restore(f);

	sort3(runs);
	tsc_hz = runs[1]; /* the median: one disturbed run cannot skew it */
	if (tsc_hz < 1000000)
		panic("tsc: calibration against the %s gave %lu Hz", src, tsc_hz);
	tsc_ns = muldiv_make(NS_PER_SEC, tsc_hz, false);
	ns_tsc = muldiv_make(tsc_hz, NS_PER_SEC, true);

	uint32_t a, b, c, d, max_ext;
	cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	bool invariant = false;
	if (max_ext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		invariant = d & (1u << 8);
	}
	printk("tsc: %lu.%03lu MHz (%s), runs %lu..%lu Hz, %s\n", tsc_hz / 1000000,
	       tsc_hz / 1000 % 1000, src, runs[0], runs[CAL_RUNS - 1],
	       invariant ? "invariant" : "not invariant");
	uint64_t claimed = cpuid_tsc_hz();
	if (claimed)
		printk("tsc: cpuid claims %lu.%03lu MHz\n", claimed / 1000000, claimed / 1000 % 1000);
}
