/*
 * User address spaces: page tables plus a sorted list of regions, each with
 * its protection and how its pages are filled (demand-zero anonymous memory).
 * Page faults on user addresses are resolved here or refused (the caller
 * then kills the process or returns EFAULT).
 *
 * Layout: programs at 0x400000, brk above them, mmap top-down from
 * MMAP_TOP, the main stack below STACK_TOP. Called from thread context only.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>

#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8 /* MAP_SHARED: fork shares the pages writable instead of copy-on-write */

#define STACK_TOP 0x00007ffffffff000ull
#define STACK_SIZE (8ull << 20)
#define MMAP_TOP (STACK_TOP - STACK_SIZE - (1ull << 30))
#define MMAP_BOTTOM 0x0000000100000000ull
#define PIE_BASE 0x0000555555554000ull

struct memobj;
struct aspace;

/*
 * A region maps either anonymous memory (obj NULL: demand-zero pages) or a
 * memory object (mm/memobj.h) from page pgoff on: a fault maps the
 * object's frame (shared, or read-only until the first write copies it
 * when the region is private); pages at or beyond the object's end are
 * SIGBUS. maxprot bounds what mprotect may grant (a MAP_SHARED mapping of
 * a read-only fd has no VM_WRITE there).
 */
struct vm_region {
	struct list_node link;
	uaddr_t start, end; /* page aligned, [start, end) */
	uint32_t prot;      /* VM_* */
	uint32_t maxprot;   /* VM_READ | VM_WRITE | VM_EXEC that mprotect may grant */
	struct aspace *as;  /* [I] the address space it belongs to */
	struct memobj *obj; /* referenced; NULL: anonymous */
	uint64_t pgoff;     /* the object page at start */
	struct list_node obj_link; /* in obj->maps */
	uint32_t zap_gen;   /* vm_object_zap() progress: generation ... */
	uaddr_t zap_next;   /* ... and the first address not done yet */
};

/*
 * Copy-on-write: after aspace_fork() a private page is mapped read-only in
 * both address spaces with its frame's reference count raised; the first
 * write fault copies it (or, when the count is back to 1, just makes it
 * writable again). So in a private writable region a present PTE without
 * PTE_W means "copy on write"; VM_SHARED regions and PTE_SHARED pages are
 * never copied.
 */
struct aspace {
	paddr_t pml4;            /* [I] */
	struct list_node regions; /* sorted by start */
	uint64_t nr_pages;       /* resident user pages */
	unsigned refs;           /* [k] processes using it (vfork shares one) */
};

struct aspace *aspace_create(void);
/* Drops a reference; the last one frees every page and the tables. */
void aspace_destroy(struct aspace *as);
/* Takes a reference (vfork: the child runs in its parent's address space). */
void aspace_share(struct aspace *as);
/* A copy of src for fork: same regions; private pages shared copy-on-write,
 * VM_SHARED pages shared (populated first), PTE_SHARED pages mapped alike.
 * src must be the active address space (its write-protected pages are
 * flushed from the TLB). NULL when out of memory (src stays valid). Has
 * preemption points: other threads of src's process may run meanwhile. */
struct aspace *aspace_fork(struct aspace *src);
void aspace_activate(struct aspace *as); /* NULL: kernel-only tables */

#define VM_PROT_ALL (VM_READ | VM_WRITE | VM_EXEC)
/* A frame mapped this many times is not mapped once more (the fault or the
 * fork fails as out of memory): pmm's reference counts are 16 bits. */
#define VM_FRAME_REFS_MAX 0xff00u

/* How vm_map() places a mapping. */
enum vm_place {
	VM_PLACE_HINT,      /* addr is a hint: used if free, else top-down from MMAP_TOP */
	VM_PLACE_FIXED,     /* exactly at addr, replacing what is there (MAP_FIXED) */
	VM_PLACE_NOREPLACE, /* exactly at addr, -EEXIST if anything is there */
};

struct vm_map_req {
	uaddr_t addr;
	size_t len;          /* > 0; rounded up to pages */
	uint32_t prot;       /* VM_*, VM_SHARED included */
	uint32_t maxprot;    /* VM_PROT_ALL for anonymous memory */
	enum vm_place place;
	struct memobj *obj;  /* NULL: anonymous; else the region takes a reference */
	uint64_t pgoff;      /* object page at addr */
};

/* Maps per rq (mmap's rules: -EINVAL for a misaligned or null fixed
 * address, -ENOMEM when out of room or memory, -EEXIST). Returns the
 * address or -errno. */
long vm_map(struct aspace *as, const struct vm_map_req *rq);
/*
 * Removes the pages [from, to) of object o from every region mapping it
 * (the object shrank from to pages; later faults there are SIGBUS; no
 * mapping has pages beyond the old end). Preemption points: o's regions
 * may change meanwhile, every one is still done. The caller holds a
 * reference to o and keeps o's size from changing until it returns.
 */
void vm_object_zap(struct memobj *o, uint64_t from, uint64_t to);

/* Adds a region; fails with -EINVAL if it overlaps another or leaves user space. */
__must_check int vm_map_fixed(struct aspace *as, uaddr_t start, size_t len, uint32_t prot);
/* Finds room top-down below MMAP_TOP (or at hint if free) and maps it. */
__must_check long vm_map_anywhere(struct aspace *as, uaddr_t hint, size_t len, uint32_t prot);
/* Unmaps [start, start+len): regions are split, pages freed. */
int vm_unmap(struct aspace *as, uaddr_t start, size_t len);
/*
 * mremap: [old, old + old_len), which must lie in one region (else
 * -EFAULT), becomes new_len bytes: shrunk in place, grown in place when the
 * room after it is free, else moved (if may_move) to free room or to fixed
 * (0: anywhere; what was there is unmapped), its pages carried over.
 * Returns the new address, -ENOMEM, -EINVAL or -EFAULT.
 */
long vm_remap(struct aspace *as, uaddr_t old, size_t old_len, size_t new_len, uaddr_t fixed,
	      bool may_move);
/* mprotect: -ENOMEM if part of the range is unmapped, -EACCES if prot
 * exceeds a region's maxprot (nothing changed then). */
int vm_protect(struct aspace *as, uaddr_t start, size_t len, uint32_t prot);
/* Drops the pages of a range (anonymous memory reads back as zero, an
 * object's pages come back from the object); regions stay. */
int vm_discard(struct aspace *as, uaddr_t start, size_t len);
/* Resolves a fault at addr (write/exec as flags). 0; -EFAULT if nothing is mapped there
 * (or out of memory); -EACCES if mapped but the access is not allowed;
 * -ENXIO beyond the end of a mapped object (SIGBUS). */
int vm_fault(struct aspace *as, uaddr_t addr, bool write, bool exec);
/* Copies into another address space (populating pages), for building a new
 * process's stack and loading its segments. */
int vm_write_remote(struct aspace *as, uaddr_t dst, const void *src, size_t n);
struct vm_region *vm_find(struct aspace *as, uaddr_t addr);
/* A region like tmpl (bounds, protections, object and page offset, zap
 * progress) for as, not yet on as's list; on obj's list with a reference
 * of its own. NULL when out of memory. */
struct vm_region *vm_region_new(struct aspace *as, const struct vm_region *tmpl);
/* Maps physical pages read-only into a new region (the boot image for ImageMap). */
long vm_map_phys_ro(struct aspace *as, paddr_t phys, size_t len);

/* ---- page tables (arch/x86_64/mmu.c) ---- */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_SHARED (1ull << 9) /* software: page not owned by the region (boot image) */
/* software, on a not-present PTE: the frame at PTE_ADDR is still the page's
 * (kept while its region is PROT_NONE, made present again by mprotect) */
#define PTE_KEPT (1ull << 10)

void mmu_init(uint64_t max_phys);
paddr_t mmu_new_pml4(void);
/* The PTE for va, allocating intermediate tables if create; NULL if absent or no memory. */
uint64_t *mmu_pte(paddr_t pml4, uaddr_t va, bool create);
/* Frees every user page and page table below USER_TOP, with preemption points. */
void mmu_free_user(paddr_t pml4);
extern paddr_t kernel_pml4;
