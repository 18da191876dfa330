/*
 * Kernel object allocator. Each object carries a 16-byte header naming its
 * size class; classes of 32..4096 bytes (header included) are carved from
 * single pages and kept on per-class free lists; anything bigger is a run of
 * whole pages from the buddy allocator. Pages of small classes are not given
 * back (the working set of kernel objects is bounded by process/thread
 * limits); kmem_in_use() counts live bytes so tests can detect leaks.
 */
#include <arch/cpu.h>
#include <kernel/printk.h>
#include <mm/kmem.h>
#include <mm/pmm.h>

#define KMEM_MAGIC 0x6b6d656d
#define NCLASSES 8 /* 32 << 0 .. 32 << 7 = 4096 */

struct kmem_hdr {
	uint32_t magic;
	uint16_t cls;   /* class index, or 0xffff for page runs */
	uint16_t order; /* page runs */
	uint64_t pad;
};

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *free_lists[NCLASSES];
static uint64_t in_use;

/* Carves a fresh page into class cls objects. Interrupts off. */
static void refill(unsigned cls, paddr_t p)
{
	size_t sz = 32u << cls;
	char *base = phys_to_virt(p);
	for (size_t off = 0; off + sz <= PAGE_SIZE; off += sz) {
		struct free_obj *o = (void *)(base + off);
		o->next = free_lists[cls];
		free_lists[cls] = o;
	}
}

void *kmalloc(size_t size)
{
	size_t need = size + sizeof(struct kmem_hdr);
	struct kmem_hdr *h;
	if (need <= PAGE_SIZE) {
		unsigned cls = 0;
		while ((32u << cls) < need)
			cls++;
		/* A new page is zeroed before interrupts go off (the zeroing is the
		 * long part), and given back if another path refilled meanwhile. */
		paddr_t fresh = free_lists[cls] ? 0 : pmm_alloc_page();
		irqflags_t f = irq_save();
		if (!free_lists[cls] && fresh) {
			refill(cls, fresh);
			fresh = 0;
		}
		h = (void *)free_lists[cls];
		if (h) {
			free_lists[cls] = free_lists[cls]->next;
			in_use += 32u << cls;
		}
		irq_restore(f);
		if (fresh)
			pmm_free_page(fresh);
		if (!h)
			return NULL;
		memset(h, 0, 32u << cls);
		h->cls = (uint16_t)cls;
	} else {
		unsigned order = 0;
		while ((PAGE_SIZE << order) < need)
			order++;
		if (order > 10)
			return NULL;
		paddr_t p = pmm_alloc_pages(order);
		if (!p)
			return NULL;
		h = phys_to_virt(p);
		h->cls = 0xffff;
		h->order = (uint16_t)order;
		irqflags_t f = irq_save();
		in_use += PAGE_SIZE << order;
		irq_restore(f);
	}
	h->magic = KMEM_MAGIC;
	return h + 1;
}

void *kzalloc(size_t size) { return kmalloc(size); }

void kfree(void *p)
{
	if (!p)
		return;
	struct kmem_hdr *h = (struct kmem_hdr *)p - 1;
	assert(h->magic == KMEM_MAGIC);
	h->magic = 0;
	irqflags_t f = irq_save();
	if (h->cls == 0xffff) {
		in_use -= PAGE_SIZE << h->order;
		irq_restore(f);
		pmm_free_pages(virt_to_phys(h), h->order);
		return;
	}
	unsigned cls = h->cls;
	assert(cls < NCLASSES);
	in_use -= 32u << cls;
	struct free_obj *o = (void *)h;
	o->next = free_lists[cls];
	free_lists[cls] = o;
	irq_restore(f);
}

uint64_t kmem_in_use(void) { return in_use; }
