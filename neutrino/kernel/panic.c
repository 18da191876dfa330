/*
 * panic(): the kernel's only response to a broken internal invariant or a
 * kernel-mode exception. Prints the message, the trap frame if one is being
 * handled, and a frame-pointer backtrace (resolve with addr2line -e
 * neutrino.elf), then tells the host (QEMU isa-debug-exit) and stops.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/printk.h>

struct trapframe *panic_tf;
void trap_dump(const struct trapframe *tf);
extern char _text_start[], _text_end[];

static void backtrace(uint64_t rbp)
{
	printk("  backtrace (addr2line -e neutrino.elf):");
	for (int depth = 0; depth < 16 && rbp >= 0xffff800000000000ull && !(rbp & 7); depth++) {
		uint64_t *frame = (uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (ret < (uint64_t)_text_start || ret >= (uint64_t)_text_end)
			break;
		printk(" %lx", ret);
		rbp = frame[0];
	}
	printk("\n");
}

void panic(const char *fmt, ...)
{
	static int nested;
	irq_disable();
	if (nested++)
		arch_fail_exit(0x11);
	va_list ap;
	va_start(ap, fmt);
	printk("\nPANIC: ");
	vprintk(fmt, ap);
	printk("\n");
	va_end(ap);
	if (panic_tf) {
		trap_dump(panic_tf);
		backtrace(panic_tf->rbp);
	} else {
		backtrace((uint64_t)__builtin_frame_address(0));
	}
	arch_fail_exit(0x10);
}
