/*
 * User address spaces: regions and demand paging (see mm/vm.h).
 * Regions are kept sorted in a list; address spaces hold a handful of them
 * (segments, brk, stack, mmaps), so linear walks are cheap. Long operations
 * (unmapping large ranges) have preemption points.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <mm/kmem.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/sched.h>

struct aspace *aspace_create(void)
{
	struct aspace *as = kzalloc(sizeof(*as));
	if (!as)
		return NULL;
	as->pml4 = mmu_new_pml4();
	if (!as->pml4) {
		kfree(as);
		return NULL;
	}
	list_init(&as->regions);
	as->refs = 1;
	return as;
}

void aspace_share(struct aspace *as) { as->refs++; }

void aspace_destroy(struct aspace *as)
{
	assert(as->refs > 0);
	if (--as->refs)
		return;
	mmu_free_user(as->pml4);
	pmm_free_page(as->pml4);
	list_for_each_safe(pos, tmp, &as->regions)
		kfree(list_entry(pos, struct vm_region, link));
	kfree(as);
}

void aspace_activate(struct aspace *as)
{
	paddr_t want = as ? as->pml4 : kernel_pml4;
	if (read_cr3() != want)
		write_cr3(want);
}

static bool as_active(struct aspace *as) { return read_cr3() == as->pml4; }

struct vm_region *vm_find(struct aspace *as, uaddr_t addr)
{
	list_for_each(pos, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		if (addr < r->start)
			return NULL;
		if (addr < r->end)
			return r;
	}
	return NULL;
}

static bool range_free(struct aspace *as, uaddr_t start, uaddr_t end)
{
	list_for_each(pos, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		if (r->start < end && start < r->end)
			return false;
	}
	return true;
}

static uint64_t pte_flags(uint32_t prot)
{
	uint64_t f = PTE_P | PTE_U;
	if (prot & VM_WRITE)
		f |= PTE_W;
	if (!(prot & VM_EXEC))
		f |= PTE_NX;
	return f;
}

/* The PTE for frame pte_old (present) under region protection prot: write
 * access only where a write cannot reach another address space's copy (the
 * frame is private to this one, or the region is shared by design). */
static uint64_t pte_remap(uint64_t pte_old, uint32_t prot)
{
	uint64_t keep = pte_old & (PTE_ADDR | PTE_SHARED), f = pte_flags(prot);
	if ((f & PTE_W) && ((keep & PTE_SHARED) ||
			    (!(prot & VM_SHARED) && pmm_page_refcount(keep & PTE_ADDR) > 1)))
		f &= ~PTE_W;
	return keep | f;
}

static int region_insert(struct aspace *as, uaddr_t start, uaddr_t end, uint32_t prot)
{
	struct vm_region *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->start = start;
	n->end = end;
	n->prot = prot;
	struct list_node *pos = as->regions.next;
	while (pos != &as->regions && list_entry(pos, struct vm_region, link)->start < start)
		pos = pos->next;
	list_insert_before(pos, &n->link);
	return 0;
}

int vm_map_fixed(struct aspace *as, uaddr_t start, size_t len, uint32_t prot)
{
	if ((start & ~PAGE_MASK) || !len || start < PAGE_SIZE || !uaccess_range_ok(start, len))
		return -EINVAL;
	uaddr_t end = start + PAGE_ALIGN_UP(len);
	if (end > USER_TOP || !range_free(as, start, end))
		return -EINVAL;
	return region_insert(as, start, end, prot);
}

long vm_map_anywhere(struct aspace *as, uaddr_t hint, size_t len, uint32_t prot)
{
	if (!len || len > MMAP_TOP - MMAP_BOTTOM)
		return -ENOMEM;
	len = PAGE_ALIGN_UP(len);
	hint = PAGE_ALIGN_DOWN(hint);
	if (hint >= PAGE_SIZE && uaccess_range_ok(hint, len) && range_free(as, hint, hint + len)) {
		int r = region_insert(as, hint, hint + len, prot);
		return r ? r : (long)hint;
	}
	uaddr_t cand = MMAP_TOP - len;
	for (;;) {
		bool moved = false;
		list_for_each(pos, &as->regions) {
			struct vm_region *r = list_entry(pos, struct vm_region, link);
			if (r->start < cand + len && cand < r->end) {
				if (r->start < MMAP_BOTTOM + len)
					return -ENOMEM;
				cand = r->start - len;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	int r = region_insert(as, cand, cand + len, prot);
	return r ? r : (long)cand;
}

static void unmap_pages(struct aspace *as, uaddr_t start, uaddr_t end)
{
	bool active = as_active(as);
	for (uaddr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = mmu_pte(as->pml4, va, false);
		if (pte && (*pte & (PTE_P | PTE_KEPT))) {
			if (!(*pte & PTE_SHARED)) {
				pmm_free_page(*pte & PTE_ADDR);
				as->nr_pages--;
			}
			*pte = 0;
			if (active)
				invlpg(va);
		}
		if (((va >> PAGE_SHIFT) & 255) == 255)
			preempt_point();
	}
}

/* Splits regions so that none straddles addr. */
static int split_at(struct aspace *as, uaddr_t addr)
{
	struct vm_region *r = vm_find(as, addr);
	if (!r || r->start == addr)
		return 0;
	struct vm_region *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->start = addr;
	n->end = r->end;
	n->prot = r->prot;
	r->end = addr;
	list_insert_before(r->link.next, &n->link);
	return 0;
}

int vm_unmap(struct aspace *as, uaddr_t start, size_t len)
{
	if ((start & ~PAGE_MASK) || !len || !uaccess_range_ok(start, len))
		return -EINVAL;
	uaddr_t end = start + PAGE_ALIGN_UP(len);
	if (split_at(as, start) || split_at(as, end))
		return -ENOMEM;
	list_for_each_safe(pos, tmp, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		if (r->start >= start && r->end <= end) {
			unmap_pages(as, r->start, r->end);
			list_del(&r->link);
			kfree(r);
		}
	}
	return 0;
}

int vm_protect(struct aspace *as, uaddr_t start, size_t len, uint32_t prot)
{
	if ((start & ~PAGE_MASK) || !uaccess_range_ok(start, len))
		return -EINVAL;
	uaddr_t end = start + PAGE_ALIGN_UP(len);
	for (uaddr_t a = start; a < end;) {
		struct vm_region *r = vm_find(as, a);
		if (!r)
			return -ENOMEM;
		a = r->end;
	}
	if (split_at(as, start) || split_at(as, end))
		return -ENOMEM;
	bool active = as_active(as);
	list_for_each(pos, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		if (r->start < start || r->end > end)
			continue;
		r->prot = prot | (r->prot & VM_SHARED);
		bool none = !(prot & (VM_READ | VM_WRITE | VM_EXEC));
		for (uaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
			uint64_t *pte = mmu_pte(as->pml4, va, false);
			if (!pte || !(*pte & (PTE_P | PTE_KEPT)))
				continue;
			/* PROT_NONE keeps the frame behind a not-present PTE: the
			 * contents come back when access is allowed again */
			*pte = none ? (*pte & (PTE_ADDR | PTE_SHARED)) | PTE_KEPT : pte_remap(*pte, r->prot);
			if (active)
				invlpg(va);
			if (((va >> PAGE_SHIFT) & 255) == 255)
				preempt_point();
		}
	}
	return 0;
}

/* Gives the copy-on-write page at va (PTE *pte, region r) its own frame, or
 * makes it writable when no other address space holds it any more. */
static int cow_break(struct aspace *as, struct vm_region *r, uaddr_t va, uint64_t *pte)
{
	paddr_t old = *pte & PTE_ADDR;
	if (pmm_page_refcount(old) > 1) {
		paddr_t pg = pmm_alloc_page();
		if (!pg)
			return -ENOMEM;
		memcpy(phys_to_virt(pg), phys_to_virt(old), PAGE_SIZE);
		*pte = pg | pte_flags(r->prot);
		pmm_free_page(old);
	} else {
		*pte = old | pte_flags(r->prot);
	}
	if (as_active(as))
		invlpg(va);
	return 0;
}

/* Makes the page at va (which lies in region r) present: a fresh zero page
 * if there was none; for write, a private writable one (copy-on-write
 * broken). -EFAULT if it cannot be written (read-only region or boot-image
 * page), -ENOMEM. */
static int populate(struct aspace *as, struct vm_region *r, uaddr_t va, uint64_t **out, bool write)
{
	uint64_t *pte = mmu_pte(as->pml4, va, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_KEPT) {
		*pte = pte_remap(*pte, r->prot); /* a kept page (loader write to PROT_NONE) */
	} else if (!(*pte & PTE_P)) {
		paddr_t pg = pmm_alloc_page();
		if (!pg)
			return -ENOMEM;
		*pte = pg | pte_flags(r->prot);
		as->nr_pages++;
	}
	if (write && !(*pte & PTE_W)) {
		if (!(r->prot & VM_WRITE) || (*pte & PTE_SHARED))
			return -EFAULT;
		int e = cow_break(as, r, va, pte);
		if (e)
			return e;
	}
	if (out)
		*out = pte;
	return 0;
}

int vm_fault(struct aspace *as, uaddr_t addr, bool write, bool exec)
{
	struct vm_region *r = vm_find(as, addr);
	if (!r)
		return -EFAULT;
	if (!(r->prot & (VM_READ | VM_WRITE | VM_EXEC)) || (write && !(r->prot & VM_WRITE)) ||
	    (exec && !(r->prot & VM_EXEC)))
		return -EACCES; /* mapped, but not for this access */
	return populate(as, r, PAGE_ALIGN_DOWN(addr), NULL, write) ? -EFAULT : 0;
}

int vm_write_remote(struct aspace *as, uaddr_t dst, const void *src, size_t n)
{
	const char *s = src;
	while (n) {
		struct vm_region *r = vm_find(as, dst);
		if (!r)
			return -EFAULT;
		uint64_t *pte;
		/* the loader writes read-only segments too: break sharing, not protection */
		int e = populate(as, r, PAGE_ALIGN_DOWN(dst), &pte, false);
		if (!e && !(*pte & PTE_W) && pmm_page_refcount(*pte & PTE_ADDR) > 1 &&
		    !(*pte & PTE_SHARED))
			e = cow_break(as, r, PAGE_ALIGN_DOWN(dst), pte);
		if (e)
			return e;
		size_t off = dst & ~PAGE_MASK, chunk = MIN(n, PAGE_SIZE - off);
		memcpy((char *)phys_to_virt(*pte & PTE_ADDR) + off, s, chunk);
		if (((dst >> PAGE_SHIFT) & 15) == 15)
			preempt_point(); /* loading a large program */
		dst += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

long vm_map_phys_ro(struct aspace *as, paddr_t phys, size_t len)
{
	long at = vm_map_anywhere(as, 0, len, VM_READ);
	if (at < 0)
		return at;
	for (size_t off = 0; off < PAGE_ALIGN_UP(len); off += PAGE_SIZE) {
		uint64_t *pte = mmu_pte(as->pml4, (uaddr_t)at + off, true);
		if (!pte) {
			vm_unmap(as, (uaddr_t)at, len);
			return -ENOMEM;
		}
		*pte = ((phys + off) & PTE_ADDR) | PTE_P | PTE_U | PTE_NX | PTE_SHARED;
	}
	return at;
}

int vm_discard(struct aspace *as, uaddr_t start, size_t len)
{
	if ((start & ~PAGE_MASK) || !uaccess_range_ok(start, len))
		return -EINVAL;
	unmap_pages(as, start, start + PAGE_ALIGN_UP(len));
	return 0;
}
