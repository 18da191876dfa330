/*
 * The legacy 8259A pair. The kernel uses the LAPIC and IOAPIC only, so the
 * PICs are moved off the exception vectors (0x20-0x2f) and fully masked:
 * they must never deliver. Called once by kernel_main before lapic_init().
 */
#include <arch/cpu.h>
#include <arch/platform.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW4_8086 0x01

/* A short delay between 8259 writes for old hardware: port 0x80 is POST. */
static void io_wait(void)
{
	outb(0x80, 0);
}

void pic_disable(void)
{
	outb(PIC1_DATA, 0xFF); /* mask while reprogramming */
	outb(PIC2_DATA, 0xFF);

	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, 0x20); /* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, 0x28);
	io_wait();
	outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ2 */
	io_wait();
	outb(PIC2_DATA, 2); /* ICW3: slave identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();

	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}
