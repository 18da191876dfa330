/* The boot CPU's per-CPU block, installed in GS base (and KERNEL_GS_BASE
 * holds the user's GS, 0, until the first swapgs on the way to user mode). */
#include <arch/cpu.h>
#include <kernel/percpu.h>

struct cpu cpu0;

void percpu_init_boot(void)
{
	cpu0.self = &cpu0;
	cpu0.id = 0;
	rq_init(&cpu0.rq);
	tq_init(&cpu0.tq);
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
