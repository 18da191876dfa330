/*
 * The slow half of native kernel-call dispatch (kcall/kcall.h): a number in
 * the table's range with no handler is ENOSYS, reported once per process.
 */
#include <kcall/kcall.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <sched/thread.h>

long kcall_enosys(unsigned n)
{
	struct process *p = cur_thread()->proc;
	uint64_t bit = 1ull << (n % 64);
	if (n < 64 * ARRAY_SIZE(p->kcall_enosys_logged)) {
		if (p->kcall_enosys_logged[n / 64] & bit)
			return -ENOSYS;
		p->kcall_enosys_logged[n / 64] |= bit;
	}
	const char *name = kcall_table[n].name;
	printk("neutrino: pid %d (%s): kernel call %u (%s) not implemented (ENOSYS)\n", p->pid,
	       p->name, n, name ? name : "unknown");
	return -ENOSYS;
}
