/* SysMemInfo: physical pages, kernel object bytes and object counts. */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
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
	return copy_to_user(info_u, &info, sizeof(info)) ? -EFAULT : 0;
}
