/*
 * The CMOS RTC periodic interrupt (IRQ 8) for the interrupt tests: port I/O
 * helpers (need ThreadCtl(_NTO_TCTL_IO)) and start/ack/stop. Register A
 * bits 0-3 select the rate (32768 >> (rate - 1) Hz; 6 = 1024 Hz), register
 * B bit 6 enables the periodic interrupt, reading register C acknowledges it
 * (bit 7 IRQF, bit 6 PF).
 */
#pragma once
#include <stdint.h>

#define RTC_IRQ 8
#define RTC_RATE_1024HZ 6
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40

static inline void port_out8(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t port_in8(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint8_t cmos_read(uint8_t reg)
{
	port_out8(0x70, reg);
	return port_in8(0x71);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
	port_out8(0x70, reg);
	port_out8(0x71, v);
}

/* Acknowledge: returns register C (reading it lets the RTC raise IRQ 8 again). */
static inline uint8_t rtc_ack(void)
{
	return cmos_read(0x0C);
}

static inline void rtc_start(unsigned rate)
{
	cmos_write(0x0A, (uint8_t)((cmos_read(0x0A) & 0xF0) | (rate & 0x0F)));
	cmos_write(0x0B, cmos_read(0x0B) | 0x40);
	rtc_ack();
}

static inline void rtc_stop(void)
{
	cmos_write(0x0B, cmos_read(0x0B) & ~0x40);
	rtc_ack();
}
