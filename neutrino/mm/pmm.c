/*
 * The physical page allocator: a binary buddy allocator (orders 0..10) over
 * the usable RAM of the multiboot2 memory map, with a reference count per
 * page frame. Free blocks are linked through their own memory (direct map).
 * Interrupts are disabled around list manipulation, so any context except
 * NMI may call it. Freed and allocated pages are returned zeroed.
 */
#include <arch/cpu.h>
#include <kernel/multiboot2.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

#define MAX_ORDER 10

struct fblock {
	struct fblock *next, *prev;
};

static struct fblock free_list[MAX_ORDER + 1]; /* circular heads */
static uint8_t *head_order;  /* per frame: order+1 if it heads a free block */
static uint16_t *refcount;   /* per frame */
static uint64_t max_pfn;
static uint64_t total_pages, free_pages;

extern char _kernel_phys_start[], _kernel_phys_end[];

static void fl_push(unsigned order, uint64_t pfn)
{
	struct fblock *b = phys_to_virt(pfn << PAGE_SHIFT), *h = &free_list[order];
	b->next = h->next;
	b->prev = h;
	h->next->prev = b;
	h->next = b;
	head_order[pfn] = order + 1;
}

static void fl_remove(unsigned order, uint64_t pfn)
{
	struct fblock *b = phys_to_virt(pfn << PAGE_SHIFT);
	b->prev->next = b->next;
	b->next->prev = b->prev;
	head_order[pfn] = 0;
}

static void free_block(uint64_t pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ull << order);
		if (buddy >= max_pfn || head_order[buddy] != order + 1)
			break;
		fl_remove(order, buddy);
		pfn &= ~(1ull << order);
		order++;
	}
	fl_push(order, pfn);
}

static bool reserved(paddr_t a, paddr_t reserve_lo, paddr_t reserve_hi)
{
	paddr_t kstart = (paddr_t)_kernel_phys_start, kend = (paddr_t)_kernel_phys_end;
	if (a < 0x100000)
		return true;
	if (a >= kstart && a < kend)
		return true;
	if (a >= PAGE_ALIGN_DOWN(boot_info.info_phys) && a < boot_info.info_end)
		return true;
	if (a >= PAGE_ALIGN_DOWN(boot_info.module_start) && a < boot_info.module_end)
		return true;
	return a >= reserve_lo && a < reserve_hi;
}

void pmm_init(uint64_t unused)
{
	for (unsigned i = 0; i <= MAX_ORDER; i++)
		free_list[i].next = free_list[i].prev = &free_list[i];
	for (unsigned i = 0; i < boot_info.n_mmap; i++) {
		struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type == 1 && (m->base + m->len) >> PAGE_SHIFT > max_pfn)
			max_pfn = (m->base + m->len) >> PAGE_SHIFT;
	}
	/* Place the per-frame arrays in the first usable range that holds them. */
	size_t meta = PAGE_ALIGN_UP(max_pfn * 3);
	paddr_t meta_at = 0;
	for (unsigned i = 0; i < boot_info.n_mmap && !meta_at; i++) {
		struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != 1)
			continue;
		for (paddr_t a = PAGE_ALIGN_UP(m->base); a + meta <= m->base + m->len; a += PAGE_SIZE) {
			bool ok = true;
			for (paddr_t b = a; b < a + meta && ok; b += PAGE_SIZE)
				ok = !reserved(b, 0, 0);
			if (ok) {
				meta_at = a;
				break;
			}
		}
	}
	if (!meta_at)
		panic("pmm: no room for the page frame table (%lu frames)", max_pfn);
	refcount = phys_to_virt(meta_at);
	head_order = (uint8_t *)(refcount + max_pfn);
	memset(refcount, 0, meta);

	for (unsigned i = 0; i < boot_info.n_mmap; i++) {
		struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != 1)
			continue;
		for (paddr_t a = PAGE_ALIGN_UP(m->base); a + PAGE_SIZE <= m->base + m->len; a += PAGE_SIZE) {
			if (reserved(a, meta_at, meta_at + meta))
				continue;
			total_pages++;
			free_pages++;
			free_block(a >> PAGE_SHIFT, 0);
		}
	}
	printk("pmm: %lu MiB usable, %lu pages free\n", total_pages >> 8, free_pages);
}

paddr_t pmm_alloc_pages(unsigned order)
{
	irqflags_t f = irq_save();
	unsigned o = order;
	while (o <= MAX_ORDER && free_list[o].next == &free_list[o])
		o++;
	if (o > MAX_ORDER) {
		irq_restore(f);
		return 0;
	}
	uint64_t pfn = virt_to_phys(free_list[o].next) >> PAGE_SHIFT;
	fl_remove(o, pfn);
	while (o > order) {
		o--;
		fl_push(o, pfn + (1ull << o));
	}
	for (uint64_t i = 0; i < (1ull << order); i++)
		refcount[pfn + i] = 1;
	free_pages -= 1ull << order;
	irq_restore(f);
	memset(phys_to_virt(pfn << PAGE_SHIFT), 0, PAGE_SIZE << order);
	return pfn << PAGE_SHIFT;
}

paddr_t pmm_alloc_page(void) { return pmm_alloc_pages(0); }

void pmm_free_pages(paddr_t p, unsigned order)
{
	uint64_t pfn = p >> PAGE_SHIFT;
	assert(pfn < max_pfn && (pfn & ((1ull << order) - 1)) == 0);
	irqflags_t f = irq_save();
	for (uint64_t i = 0; i < (1ull << order); i++) {
		assert(refcount[pfn + i] == 1);
		refcount[pfn + i] = 0;
	}
	free_pages += 1ull << order;
	free_block(pfn, order);
	irq_restore(f);
}

void pmm_free_page(paddr_t p)
{
	uint64_t pfn = p >> PAGE_SHIFT;
	assert(pfn < max_pfn && refcount[pfn] > 0);
	irqflags_t f = irq_save();
	if (--refcount[pfn] == 0) {
		free_pages++;
		free_block(pfn, 0);
	}
	irq_restore(f);
}

void pmm_page_ref(paddr_t p)
{
	uint64_t pfn = p >> PAGE_SHIFT;
	assert(pfn < max_pfn && refcount[pfn] > 0 && refcount[pfn] < 0xffff);
	irqflags_t f = irq_save();
	refcount[pfn]++;
	irq_restore(f);
}

unsigned pmm_page_refcount(paddr_t p) { return refcount[p >> PAGE_SHIFT]; }

void pmm_get_stats(struct pmm_stats *s)
{
	s->total_pages = total_pages;
	s->free_pages = free_pages;
}
