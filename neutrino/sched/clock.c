/*
 * System clocks from the TSC: CLOCK_MONOTONIC counts from boot, and
 * CLOCK_REALTIME adds an offset initialised from the CMOS RTC.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/printk.h>
#include <sched/clock.h>

static uint64_t boot_tsc;
static uint64_t realtime_offset_ns; /* [k] realtime = monotonic + offset */

uint64_t rtc_read_epoch(void);

uint64_t clock_monotonic_ns(void) { return tsc_to_ns(rdtsc() - boot_tsc); }
uint64_t clock_realtime_ns(void) { return clock_monotonic_ns() + realtime_offset_ns; }

void clock_set_realtime_ns(uint64_t ns)
{
	uint64_t mono = clock_monotonic_ns();
	realtime_offset_ns = ns > mono ? ns - mono : 0;
}

void clock_init(void)
{
	boot_tsc = rdtsc();
	clock_set_realtime_ns(rtc_read_epoch() * 1000000000ull);
}
