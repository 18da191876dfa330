/*
 * MemobjCreate, MemobjCtl, MemobjMap (sys/memobj.h): decode and check the
 * arguments, then the object operations of mm/memobj.c and vm_map(). Every
 * call acts on the caller's own objects only.
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/memobj.h>
#include <mm/vm.h>
#include <sched/thread.h>
#include <sys/memobj.h>

long ker_memobj_create(uint64_t size)
{
	struct process *p = cur_thread()->proc;
	if (!process_is_privileged(p))
		return -EPERM;
	return memobj_create(p, size);
}

long ker_memobj_ctl(int id, int cmd, uint64_t arg)
{
	struct process *p = cur_thread()->proc;
	if (cmd == MEMOBJ_CTL_DESTROY)
		return memobj_destroy(p, id);
	if (cmd != MEMOBJ_CTL_GETSIZE && cmd != MEMOBJ_CTL_SETSIZE)
		return -EINVAL;
	struct memobj *o = memobj_get(p, id);
	if (!o)
		return -EINVAL;
	long r = cmd == MEMOBJ_CTL_GETSIZE ? (long)o->size : memobj_set_size(o, arg);
	memobj_put(o);
	return r;
}

long ker_memobj_map(int id, uaddr_t addr, uint64_t len, int prot, int flags, uint64_t offset)
{
	struct process *p = cur_thread()->proc;
	int kind = flags & (MEMOBJ_MAP_SHARED | MEMOBJ_MAP_PRIVATE);
	if ((flags & ~(MEMOBJ_MAP_SHARED | MEMOBJ_MAP_PRIVATE | MEMOBJ_MAP_FIXED)) ||
	    (kind != MEMOBJ_MAP_SHARED && kind != MEMOBJ_MAP_PRIVATE) || (prot & ~VM_PROT_ALL) ||
	    (offset & ~PAGE_MASK) || !len)
		return -EINVAL;
	struct memobj *o = memobj_get(p, id);
	if (!o)
		return -EINVAL;
	struct vm_map_req rq = {
		.addr = addr,
		.len = len,
		.prot = (uint32_t)prot | (kind == MEMOBJ_MAP_SHARED ? VM_SHARED : 0),
		.maxprot = VM_PROT_ALL,
		.place = (flags & MEMOBJ_MAP_FIXED) ? VM_PLACE_FIXED : VM_PLACE_HINT,
		.obj = o,
		.pgoff = offset >> PAGE_SHIFT,
	};
	long r = vm_map(p->as, &rq);
	memobj_put(o);
	return r;
}
