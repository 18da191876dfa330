/*
 * x86_64 page tables. mmu_init() replaces the boot tables with the kernel's
 * final ones: the direct map of all RAM and the first 4 GiB (2 MiB pages,
 * no-execute) at DIRECT_MAP_BASE, and the kernel image at KERNEL_VIRT_BASE.
 * The kernel half (PML4 entries 256..511) is shared by every address space;
 * user address spaces get a fresh lower half.
 */
#include <arch/cpu.h>
#include <kernel/printk.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/sched.h>

paddr_t kernel_pml4;

/* Page-table pages for the direct map, before the page allocator exists. */
static uint8_t early_pool[64][PAGE_SIZE] __aligned(PAGE_SIZE);
static unsigned early_used;

static paddr_t early_table(void)
{
	if (early_used == ARRAY_SIZE(early_pool))
		panic("mmu: physical memory too large for the early page-table pool");
	void *p = early_pool[early_used++];
	memset(p, 0, PAGE_SIZE);
	return virt_to_phys(p);
}

static uint64_t *table(paddr_t p) { return phys_to_virt(p & PTE_ADDR); }

void mmu_init(uint64_t max_phys)
{
	uint64_t span = MAX(max_phys, 4ull << 30);
	span = ALIGN_UP(span, 1ull << 30);
	paddr_t pml4 = early_table();
	uint64_t *l4 = table(pml4);

	/* direct map */
	for (uint64_t gb = 0; gb < span >> 30; gb++) {
		unsigned i4 = 256 + (unsigned)(gb >> 9), i3 = gb & 511;
		if (!(l4[i4] & PTE_P))
			l4[i4] = early_table() | PTE_P | PTE_W;
		paddr_t pd = early_table();
		uint64_t *l2 = table(pd);
		for (unsigned i = 0; i < 512; i++)
			l2[i] = ((gb << 30) + ((uint64_t)i << 21)) | PTE_P | PTE_W | PTE_PS | PTE_NX;
		table(l4[i4])[i3] = pd | PTE_P | PTE_W;
	}
	/* kernel image: the first 1 GiB at -2 GiB */
	paddr_t pdpt = early_table(), pd = early_table();
	uint64_t *l2 = table(pd);
	for (unsigned i = 0; i < 512; i++)
		l2[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS;
	table(pdpt)[510] = pd | PTE_P | PTE_W;
	l4[511] = pdpt | PTE_P | PTE_W;

	kernel_pml4 = pml4;
	write_cr3(pml4);
}

paddr_t mmu_new_pml4(void)
{
	paddr_t p = pmm_alloc_page();
	if (!p)
		return 0;
	memcpy(table(p) + 256, table(kernel_pml4) + 256, 256 * sizeof(uint64_t));
	return p;
}

uint64_t *mmu_pte(paddr_t pml4, uaddr_t va, bool create)
{
	uint64_t *t = table(pml4);
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			paddr_t n = pmm_alloc_page();
			if (!n)
				return NULL;
			*e = n | PTE_P | PTE_W | PTE_U;
		}
		t = table(*e);
	}
	return &t[(va >> 12) & 511];
}

static void free_level(paddr_t tp, int level)
{
	uint64_t *t = table(tp);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & PTE_P) && !(level == 1 && (e & PTE_KEPT)))
			continue;
		if (level == 1) {
			if (!(e & PTE_SHARED))
				pmm_free_page(e & PTE_ADDR);
			if ((i & 63) == 63)
				preempt_point(); /* teardown length is the user's to choose */
		} else {
			free_level(e & PTE_ADDR, level - 1);
			pmm_free_page(e & PTE_ADDR);
		}
		t[i] = 0;
	}
	preempt_point();
}

void mmu_free_user(paddr_t pml4)
{
	uint64_t *l4 = table(pml4);
	for (unsigned i = 0; i < 256; i++) {
		if (!(l4[i] & PTE_P))
			continue;
		free_level(l4[i] & PTE_ADDR, 3);
		pmm_free_page(l4[i] & PTE_ADDR);
		l4[i] = 0;
	}
}
