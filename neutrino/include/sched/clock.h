/*
 * The system clock: monotonic nanoseconds since boot from the TSC, and the
 * realtime offset (wall clock = monotonic + offset, read from the RTC at boot).
 */
#pragma once
#include <kernel/types.h>

uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
void clock_set_realtime_ns(uint64_t ns);
void clock_init(void); /* after tsc_calibrate(): reads the CMOS RTC */
