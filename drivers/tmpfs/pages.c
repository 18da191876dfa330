/*
 * fs-tmp's page pool: every page of file data and of the files' radix
 * trees comes from here. Pages are carved from 2 MiB arenas (anonymous
 * mmap, aligned so that a page finds its arena by address). A freed page
 * is marked dirty; dirty pages are given back to the kernel in batches
 * (madvise MADV_DONTNEED: the next touch maps a fresh zero page), and an
 * arena whose pages are all free is unmapped at once. So page_alloc()
 * always returns zeros and deleted files give their memory back to the
 * system. The limit (-s, default half the machine's memory) bounds the
 * pages in use; a new arena is also refused when the machine is short of
 * memory, so that touching the pool never meets an empty page allocator.
 * Called by fdata.c.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sys/neutrino.h>

#include "tmpfs.h"

#define ARENA_PAGES 512u
#define ARENA_SIZE ((size_t)ARENA_PAGES * TMPFS_PAGE)
#define WORDS (ARENA_PAGES / 64)
#define RESERVE_PAGES 2048u   /* leave 8 MiB of the machine to everyone else */
#define DISCARD_BATCH 256u    /* dirty pages kept before giving them back */
#define HASH_BUCKETS 64u

struct arena {
	struct arena *prev, *next; /* arenas with free pages */
	struct arena *hnext;       /* all arenas, hashed by base */
	char *base;
	unsigned used;
	bool avail;
	uint64_t busy[WORDS];  /* handed out */
	uint64_t dirty[WORDS]; /* free, not yet given back: may hold old data */
};

static struct arena *avail;
static struct arena *hash[HASH_BUCKETS];
static uint64_t used_pages, limit, ndirty;

static unsigned bucket(const void *base)
{
	return (unsigned)(((uintptr_t)base / ARENA_SIZE) % HASH_BUCKETS);
}

void pages_init(uint64_t limit_pages)
{
	if (!limit_pages) {
		struct _sys_meminfo mi;
		limit_pages = SysMemInfo(&mi) == 0 ? mi.total_pages / 2 : 16384;
	}
	limit = limit_pages;
}

uint64_t pages_used(void)
{
	return used_pages;
}

uint64_t pages_limit(void)
{
	return limit;
}

static void avail_add(struct arena *a)
{
	a->prev = NULL;
	a->next = avail;
	if (avail)
		avail->prev = a;
	avail = a;
	a->avail = true;
}

static void avail_del(struct arena *a)
{
	if (a->prev)
		a->prev->next = a->next;
	else
		avail = a->next;
	if (a->next)
		a->next->prev = a->prev;
	a->avail = false;
}

static struct arena *arena_new(void)
{
	struct _sys_meminfo mi;
	if (SysMemInfo(&mi) != 0 || mi.free_pages < RESERVE_PAGES + ARENA_PAGES)
		return NULL;
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	/* twice the size, then trim to an aligned arena */
	char *m = mmap(NULL, 2 * ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (m == MAP_FAILED) {
		free(a);
		return NULL;
	}
	char *base = (char *)(((uintptr_t)m + ARENA_SIZE - 1) & ~(uintptr_t)(ARENA_SIZE - 1));
	if (base > m)
		munmap(m, (size_t)(base - m));
	if (base + ARENA_SIZE < m + 2 * ARENA_SIZE)
		munmap(base + ARENA_SIZE, (size_t)(m + 2 * ARENA_SIZE - (base + ARENA_SIZE)));
	a->base = base;
	struct arena **b = &hash[bucket(base)];
	a->hnext = *b;
	*b = a;
	avail_add(a);
	return a;
}

static void arena_destroy(struct arena *a)
{
	for (struct arena **b = &hash[bucket(a->base)]; *b; b = &(*b)->hnext) {
		if (*b == a) {
			*b = a->hnext;
			break;
		}
	}
	if (a->avail)
		avail_del(a);
	for (unsigned w = 0; w < WORDS; w++)
		ndirty -= (uint64_t)__builtin_popcountll(a->dirty[w]);
	munmap(a->base, ARENA_SIZE);
	free(a);
}

void *page_alloc(void)
{
	if (used_pages >= limit)
		return NULL;
	struct arena *a = avail ? avail : arena_new();
	if (!a)
		return NULL;
	unsigned w = 0;
	while (a->busy[w] == ~0ull)
		w++;
	unsigned bit = (unsigned)__builtin_ctzll(~a->busy[w]);
	uint64_t mask = 1ull << bit;
	char *page = a->base + (size_t)(w * 64 + bit) * TMPFS_PAGE;
	a->busy[w] |= mask;
	if (a->dirty[w] & mask) {
		memset(page, 0, TMPFS_PAGE);
		a->dirty[w] &= ~mask;
		ndirty--;
	}
	if (++a->used == ARENA_PAGES)
		avail_del(a);
	used_pages++;
	return page;
}

/* Gives every dirty page back to the kernel, one madvise per run. */
static void discard_dirty(void)
{
	for (unsigned k = 0; k < HASH_BUCKETS; k++) {
		for (struct arena *a = hash[k]; a; a = a->hnext) {
			unsigned i = 0;
			while (i < ARENA_PAGES) {
				if (i % 64 == 0 && !a->dirty[i / 64]) {
					i += 64;
					continue;
				}
				if (!(a->dirty[i / 64] >> (i % 64) & 1)) {
					i++;
					continue;
				}
				unsigned j = i;
				while (j < ARENA_PAGES && (a->dirty[j / 64] >> (j % 64) & 1)) {
					a->dirty[j / 64] &= ~(1ull << (j % 64));
					j++;
				}
				madvise(a->base + (size_t)i * TMPFS_PAGE, (size_t)(j - i) * TMPFS_PAGE,
					MADV_DONTNEED);
				i = j;
			}
		}
	}
	ndirty = 0;
}

void page_free(void *page)
{
	if (!page)
		return;
	char *base = (char *)((uintptr_t)page & ~(uintptr_t)(ARENA_SIZE - 1));
	struct arena *a = hash[bucket(base)];
	while (a && a->base != base)
		a = a->hnext;
	if (!a)
		abort(); /* not a pool page: a bug in fs-tmp */
	unsigned i = (unsigned)(((char *)page - base) / TMPFS_PAGE);
	uint64_t mask = 1ull << (i % 64);
	if (!(a->busy[i / 64] & mask))
		abort(); /* freed twice */
	a->busy[i / 64] &= ~mask;
	used_pages--;
	if (--a->used == 0) {
		arena_destroy(a);
		return;
	}
	a->dirty[i / 64] |= mask;
	if (!a->avail)
		avail_add(a);
	if (++ndirty >= DISCARD_BATCH)
		discard_dirty();
}
