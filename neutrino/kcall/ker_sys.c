/* SysMemInfo: physical pages, kernel object bytes, object counts and the
 * CPU's busy and idle time (the idle thread's CPU time, sched.c; busy is
 * the rest). */
#include <kcall/kcall_gen.h>
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>

long ker_sys_mem_info(uaddr_t info_u)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	struct _sys_meminfo info = {
		.page_size = PAGE_SIZE,
		.total_pages = s.total_pages,
		.free_pages = s.free_pages,
		.kmem_in_use = kmem_in_use(),
		.n_processes = nr_processes,
		.n_threads = nr_threads,
	};
	struct cpu *c = this_cpu();
	irqflags_t f = irq_save();
	uint64_t all = rdtsc() - c->counted_since, idle = c->idle->cpu_tsc; /* idle is not running */
	irq_restore(f);
	info.cpu_busy_ns = tsc_to_ns(all > idle ? all - idle : 0);
	info.cpu_idle_ns = tsc_to_ns(idle);
	return copy_to_user(info_u, &info, sizeof(info)) ? -EFAULT : 0;
}
