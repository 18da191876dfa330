/*
 * Address-space duplication for fork (see aspace_fork in mm/vm.h): the
 * region list is copied first, in one step; then the pages of each region
 * of the copy are mapped from whatever the source maps at that address now,
 * with preemption points between pages. Only the copy's own structures are
 * held across a preemption point, so threads of the forking process that
 * run meanwhile (and may unmap or fault) cannot pull anything from under
 * it; a page they change during the copy is seen before or after the
 * change, as with any concurrent fork. Regions of a memory object are
 * shared with the object (MAP_SHARED) or copy-on-write from it like any
 * private memory; pages beyond the object's end are not copied (the
 * object may be shrinking meanwhile: the child faults there, SIGBUS).
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/kmem.h>
#include <mm/memobj.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/sched.h>

#define PT_SPAN (PAGE_SIZE * 512) /* what one page-table page maps */

static int copy_regions(struct aspace *dst, struct aspace *src)
{
	list_for_each(pos, &src->regions) {
		struct vm_region t = *list_entry(pos, struct vm_region, link);
		t.zap_gen = 0;
		struct vm_region *n = vm_region_new(dst, &t);
		if (!n)
			return -ENOMEM;
		list_add_tail(&dst->regions, &n->link);
	}
	return 0;
}

/* Maps src's page at va (if any) into dst per region r's rules. */
static int share_page(struct aspace *dst, struct aspace *src, const struct vm_region *r,
		      uaddr_t va)
{
	/* a shared page must exist before both sides can see it (a PROT_NONE
	 * shared region has none to share; an object has it for both) */
	bool fill = (r->prot & VM_SHARED) && (r->prot & (VM_READ | VM_WRITE | VM_EXEC)) && !r->obj;
	if (r->obj && r->pgoff + ((va - r->start) >> PAGE_SHIFT) >= memobj_pages(r->obj))
		return 0;
	uint64_t *spte = mmu_pte(src->pml4, va, fill);
	if (!spte)
		return fill ? -ENOMEM : 0;
	if (!(*spte & (PTE_P | PTE_KEPT))) {
		if (!fill)
			return 0;
		if (vm_fault(src, va, false, false) || !(*spte & PTE_P))
			return -ENOMEM;
	}
	uint64_t *dpte = mmu_pte(dst->pml4, va, true);
	if (!dpte)
		return -ENOMEM;
	uint64_t e = *spte;
	if (!(e & PTE_SHARED)) {
		if (pmm_page_refcount(e & PTE_ADDR) >= VM_FRAME_REFS_MAX)
			return -ENOMEM;
		pmm_page_ref(e & PTE_ADDR);
		dst->nr_pages++;
		if (!(r->prot & VM_SHARED) && (e & PTE_W)) {
			e &= ~PTE_W;
			*spte = e;
			invlpg(va); /* src is active */
		}
	}
	*dpte = e;
	return 0;
}

static int copy_pages(struct aspace *dst, struct aspace *src, const struct vm_region *r)
{
	unsigned n = 0;
	for (uaddr_t va = r->start; va < r->end;) {
		if ((!(r->prot & VM_SHARED) || r->obj) && !mmu_pte(src->pml4, va, false)) {
			va = (va | (PT_SPAN - 1)) + 1; /* no page table here: nothing mapped */
			continue;
		}
		int e = share_page(dst, src, r, va);
		if (e)
			return e;
		va += PAGE_SIZE;
		if ((++n & 63) == 0)
			preempt_point();
	}
	return 0;
}

struct aspace *aspace_fork(struct aspace *src)
{
	assert(read_cr3() == src->pml4);
	struct aspace *dst = aspace_create();
	if (!dst)
		return NULL;
	int e = copy_regions(dst, src);
	list_for_each(pos, &dst->regions) {
		if (e)
			break;
		e = copy_pages(dst, src, list_entry(pos, struct vm_region, link));
	}
	if (e) {
		aspace_destroy(dst);
		return NULL;
	}
	return dst;
}
