/*
 * The CMOS real-time clock, read once at boot to set CLOCK_REALTIME.
 * Handles BCD and 12-hour modes; waits out an update in progress.
 */
#include <arch/cpu.h>
#include <kernel/types.h>

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool is_bcd) { return is_bcd ? (v & 15) + (v >> 4) * 10 : v; }

static uint64_t days_from_civil(int y, unsigned m, unsigned d)
{
	/* days since 1970-01-01 of the proleptic Gregorian date y-m-d */
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)(era * 146097 + (int)doe - 719468);
}

uint64_t rtc_read_epoch(void)
{
	for (unsigned spins = 0; (cmos(0x0a) & 0x80) && spins < 1000000; spins++)
		cpu_relax();
	uint8_t regb = cmos(0x0b);
	bool is_bcd = !(regb & 0x04), h12 = !(regb & 0x02);
	unsigned sec = bcd(cmos(0x00), is_bcd), min = bcd(cmos(0x02), is_bcd);
	uint8_t hraw = cmos(0x04);
	unsigned hour = bcd(hraw & 0x7f, is_bcd);
	if (h12 && (hraw & 0x80))
		hour = (hour % 12) + 12;
	unsigned day = bcd(cmos(0x07), is_bcd), mon = bcd(cmos(0x08), is_bcd);
	unsigned year = bcd(cmos(0x09), is_bcd) + 2000;
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return 0;
	return days_from_civil((int)year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}
