/*
 * The kernel console: COM1 (16550 at 0x3f8), polled, 115200 8N1.
 * Used by printk and by writes of processes without fds 1 and 2. Output
 * only: the console driver (drivers/serial) owns input and the FIFOs. The
 * kernel leaves the FIFOs as it finds them: turning them on resets them and
 * would drop what was typed before the driver starts.
 */
#include <arch/cpu.h>
#include <kernel/printk.h>

#define COM1 0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	unsigned spins = 0;
	while (!(inb(COM1 + 5) & 0x20) && ++spins < 100000)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

/* Interrupts go off per character, not per string: a long write must not
 * hold interrupts off (lines written from interrupt handlers, which are
 * rare, may interleave with a thread's). */
void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		irqflags_t f = irq_save();
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		irq_restore(f);
	}
}
