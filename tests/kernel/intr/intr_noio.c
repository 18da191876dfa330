/*
 * intr_noio: executes an I/O instruction without ThreadCtl(_NTO_TCTL_IO).
 * The kernel must kill it with SIGSEGV (#GP: IOPL 0); surviving exits 0,
 * which t_intr reports as a failure.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint8_t v;
	__asm__ volatile("inb $0x71, %0" : "=a"(v));
	printf("intr_noio: inb survived (0x%x)\n", v);
	return 0;
}
