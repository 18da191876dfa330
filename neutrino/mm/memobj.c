/*
 * Memory objects (mm/memobj.h): the per-process id table, the sparse page
 * table of an object (a radix tree of 512-entry pages whose depth grows
 * with the size; a one-page object keeps its frame in the root), resizing
 * and the last-reference teardown. Called by the MemobjCreate/Ctl/Map
 * kernel calls (kcall/ker_memobj.c), by the page-fault path of vm.c, by
 * posix/mem.c (mmap of a server's object) and at process death.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/memobj.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/sched.h>
#include <sys/memobj.h>

#define FANOUT_SHIFT 9
#define FANOUT (1u << FANOUT_SHIFT)
#define DEPTH_MAX 4 /* 512^4 pages > MEMOBJ_SIZE_MAX */

static uint64_t capacity(unsigned depth) { return 1ull << (FANOUT_SHIFT * depth); }

static uint64_t bytes_to_pages(uint64_t size) { return (size + PAGE_SIZE - 1) >> PAGE_SHIFT; }

/* The slot holding page idx's frame; with create, missing tables are
 * allocated (NULL when out of memory), else NULL when a table is missing. */
static paddr_t *slot(struct memobj *o, uint64_t idx, bool create)
{
	paddr_t *e = &o->root;
	for (unsigned lvl = o->depth; lvl > 0; lvl--) {
		if (!*e) {
			if (!create || !(*e = pmm_alloc_page()))
				return NULL;
		}
		paddr_t *t = phys_to_virt(*e);
		e = &t[(idx >> (FANOUT_SHIFT * (lvl - 1))) & (FANOUT - 1)];
	}
	return e;
}

/* Deepens the table until it can hold pages pages. -ENOMEM. */
static int grow_depth(struct memobj *o, uint64_t pages)
{
	while (capacity(o->depth) < pages) {
		if (o->depth == DEPTH_MAX)
			return -EFBIG;
		if (o->root) {
			paddr_t t = pmm_alloc_page();
			if (!t)
				return -ENOMEM;
			((paddr_t *)phys_to_virt(t))[0] = o->root;
			o->root = t;
		}
		o->depth++;
	}
	return 0;
}

/*
 * Frees the frames of pages >= from below the entry *e, which covers
 * capacity(lvl) pages starting at base, and the tables that end up
 * covering only such pages. Preemption points: concurrent faults only
 * touch pages below the object's (already reduced) size, never a table
 * freed here.
 */
static void free_from(paddr_t *e, unsigned lvl, uint64_t base, uint64_t from, unsigned *work)
{
	uint64_t span = capacity(lvl);
	if (!*e || base + span <= from)
		return;
	if (lvl > 0) {
		paddr_t *t = phys_to_virt(*e);
		uint64_t sub = span >> FANOUT_SHIFT;
		for (unsigned i = 0; i < FANOUT; i++)
			free_from(&t[i], lvl - 1, base + i * sub, from, work);
		if (base < from)
			return; /* still covers live pages */
	}
	pmm_free_page(*e);
	*e = 0;
	if ((++*work & 63) == 0)
		preempt_point();
}

static void zero_tail(struct memobj *o, uint64_t size)
{
	size_t off = size & ~PAGE_MASK;
	if (!off)
		return;
	paddr_t *e = slot(o, size >> PAGE_SHIFT, false);
	if (e && *e)
		memset((char *)phys_to_virt(*e) + off, 0, PAGE_SIZE - off);
}

void memobj_ref(struct memobj *o) { o->refs++; }

void memobj_put(struct memobj *o)
{
	assert(o->refs > 0);
	if (--o->refs)
		return;
	assert(list_empty(&o->maps));
	unsigned work = 0;
	free_from(&o->root, o->depth, 0, 0, &work);
	kfree(o);
}

int memobj_frame(struct memobj *o, uint64_t idx, paddr_t *out)
{
	if (idx >= memobj_pages(o))
		return -ENXIO;
	paddr_t *e = slot(o, idx, true);
	if (!e)
		return -ENOMEM;
	if (!*e && !(*e = pmm_alloc_page()))
		return -ENOMEM;
	*out = *e;
	return 0;
}

int memobj_set_size(struct memobj *o, uint64_t size)
{
	if (size > MEMOBJ_SIZE_MAX)
		return -EFBIG;
	if (o->busy)
		return -EBUSY;
	uint64_t newp = bytes_to_pages(size), oldp = memobj_pages(o);
	if (size >= o->size) {
		int e = grow_depth(o, newp);
		if (e)
			return e;
		zero_tail(o, o->size); /* what the mappings wrote beyond the old end */
		o->size = size;
		return 0;
	}
	o->size = size; /* from here on, faults beyond the end are SIGBUS */
	zero_tail(o, size);
	if (newp == oldp)
		return 0;
	o->busy = true;
	o->refs++;
	vm_object_zap(o, newp, oldp);
	unsigned work = 0;
	free_from(&o->root, o->depth, 0, newp, &work);
	o->busy = false;
	memobj_put(o);
	return 0;
}

/* ---- the owner's id table ---- */

static struct memobj_proc *table_of(struct process *p, bool create)
{
	if (!p->memobj && create)
		p->memobj = kzalloc(sizeof(*p->memobj));
	return p->memobj;
}

int memobj_create(struct process *p, uint64_t size)
{
	if (size > MEMOBJ_SIZE_MAX)
		return -EFBIG;
	struct memobj_proc *t = table_of(p, true);
	if (!t)
		return -ENOMEM;
	if (t->count >= MEMOBJ_PER_PROC)
		return -EMFILE;
	uint32_t i = 0;
	while (i < t->n && t->v[i])
		i++;
	if (i == t->n) {
		uint32_t n = t->n ? t->n * 2 : 16;
		struct memobj **v = kzalloc(n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (t->n)
			memcpy(v, t->v, t->n * sizeof(*v));
		kfree(t->v);
		t->v = v;
		t->n = n;
	}
	struct memobj *o = kzalloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->refs = 1;
	list_init(&o->maps);
	int e = grow_depth(o, bytes_to_pages(size));
	if (e) {
		memobj_put(o);
		return e;
	}
	o->size = size;
	t->v[i] = o;
	t->count++;
	return (int)i + 1;
}

struct memobj *memobj_get(struct process *owner, int id)
{
	struct memobj_proc *t = owner ? owner->memobj : NULL;
	if (!t || id < 1 || (uint32_t)id > t->n || !t->v[id - 1])
		return NULL;
	struct memobj *o = t->v[id - 1];
	o->refs++;
	return o;
}

int memobj_destroy(struct process *p, int id)
{
	struct memobj_proc *t = p->memobj;
	if (!t || id < 1 || (uint32_t)id > t->n || !t->v[id - 1])
		return -EINVAL;
	struct memobj *o = t->v[id - 1];
	t->v[id - 1] = NULL;
	t->count--;
	memobj_put(o);
	return 0;
}

void memobj_process_exit(struct process *p)
{
	struct memobj_proc *t = p->memobj;
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++) {
		struct memobj *o = t->v[i];
		if (o) {
			t->v[i] = NULL;
			memobj_put(o);
		}
	}
	p->memobj = NULL;
	kfree(t->v);
	kfree(t);
}
