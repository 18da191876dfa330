/*
 * Physical memory: the direct map and the page allocator.
 *
 * All of physical memory (and the first 4 GiB, so that MMIO such as the LAPIC,
 * IOAPIC and HPET is reachable) is mapped at DIRECT_MAP_BASE with 2 MiB pages,
 * read-write, kernel only. phys_to_virt() is valid for any such address.
 *
 * Pages are counted: each has a reference count (for copy-on-write sharing);
 * pmm_free_page() drops a reference and frees the page when it reaches zero.
 * All functions may be called with interrupts on or off.
 */
#pragma once
#include <kernel/types.h>

#define DIRECT_MAP_BASE 0xFFFF800000000000ull
#define KERNEL_VIRT_BASE 0xFFFFFFFF80000000ull

static inline void *phys_to_virt(paddr_t p) { return (void *)(p + DIRECT_MAP_BASE); }
static inline paddr_t virt_to_phys(const void *v)
{
	uint64_t a = (uint64_t)v;
	return a >= KERNEL_VIRT_BASE ? a - KERNEL_VIRT_BASE : a - DIRECT_MAP_BASE;
}

void pmm_init(uint64_t mb2_info_phys);
/* A zeroed page, or 0 when memory is exhausted. Reference count 1. */
paddr_t pmm_alloc_page(void);
/* 2^order physically contiguous zeroed pages, or 0. */
paddr_t pmm_alloc_pages(unsigned order);
void pmm_free_pages(paddr_t p, unsigned order);
void pmm_free_page(paddr_t p);
void pmm_page_ref(paddr_t p);
unsigned pmm_page_refcount(paddr_t p);

struct pmm_stats {
	uint64_t total_pages;
	uint64_t free_pages;
};
void pmm_get_stats(struct pmm_stats *s);
