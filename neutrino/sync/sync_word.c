/*
 * The user words of a sync_t, seen from the kernel: resolution to physical
 * addresses (the object key) and atomic updates through the direct map, so
 * no user-mode fault can happen inside an atomic operation. Owner ids and
 * their threads. Used by every file of neutrino/sync.
 *
 * Why the direct map is safe: sync_resolve faults the page in and reads its
 * PTE; the kernel is not preemptible and has one CPU, so until the caller
 * blocks nothing can unmap the page. Callers re-resolve after blocking.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/thread.h>
#include <sync/sync.h>

/* The physical address of a writable user word mapped in as, or 0. */
static paddr_t word_phys(struct aspace *as, uaddr_t a)
{
	uint64_t *pte = mmu_pte(as->pml4, a, false);
	if (!pte || (*pte & (PTE_P | PTE_W | PTE_U)) != (PTE_P | PTE_W | PTE_U))
		return 0;
	return (*pte & PTE_ADDR) | (a & ~PAGE_MASK);
}

int sync_resolve(uaddr_t uaddr, struct sync_ref *r)
{
	if (!uaddr || !uaccess_range_ok(uaddr, sizeof(sync_t)))
		return -EFAULT;
	if (uaddr & 3)
		return -EINVAL;
	struct aspace *as = cur_thread()->proc->as;
	if (!as)
		return -EFAULT;
	paddr_t pa[2];
	for (int i = 0; i < 2; i++) {
		uaddr_t a = uaddr + 4 * (uaddr_t)i;
		if (vm_fault(as, a, true, false))
			return -EFAULT;
		pa[i] = word_phys(as, a);
		if (!pa[i])
			return -EFAULT;
	}
	r->uaddr = uaddr;
	r->key = pa[0];
	r->count = phys_to_virt(pa[0]);
	r->owner = phys_to_virt(pa[1]);
	return 0;
}

uint32_t sync_cas(volatile uint32_t *w, uint32_t old, uint32_t new)
{
	__asm__ volatile("lock cmpxchgl %2, %1" : "+a"(old), "+m"(*w) : "r"(new) : "memory");
	return old;
}

int32_t sync_cas_count(volatile int32_t *w, int32_t old, int32_t new)
{
	__asm__ volatile("lock cmpxchgl %2, %1" : "+a"(old), "+m"(*w) : "r"(new) : "memory");
	return old;
}

uint32_t sync_id(const struct thread *t)
{
	if (!t->proc || t->proc->pid <= 0 || t->proc->pid >= PID_MAX || t->tid <= 0 ||
	    t->tid > _NTO_SYNC_TID_MAX)
		return 0;
	return _NTO_SYNC_ID(t->proc->pid, t->tid);
}

struct thread *sync_thread(uint32_t id)
{
	id &= ~_NTO_SYNC_WAITING;
	if (id >= _NTO_SYNC_SPECIAL_MIN || !(id & 0xffff))
		return NULL;
	struct process *p = process_lookup((pid_t)(id >> 16));
	if (!p || p->state != PROC_ALIVE)
		return NULL;
	struct thread *t = thread_lookup(p, (tid_t)(id & 0xffff));
	return t && t->state != STATE_DEAD ? t : NULL;
}

volatile uint32_t *sync_obj_word(struct sync_obj *obj)
{
	struct process *p = process_lookup(obj->wpid);
	if (!p || !p->as)
		return NULL;
	paddr_t pa = word_phys(p->as, obj->wuaddr);
	if (!pa || pa != obj->key)
		return NULL;
	paddr_t po = word_phys(p->as, obj->wuaddr + 4);
	return po ? phys_to_virt(po) : NULL;
}
