/*
 * fault_<kind>: one program per kind of user fault, chosen at build time by
 * FAULT_<KIND> (tests/kernel/CMakeLists.txt). Each does one forbidden thing;
 * the kernel must kill it with SIGSEGV (SIGILL for ud2). If it survives it
 * says so and exits 0, which the fault test reports as a failure.
 * Addresses come through volatile variables so that the compiler emits the
 * access as written instead of its own trap.
 */
#include <stdint.h>
#include <stdio.h>

#define KERNEL_ADDR 0xffffffff80100000ull

static volatile uintptr_t target;

int main(void)
{
#if defined(FAULT_NULL)
	target = 0;
	*(volatile int *)target = 1;
#elif defined(FAULT_PRIV)
	__asm__ volatile("hlt");
#elif defined(FAULT_CLI)
	__asm__ volatile("cli");
#elif defined(FAULT_KERNEL)
	target = KERNEL_ADDR;
	(void)*(volatile uint64_t *)target;
#elif defined(FAULT_JUMP)
	target = KERNEL_ADDR;
	((void (*)(void))target)();
#elif defined(FAULT_UD)
	__asm__ volatile("ud2");
#else
#error "define one FAULT_<KIND>"
#endif
	printf("fault: survived the fault\n");
	return 0;
}
