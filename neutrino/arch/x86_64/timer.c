/*
 * The one-shot timer behind the tickless scheduler: raises VEC_LAPIC_TIMER at
 * (or shortly after) an absolute TSC value. The vector's handler belongs to
 * the scheduler (trap_set_handler); this file only arms and disarms.
 *
 * TSC-deadline mode when CPUID.01H:ECX[24] says so: arming is one WRMSR.
 * Otherwise LAPIC one-shot mode at divide-by-1, with the LAPIC timer rate
 * measured against the TSC once at boot: arming converts the remaining TSC
 * ticks to LAPIC counts (clamped to 32 bits, so a far deadline fires early;
 * the caller re-checks the time and re-arms).
 *
 * timer_hw_init() runs in kernel_main after tsc_calibrate(); the LVT setup is
 * per CPU (an AP will need the same programming without the calibration).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/printk.h>

#define LVT_TIMER_ONESHOT (0u << 17)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define TIMER_DIV_1 0xB
#define CAL_TSC_DIVISOR 100 /* LAPIC calibration run: 1/100 s of TSC */
#define CAL_RUNS 5

const char *timer_hw_mode;

static bool use_deadline;      /* [I] after timer_hw_init */
static uint64_t lapic_timer_hz; /* [I] one-shot mode only */
static uint64_t tsc_to_count_mult; /* counts = (tsc * mult) >> 32 [I] */

static bool cpu_has_tsc_deadline(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 24);
}

/* LAPIC timer counts per second at divide-by-1, timed with the TSC. Each
 * LAPIC access is bracketed by TSC reads (an emulated access can stall for
 * tens of microseconds) and the run with the tightest brackets wins. */
static uint64_t lapic_timer_measure(void)
{
	uint64_t best_hz = 0, best_slop = UINT64_MAX;
	irqflags_t f = irq_save();
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LVT_TIMER_ONESHOT | VEC_LAPIC_TIMER);
	for (int run = 0; run < CAL_RUNS; run++) {
		uint64_t span = tsc_hz / CAL_TSC_DIVISOR;
		uint64_t a0 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
		uint64_t b0 = rdtsc();
		while (rdtsc() - b0 < span)
			cpu_relax();
		uint64_t a1 = rdtsc();
		uint32_t left = lapic_read(LAPIC_TIMER_CUR);
		uint64_t b1 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0);
		if (left == 0)
			panic("lapic timer: counted past 2^32 in 10 ms; cannot calibrate");
		uint64_t slop = (b0 - a0) + (b1 - a1);
		if (slop < best_slop) {
			best_slop = slop;
			/* counts * tsc_hz < 2^96 and the quotient fits in 64 bits */
			best_hz = div128_64((unsigned __int128)(UINT32_MAX - left) * tsc_hz,
					    (a1 + b1) / 2 - (a0 + b0) / 2);
		}
	}
	irq_restore(f);
	return best_hz;
}

void timer_hw_init(void)
{
	if (!tsc_hz)
		panic("timer: timer_hw_init before tsc_calibrate");
	use_deadline = cpu_has_tsc_deadline();
	if (use_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VEC_LAPIC_TIMER);
		/* SDM: the LVT write must be ordered before any IA32_TSC_DEADLINE write */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(MSR_TSC_DEADLINE, 0);
		timer_hw_mode = "tsc-deadline";
		printk("timer: tsc-deadline mode\n");
		return;
	}
	lapic_timer_hz = lapic_timer_measure();
	if (lapic_timer_hz < 1000)
		panic("timer: LAPIC timer runs at %lu Hz", lapic_timer_hz);
	/* mult = lapic_hz * 2^32 / tsc_hz; lapic_hz <= a few GHz keeps it < 2^64
	 * and tsc deltas handed to it are clamped first (see timer_hw_arm). */
	tsc_to_count_mult = div128_64((unsigned __int128)lapic_timer_hz << 32, tsc_hz) + 1;
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | VEC_LAPIC_TIMER);
	timer_hw_mode = "lapic-oneshot";
	printk("timer: lapic-oneshot mode, %lu.%03lu MHz, divide 1\n", lapic_timer_hz / 1000000,
	       lapic_timer_hz / 1000 % 1000);
}

void timer_hw_arm(uint64_t deadline_tsc)
{
	if (likely(use_deadline)) {
		/* 0 would disarm; anything in the past fires at once */
		wrmsr(MSR_TSC_DEADLINE, deadline_tsc ? deadline_tsc : 1);
		return;
	}
	uint64_t now = rdtsc(), count = 1;
	if (deadline_tsc > now) {
		uint64_t delta = deadline_tsc - now;
		/* beyond 2^40 TSC ticks (minutes) the count clamps anyway */
		if (delta > (1ull << 40))
			delta = 1ull << 40;
		count = (uint64_t)(((unsigned __int128)delta * tsc_to_count_mult) >> 32);
		if (count > UINT32_MAX)
			count = UINT32_MAX;
		if (count == 0)
			count = 1;
	}
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

void timer_hw_disarm(void)
{
	if (use_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INIT, 0);
}
