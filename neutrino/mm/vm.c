/*
 * User address spaces: regions and demand paging (see mm/vm.h).
 * Regions are kept sorted in a list; address spaces hold a handful of them
 * (segments, brk, stack, mmaps), so linear walks are cheap. Long operations
 * (unmapping large ranges) have preemption points. Regions of a memory
 * object are also on the object's list (mm/memobj.h), so that shrinking
 * the object can take its pages away from every mapping (vm_object_zap).
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <mm/kmem.h>
#include <mm/memobj.h>
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

#define PT_SPAN (PAGE_SIZE * 512) /* what one page-table page maps */

struct vm_region *vm_region_new(struct aspace *as, const struct vm_region *tmpl)
{
	struct vm_region *n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->start = tmpl->start;
	n->end = tmpl->end;
	n->prot = tmpl->prot;
	n->maxprot = tmpl->maxprot;
	n->as = as;
	n->obj = tmpl->obj;
	n->pgoff = tmpl->pgoff;
	n->zap_gen = tmpl->zap_gen;
	n->zap_next = tmpl->zap_next;
	list_init(&n->link);
	list_init(&n->obj_link);
	if (n->obj) {
		memobj_ref(n->obj);
		list_add_tail(&n->obj->maps, &n->obj_link);
	}
	return n;
}

/* Frees a region already taken off its address space's list (its pages
 * are the caller's business). May preempt (the object's last reference). */
static void region_free(struct vm_region *r)
{
	struct memobj *o = r->obj;
	list_del(&r->obj_link);
	kfree(r);
	if (o)
		memobj_put(o);
}

void aspace_destroy(struct aspace *as)
{
	assert(as->refs > 0);
	if (--as->refs)
		return;
	/* regions first: a zap of their object must not walk the tables freed below */
	list_for_each_safe(pos, tmp, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		list_del(&r->link);
		region_free(r);
	}
	mmu_free_user(as->pml4);
	pmm_free_page(as->pml4);
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

/* Inserts a region like tmpl ([tmpl->start, tmpl->end) is free) in order. */
static int region_insert(struct aspace *as, const struct vm_region *tmpl)
{
	struct vm_region *n = vm_region_new(as, tmpl);
	if (!n)
		return -ENOMEM;
	struct list_node *pos = as->regions.next;
	while (pos != &as->regions && list_entry(pos, struct vm_region, link)->start < n->start)
		pos = pos->next;
	list_insert_before(pos, &n->link);
	return 0;
}

static int anon_insert(struct aspace *as, uaddr_t start, uaddr_t end, uint32_t prot)
{
	struct vm_region t = { .start = start, .end = end, .prot = prot, .maxprot = VM_PROT_ALL };
	return region_insert(as, &t);
}

int vm_map_fixed(struct aspace *as, uaddr_t start, size_t len, uint32_t prot)
{
	if ((start & ~PAGE_MASK) || !len || start < PAGE_SIZE || !uaccess_range_ok(start, len))
		return -EINVAL;
	uaddr_t end = start + PAGE_ALIGN_UP(len);
	if (end > USER_TOP || !range_free(as, start, end))
		return -EINVAL;
	return anon_insert(as, start, end, prot);
}

/* Room for len bytes (page multiple): at hint if free, else the highest
 * free range below MMAP_TOP. The address or -ENOMEM. */
static long find_room(struct aspace *as, uaddr_t hint, size_t len)
{
	if (!len || len > MMAP_TOP - MMAP_BOTTOM)
		return -ENOMEM;
	hint = PAGE_ALIGN_DOWN(hint);
	if (hint >= PAGE_SIZE && uaccess_range_ok(hint, len) && range_free(as, hint, hint + len))
		return (long)hint;
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
	return (long)cand;
}

long vm_map_anywhere(struct aspace *as, uaddr_t hint, size_t len, uint32_t prot)
{
	if (!len || len > MMAP_TOP - MMAP_BOTTOM)
		return -ENOMEM;
	len = PAGE_ALIGN_UP(len);
	long at = find_room(as, hint, len);
	if (at < 0)
		return at;
	int r = anon_insert(as, (uaddr_t)at, (uaddr_t)at + len, prot);
	return r ? r : at;
}

/* Clears the PTEs of [start, end), dropping their frame references;
 * skips absent page tables. Preemption points if preempt. */
static void unmap_range(struct aspace *as, uaddr_t start, uaddr_t end, bool preempt)
{
	bool active = as_active(as);
	unsigned n = 0;
	for (uaddr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = mmu_pte(as->pml4, va, false);
		if (!pte) {
			va = (va | (PT_SPAN - 1)) + 1 - PAGE_SIZE; /* no page table: nothing mapped */
		} else if (*pte & (PTE_P | PTE_KEPT)) {
			if (!(*pte & PTE_SHARED)) {
				pmm_free_page(*pte & PTE_ADDR);
				as->nr_pages--;
			}
			*pte = 0;
			if (active)
				invlpg(va);
		}
		if (preempt && (++n & 255) == 0)
			preempt_point();
	}
}

static void unmap_pages(struct aspace *as, uaddr_t start, uaddr_t end)
{
	unmap_range(as, start, end, true);
}

/* Splits regions so that none straddles addr. */
static int split_at(struct aspace *as, uaddr_t addr)
{
	struct vm_region *r = vm_find(as, addr);
	if (!r || r->start == addr)
		return 0;
	struct vm_region t = *r;
	t.start = addr;
	if (r->obj)
		t.pgoff = r->pgoff + ((addr - r->start) >> PAGE_SHIFT);
	struct vm_region *n = vm_region_new(as, &t);
	if (!n)
		return -ENOMEM;
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
	/* take the regions off both lists first: the unmapping preempts */
	struct list_node gone;
	list_init(&gone);
	list_for_each_safe(pos, tmp, &as->regions) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		if (r->start >= start && r->end <= end) {
			list_del(&r->link);
			list_del(&r->obj_link);
			list_add_tail(&gone, &r->link);
		}
	}
	list_for_each_safe(pos, tmp, &gone) {
		struct vm_region *r = list_entry(pos, struct vm_region, link);
		list_del(&r->link);
		unmap_pages(as, r->start, r->end);
		region_free(r);
	}
	return 0;
}

/* Moves the PTEs of [from, from + len) to [to, to + len), whose page
 * tables exist. No preemption point: other threads of the process cannot
 * change either range meanwhile. */
static void move_ptes(struct aspace *as, uaddr_t from, uaddr_t to, size_t len)
{
	bool active = as_active(as);
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t *src = mmu_pte(as->pml4, from + off, false);
		if (!src) {
			off = (((from + off) | (PT_SPAN - 1)) + 1 - PAGE_SIZE) - from;
			continue;
		}
		if (!(*src & (PTE_P | PTE_KEPT)))
			continue;
		*mmu_pte(as->pml4, to + off, false) = *src;
		*src = 0;
		if (active)
			invlpg(from + off);
	}
}

long vm_remap(struct aspace *as, uaddr_t old, size_t old_len, size_t new_len, uaddr_t fixed,
	      bool may_move)
{
	old_len = PAGE_ALIGN_UP(old_len);
	new_len = PAGE_ALIGN_UP(new_len);
	if ((old & ~PAGE_MASK) || (fixed & ~PAGE_MASK) || !old_len || !new_len ||
	    !uaccess_range_ok(old, old_len))
		return -EINVAL;
	if (fixed && (!uaccess_range_ok(fixed, new_len) || fixed < PAGE_SIZE ||
		      (fixed < old + old_len && old < fixed + new_len)))
		return -EINVAL;
	struct vm_region *r = vm_find(as, old);
	if (!r || old + old_len > r->end)
		return -EFAULT; /* not one mapping */
	if (!fixed && new_len <= old_len) {
		if (new_len < old_len)
			vm_unmap(as, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (!fixed && old + old_len == r->end && old + new_len <= MMAP_TOP &&
	    range_free(as, r->end, old + new_len)) {
		r->end = old + new_len; /* grows in place */
		return (long)old;
	}
	if (!may_move)
		return -ENOMEM;
	if (fixed)
		vm_unmap(as, fixed, new_len); /* may preempt: r is looked up again */
	long at = fixed ? (long)fixed : find_room(as, 0, new_len);
	r = vm_find(as, old);
	if (at < 0 || !r || old + old_len > r->end)
		return at < 0 ? at : -EFAULT;
	struct vm_region t = *r;
	t.start = (uaddr_t)at;
	t.end = (uaddr_t)at + new_len;
	if (r->obj)
		t.pgoff = r->pgoff + ((old - r->start) >> PAGE_SHIFT);
	size_t moved = MIN(old_len, new_len);
	for (size_t off = 0; off < moved; off += PAGE_SIZE) /* every page table first */
		if (!mmu_pte(as->pml4, (uaddr_t)at + off, true))
			return -ENOMEM;
	int e = region_insert(as, &t);
	if (e)
		return e;
	move_ptes(as, old, (uaddr_t)at, moved);
	vm_unmap(as, old, old_len); /* the region; its pages have moved */
	return at;
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
		if (prot & VM_PROT_ALL & ~r->maxprot)
			return -EACCES;
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
 * (or the object's page) if there was none; for write, a private writable
 * one (copy-on-write broken) unless the region is shared. -EFAULT if it
 * cannot be written (read-only region or boot-image page), -ENOMEM,
 * -ENXIO beyond the end of the object. */
static int populate(struct aspace *as, struct vm_region *r, uaddr_t va, uint64_t **out, bool write)
{
	uint64_t *pte = mmu_pte(as->pml4, va, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_KEPT) {
		*pte = pte_remap(*pte, r->prot); /* a kept page (loader write to PROT_NONE) */
	} else if (!(*pte & PTE_P) && r->obj) {
		/* the object's frame: shared, or read-only until a write copies it */
		paddr_t pg;
		int e = memobj_frame(r->obj, r->pgoff + ((va - r->start) >> PAGE_SHIFT), &pg);
		if (e)
			return e;
		if (pmm_page_refcount(pg) >= VM_FRAME_REFS_MAX)
			return -ENOMEM;
		pmm_page_ref(pg);
		*pte = pte_remap(pg | PTE_P, r->prot);
		as->nr_pages++;
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
	int e = populate(as, r, PAGE_ALIGN_DOWN(addr), NULL, write);
	return e == -ENXIO ? e : e ? -EFAULT : 0;
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
		    !(*pte & PTE_SHARED) && !(r->prot & VM_SHARED))
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

long vm_map(struct aspace *as, const struct vm_map_req *rq)
{
	if (!rq->len)
		return -EINVAL;
	if (rq->len > USER_TOP)
		return -ENOMEM;
	size_t len = PAGE_ALIGN_UP(rq->len);
	struct vm_region t = {
		.prot = rq->prot, .maxprot = rq->maxprot, .obj = rq->obj, .pgoff = rq->pgoff,
	};
	long at;
	if (rq->place == VM_PLACE_HINT) {
		at = find_room(as, rq->addr, len);
		if (at < 0)
			return at;
	} else {
		at = (long)rq->addr;
		if ((rq->addr & ~PAGE_MASK) || rq->addr < PAGE_SIZE)
			return -EINVAL;
		if (!uaccess_range_ok(rq->addr, len))
			return -ENOMEM;
		if (!range_free(as, rq->addr, rq->addr + len)) {
			if (rq->place == VM_PLACE_NOREPLACE)
				return -EEXIST;
			int e = vm_unmap(as, rq->addr, len);
			if (e)
				return e;
			if (!range_free(as, rq->addr, rq->addr + len))
				return -ENOMEM; /* another thread mapped it meanwhile */
		}
	}
	t.start = (uaddr_t)at;
	t.end = (uaddr_t)at + len;
	int e = region_insert(as, &t);
	return e ? e : at;
}

#define ZAP_CHUNK (256 * PAGE_SIZE)

void vm_object_zap(struct memobj *o, uint64_t from, uint64_t to)
{
	uint32_t gen = ++o->zap_gen;
	if (!gen)
		gen = ++o->zap_gen; /* 0 means "never visited" */
restart:
	list_for_each(pos, &o->maps) {
		struct vm_region *r = list_entry(pos, struct vm_region, obj_link);
		uint64_t npages = (r->end - r->start) >> PAGE_SHIFT;
		if (r->pgoff + npages <= from || r->pgoff >= to)
			continue;
		uaddr_t s = r->start + (from > r->pgoff ? (from - r->pgoff) << PAGE_SHIFT : 0);
		uaddr_t end = r->pgoff + npages > to ? r->start + ((to - r->pgoff) << PAGE_SHIFT) : r->end;
		if (r->zap_gen == gen && r->zap_next > s)
			s = r->zap_next; /* resumed after a preemption (or split from one) */
		r->zap_gen = gen;
		while (s < end) {
			uaddr_t e = s + MIN(ZAP_CHUNK, end - s);
			unmap_range(r->as, s, e, false);
			r->zap_next = s = e;
			if (this_cpu()->need_resched) {
				/* r may be unmapped or split meanwhile: walk again */
				preempt_point();
				goto restart;
			}
		}
	}
}
