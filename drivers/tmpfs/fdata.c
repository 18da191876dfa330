/*
 * A regular file's data in fs-tmp: a sparse radix tree of 4 KiB pages
 * from the page pool. The root covers 512^height pages (height 0: the
 * root is the data page of page 0); interior nodes are pages of 512
 * pointers; the tree grows in height as the file does. Missing pages are
 * holes and read as zeros. Reads and writes are described as iov parts
 * pointing straight into the pages, so the message calls copy the data
 * between the client and the file once. Called by io.c.
 */
#include <errno.h>
#include <string.h>

#include "tmpfs.h"

#define SHIFT 9u
#define FANOUT (1u << SHIFT)

static const char zero_page[TMPFS_PAGE] __attribute__((aligned(TMPFS_PAGE)));

/* Pages under a root of height h. */
static uint64_t cover(unsigned h)
{
	return 1ull << (SHIFT * h);
}

static unsigned slot_index(uint64_t pg, unsigned h)
{
	return (unsigned)(pg >> (SHIFT * (h - 1))) & (FANOUT - 1);
}

static char *page_get(const struct tfile *f, uint64_t pg)
{
	if (!f->root || pg >= cover(f->height))
		return NULL;
	void *n = f->root;
	for (unsigned h = f->height; h > 0 && n; h--)
		n = ((void **)n)[slot_index(pg, h)];
	return n;
}

/* The page pg, allocated (and the path to it) when missing; NULL when the
 * pool is exhausted. */
static char *page_make(struct tfile *f, uint64_t pg)
{
	while (pg >= cover(f->height)) {
		if (f->root) {
			void **top = page_alloc();
			if (!top)
				return NULL;
			top[0] = f->root;
			f->root = top;
		}
		f->height++;
	}
	void **where = &f->root;
	for (unsigned h = f->height;; h--) {
		if (!*where) {
			*where = page_alloc();
			if (!*where)
				return NULL;
			if (h == 0)
				f->pages++;
		}
		if (h == 0)
			return *where;
		where = &((void **)*where)[slot_index(pg, h)];
	}
}

static int fdata_iov(struct tfile *f, uint64_t off, size_t n, iov_t *iov, int max,
		     size_t *covered, bool make)
{
	int parts = 0;
	size_t done = 0;
	while (done < n && parts < max) {
		uint64_t pos = off + done;
		size_t in = (size_t)(pos % TMPFS_PAGE);
		size_t k = TMPFS_PAGE - in < n - done ? TMPFS_PAGE - in : n - done;
		char *page = make ? page_make(f, pos / TMPFS_PAGE) : page_get(f, pos / TMPFS_PAGE);
		if (!page) {
			if (make)
				break;
			page = (char *)zero_page;
		}
		SETIOV(&iov[parts], page + in, k); /* SETIOV evaluates its first argument twice */
		parts++;
		done += k;
	}
	*covered = done;
	return parts;
}

int fdata_iov_read(struct tfile *f, uint64_t off, size_t n, iov_t *iov, int max, size_t *covered)
{
	return fdata_iov(f, off, n, iov, max, covered, false);
}

int fdata_iov_write(struct tfile *f, uint64_t off, size_t n, iov_t *iov, int max, size_t *covered)
{
	return fdata_iov(f, off, n, iov, max, covered, true);
}

static void free_subtree(struct tfile *f, void *n, unsigned h)
{
	if (h > 0) {
		void **node = n;
		for (unsigned i = 0; i < FANOUT; i++)
			if (node[i])
				free_subtree(f, node[i], h - 1);
	} else {
		f->pages--;
	}
	page_free(n);
}

/* Frees the pages in [from, to) under *slot, which covers pages from
 * base at height h; interior nodes left empty go too. */
static void free_range(struct tfile *f, void **slot, unsigned h, uint64_t base, uint64_t from,
		       uint64_t to)
{
	if (!*slot)
		return;
	if (from <= base && to >= base + cover(h)) {
		free_subtree(f, *slot, h);
		*slot = NULL;
		return;
	}
	if (h == 0)
		return; /* a page is either wholly in the range or not at all */
	void **node = *slot;
	uint64_t child = cover(h - 1);
	bool empty = true;
	for (unsigned i = 0; i < FANOUT; i++) {
		uint64_t cb = base + i * child;
		if (node[i] && cb < to && cb + child > from)
			free_range(f, &node[i], h - 1, cb, from, to);
		empty &= !node[i];
	}
	if (empty) {
		page_free(node);
		*slot = NULL;
	}
}

/* Zeroes [from, to) inside page pg (when it exists). */
static void zero_part(struct tfile *f, uint64_t pg, size_t from, size_t to)
{
	char *page = page_get(f, pg);
	if (page && to > from)
		memset(page + from, 0, to - from);
}

void fdata_punch(struct tfile *f, uint64_t off, uint64_t end)
{
	if (!f->root || end <= off)
		return;
	uint64_t first = (off + TMPFS_PAGE - 1) / TMPFS_PAGE;   /* first whole page */
	uint64_t stop = end == UINT64_MAX ? UINT64_MAX : end / TMPFS_PAGE; /* past the last */
	if (off % TMPFS_PAGE) {
		uint64_t pg = off / TMPFS_PAGE;
		uint64_t page_end = (pg + 1) * TMPFS_PAGE;
		size_t to = end < page_end ? (size_t)(end % TMPFS_PAGE) : TMPFS_PAGE;
		zero_part(f, pg, (size_t)(off % TMPFS_PAGE), to);
	}
	if (end != UINT64_MAX && end % TMPFS_PAGE && end / TMPFS_PAGE >= first)
		zero_part(f, end / TMPFS_PAGE, 0, (size_t)(end % TMPFS_PAGE));
	if (stop > first)
		free_range(f, &f->root, f->height, 0, first, stop);
	if (!f->root)
		f->height = 0;
}

int fdata_reserve(struct tfile *f, uint64_t off, uint64_t end)
{
	for (uint64_t pg = off / TMPFS_PAGE; pg * TMPFS_PAGE < end; pg++)
		if (!page_make(f, pg))
			return ENOSPC;
	return EOK;
}

void fdata_free(struct tfile *f)
{
	if (f->root)
		free_subtree(f, f->root, f->height);
	f->root = NULL;
	f->height = 0;
}
