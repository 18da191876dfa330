/*
 * Memory syscalls: brk, anonymous mmap, munmap, mprotect, madvise.
 * File-backed mappings are not supported yet: -EBADF for a bad descriptor,
 * else -ENODEV. Sizes no address space can hold are -ENOMEM, as on Linux.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/thread.h>

#include "linux.h"
#include "fd/fd.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_LAST 25 /* MADV_COLLAPSE: 5..7 are unused */
#define BRK_MAX (1ull << 36)

static struct aspace *cur_as(void) { return cur_thread()->proc->as; }

static uint32_t vm_prot(uint64_t prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

long sys_brk(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	uaddr_t want = a[0];
	if (want < p->brk_start || want > p->brk_start + BRK_MAX)
		return (long)p->brk_cur;
	uaddr_t old_end = PAGE_ALIGN_UP(p->brk_cur), new_end = PAGE_ALIGN_UP(want);
	if (new_end > old_end) {
		if (vm_map_fixed(p->as, old_end, new_end - old_end, VM_READ | VM_WRITE))
			return (long)p->brk_cur;
	} else if (new_end < old_end) {
		vm_unmap(p->as, new_end, old_end - new_end);
	}
	p->brk_cur = want;
	return (long)want;
}

long sys_mmap(const uint64_t *a, struct trapframe *tf)
{
	uaddr_t addr = a[0];
	uint64_t len = a[1], prot = a[2], flags = a[3], off = a[5];
	if (!len || (off & ~PAGE_MASK))
		return -EINVAL;
	if (!(flags & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct _io_stat st;
		int fd = (int)a[4];
		if (fd < 0 || fd_fstat_k(fd, &st) < 0)
			return -EBADF;
		return -ENODEV; /* file mappings are not supported yet */
	}
	if (len > USER_TOP)
		return -ENOMEM;
	struct aspace *as = cur_as();
	uint32_t vprot = vm_prot(prot) | ((flags & MAP_SHARED) ? VM_SHARED : 0); /* fork shares it */
	len = PAGE_ALIGN_UP(len);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & ~PAGE_MASK) || addr < PAGE_SIZE)
			return -EINVAL;
		if (!uaccess_range_ok(addr, len))
			return -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE) {
			for (uaddr_t x = addr; x < addr + len; x += PAGE_SIZE)
				if (vm_find(as, x))
					return -EEXIST;
		} else {
			vm_unmap(as, addr, len);
		}
		int e = vm_map_fixed(as, addr, len, vprot);
		return e ? e : (long)addr;
	}
	return vm_map_anywhere(as, addr, len, vprot);
}

long sys_munmap(const uint64_t *a, struct trapframe *tf)
{
	if ((a[0] & ~PAGE_MASK) || !a[1])
		return -EINVAL;
	return vm_unmap(cur_as(), a[0], a[1]);
}

long sys_mprotect(const uint64_t *a, struct trapframe *tf)
{
	if (a[0] & ~PAGE_MASK)
		return -EINVAL;
	if (!a[1])
		return 0;
	return vm_protect(cur_as(), a[0], a[1], vm_prot(a[2]));
}

long sys_madvise(const uint64_t *a, struct trapframe *tf)
{
	if ((a[0] & ~PAGE_MASK) || !uaccess_range_ok(a[0], a[1]))
		return -EINVAL;
	if (a[2] > MADV_LAST || (a[2] > MADV_DONTNEED && a[2] < MADV_FREE))
		return -EINVAL; /* unknown advice */
	if (a[2] == MADV_DONTNEED)
		return vm_discard(cur_as(), a[0], a[1]);
	return 0; /* the other advice is advisory: ignoring it is correct */
}
