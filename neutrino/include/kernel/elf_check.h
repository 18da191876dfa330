/*
 * Validation of an ELF64 x86_64 executable held in memory, and the load plan
 * the loader follows. The image is treated as hostile: every offset, size and
 * address is checked for overflow and range before it is used, and headers
 * are copied out, so the image needs no particular alignment. Pure: no
 * locking, no allocation, no output; callers are the boot-time loader of
 * procnto and later exec for files from any file system.
 *
 * Accepted: static executables (ET_EXEC) and static PIEs (ET_DYN without
 * PT_INTERP). A PT_INTERP (dynamic executable) is refused with -ENOEXEC.
 */
#pragma once
#include <kernel/types.h>

#define ELF_MAX_SEGS 16          /* PT_LOAD segments a plan can hold */
#define ELF_MAX_PHNUM 256        /* program headers accepted */
#define ELF_USER_LIMIT 0x0000800000000000ull /* first non-user address */

/* Segment protections (values of Linux PROT_*). */
#define ELF_PROT_READ 1
#define ELF_PROT_WRITE 2
#define ELF_PROT_EXEC 4

struct elf_seg {
	uint64_t vaddr, memsz;   /* [vaddr, vaddr+memsz) in memory */
	uint64_t offset, filesz; /* [offset, offset+filesz) of the image; the
	                            rest of memsz is zero-filled */
	uint32_t prot;           /* ELF_PROT_* */
};

/*
 * All addresses are unbiased (as in the file); for a PIE the loader adds the
 * bias it picks (see elf_plan_bias_ok). Guarantees on success:
 * - 1 <= nseg <= ELF_MAX_SEGS; segments are sorted by vaddr and occupy
 *   disjoint pages; filesz <= memsz; each file range lies inside the image;
 *   vaddr == offset modulo PAGE_SIZE and modulo the segment's own p_align
 *   (so a bias that is a multiple of align keeps every segment aligned);
 * - lo..hi is the page-aligned span of all segments, hi <= ELF_USER_LIMIT;
 *   for ET_EXEC lo >= PAGE_SIZE (page 0 is never mapped);
 * - entry lies inside an executable segment;
 * - if phdr_mapped, phdr_vaddr is where the program headers are in memory
 *   (for AT_PHDR); otherwise no segment maps them and the loader must not
 *   pass AT_PHDR.
 */
struct elf_load_plan {
	uint64_t entry;
	uint64_t lo, hi;
	uint64_t align;          /* largest PT_LOAD p_align, at least PAGE_SIZE */
	uint64_t phdr_vaddr;     /* valid when phdr_mapped */
	bool phdr_mapped;
	uint16_t phnum, phentsize;
	bool pie;                /* ET_DYN: needs a load bias */
	uint32_t stack_prot;     /* from PT_GNU_STACK; READ|WRITE without it */
	int err_phdr;            /* on failure: offending program header, or -1 */
	unsigned nseg;
	struct elf_seg seg[ELF_MAX_SEGS];
};

/*
 * Check the image [image, image+size) and fill *plan. Returns 0, -EINVAL for
 * a NULL image or plan, or -ENOEXEC for anything wrong with the file. If why
 * is not NULL it receives a short static reason on failure (e.g. "segment
 * outside file", with plan->err_phdr saying which header) and NULL on success.
 * On failure the other fields of *plan are meaningless.
 */
int elf_check(const void *image, size_t size, struct elf_load_plan *plan,
	      const char **why) __must_check;

/* Whether the load bias is usable for plan: 0 for ET_EXEC; for a PIE a
 * multiple of plan->align that keeps [lo, hi) inside user space above page 0. */
bool elf_plan_bias_ok(const struct elf_load_plan *plan, uint64_t bias);
