/*
 * Native kernel-call dispatch through the generated table. A number inside
 * the table's range with no entry is ENOSYS, reported once per process.
 */
#include <kcall/kcall.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <sched/thread.h>

long kcall_dispatch(struct trapframe *tf, unsigned n)
{
	const struct kcall_entry *e = &kcall_table[n];
	if (likely(e->impl))
		return e->fn(tf);
	printk("neutrino: pid %d (%s): kernel call %u (%s) not implemented (ENOSYS)\n",
	       cur_thread()->proc->pid, cur_thread()->proc->name, n, e->name ? e->name : "unknown");
	return -ENOSYS;
}
