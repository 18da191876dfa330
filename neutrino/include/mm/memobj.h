/*
 * Memory objects (public interface: sys/memobj.h): a size in bytes and a
 * sparse table of page frames, filled with zero pages on first use. The
 * object holds one frame reference for each page it has; every page-table
 * entry mapping the page holds another, so a frame outlives its object for
 * as long as some mapping still has it.
 *
 * References: the owner's id table holds one, every vm_region mapping the
 * object one, and an operation in progress (a resize) one; the last put
 * frees the frames and the table. Objects are found through their owner's
 * table (struct memobj_proc, per process): posix/mem.c maps the object a
 * server names in its _IO_MMAP reply only if that server owns it.
 *
 * Lock legend: [k] thread context only (one CPU, non-preemptible kernel);
 * the functions that free or zap many pages have preemption points, and
 * say so.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>

struct process;

struct memobj {
	uint32_t refs;         /* [k] */
	uint32_t zap_gen;      /* [k] generation of the current zap (vm.c) */
	uint64_t size;         /* [k] bytes */
	unsigned depth;        /* [k] levels of the page table: capacity 512^depth pages */
	paddr_t root;          /* [k] depth 0: the only frame; else the top table page */
	struct list_node maps; /* [k] vm_region.obj_link of every region mapping it */
	bool busy;             /* [k] a resize is running (it has preemption points) */
};

/* The owner's table of ids (struct process.memobj). */
struct memobj_proc {
	struct memobj **v; /* [k] id = index + 1 */
	uint32_t n;        /* [k] slots in v */
	uint32_t count;    /* [k] slots in use */
};

static inline uint64_t memobj_pages(const struct memobj *o)
{
	return (o->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* A new object of size bytes owned by p. Returns its id, -EFBIG, -ENOMEM,
 * -EMFILE. */
int memobj_create(struct process *p, uint64_t size);
/* The object id of owner, with a reference taken; NULL if there is none. */
struct memobj *memobj_get(struct process *owner, int id);
void memobj_ref(struct memobj *o);
/* Drops a reference; the last one frees everything (preemption points). */
void memobj_put(struct memobj *o);
/* Resizes (see MEMOBJ_CTL_SETSIZE). Has preemption points. 0, -EFBIG,
 * -ENOMEM, -EBUSY. */
int memobj_set_size(struct memobj *o, uint64_t size);
/* Drops the owner's reference to id. 0 or -EINVAL. */
int memobj_destroy(struct process *p, int id);
/* The process ends: every object it owns loses its owner reference. */
void memobj_process_exit(struct process *p);
/*
 * The frame of page idx, allocated (zeroed) on first use; the caller takes
 * its own reference if it keeps it. -ENXIO at or beyond the end of the
 * object (the access is SIGBUS), -ENOMEM. Never preempts.
 */
int memobj_frame(struct memobj *o, uint64_t idx, paddr_t *out);
