/*
 * ELF64 executable validation: turns an untrusted image into a load plan
 * (see <kernel/elf_check.h>). Called by the executable loader before it maps
 * anything. Pure: compiles unchanged for the host unit tests.
 */
#include <kernel/elf.h>
#include <kernel/elf_check.h>
#include <kernel/errno.h>

#define PHDR_SIZE sizeof(Elf64_Phdr)

static int elf_fail(struct elf_load_plan *plan, const char **why, int phdr,
		    const char *msg)
{
	plan->err_phdr = phdr;
	if (why)
		*why = msg;
	return -ENOEXEC;
}

static uint32_t elf_prot(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? ELF_PROT_READ : 0) |
	       ((p_flags & PF_W) ? ELF_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? ELF_PROT_EXEC : 0);
}

/* Checks the ELF header alone; NULL when it is acceptable. */
static const char *elf_check_ehdr(const Elf64_Ehdr *eh, size_t size)
{
	const unsigned char *id = eh->e_ident;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 ||
	    id[EI_MAG2] != ELFMAG2 || id[EI_MAG3] != ELFMAG3)
		return "bad magic";
	if (id[EI_CLASS] != ELFCLASS64)
		return "not a 64-bit ELF file";
	if (id[EI_DATA] != ELFDATA2LSB)
		return "not little-endian";
	if (id[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "bad ELF version";
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
		return "unsupported OS ABI";
	if (eh->e_machine != EM_X86_64)
		return "not an x86_64 file";
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return "not an executable";
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return "bad ELF header size";
	if (eh->e_phentsize != PHDR_SIZE)
		return "bad program header size";
	if (eh->e_phnum == 0)
		return "no program headers";
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return "too many program headers";
	if (eh->e_phoff < sizeof(Elf64_Ehdr))
		return "program headers overlap the ELF header";
	if (eh->e_phoff > size ||
	    size - eh->e_phoff < (uint64_t)eh->e_phnum * PHDR_SIZE)
		return "program headers outside file";
	return NULL;
}

/* Checks one non-empty PT_LOAD against the image and the segments before
 * it, then appends it to the plan; NULL when it is acceptable. */
static const char *elf_add_load(struct elf_load_plan *plan,
				const Elf64_Phdr *ph, size_t size)
{
	const struct elf_seg *prev = plan->nseg ? &plan->seg[plan->nseg - 1] : NULL;
	struct elf_seg *s;

	if (ph->p_filesz > ph->p_memsz)
		return "segment file size exceeds memory size";
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return "segment outside file";
	if (ph->p_vaddr >= ELF_USER_LIMIT ||
	    ph->p_memsz > ELF_USER_LIMIT - ph->p_vaddr)
		return "segment outside user address space";
	if (ph->p_align & (ph->p_align - 1))
		return "segment alignment not a power of two";
	if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE)
		return "segment address and offset differ modulo the page size";
	if (ph->p_align > PAGE_SIZE && ((ph->p_vaddr - ph->p_offset) & (ph->p_align - 1)))
		return "segment address and offset differ modulo p_align";
	if (prev && ph->p_vaddr < prev->vaddr)
		return "segments not sorted by address";
	if (prev && PAGE_ALIGN_DOWN(ph->p_vaddr) < PAGE_ALIGN_UP(prev->vaddr + prev->memsz))
		return "segments overlap";
	if (plan->nseg == ELF_MAX_SEGS)
		return "too many loadable segments";

	s = &plan->seg[plan->nseg++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->prot = elf_prot(ph->p_flags);
	if (ph->p_align > plan->align)
		plan->align = ph->p_align;
	return NULL;
}

/* Whether a segment maps file bytes [off, off+len); if so, *vaddr is where. */
static bool elf_file_to_vaddr(const struct elf_load_plan *plan, uint64_t off,
			      uint64_t len, uint64_t *vaddr)
{
	for (unsigned i = 0; i < plan->nseg; i++) {
		const struct elf_seg *s = &plan->seg[i];

		if (off >= s->offset && off - s->offset <= s->filesz &&
		    len <= s->filesz - (off - s->offset)) {
			*vaddr = s->vaddr + (off - s->offset);
			return true;
		}
	}
	return false;
}

int elf_check(const void *image, size_t size, struct elf_load_plan *plan,
	      const char **why)
{
	const unsigned char *img = image;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	const char *msg;
	bool have_pt_phdr = false;
	uint64_t pt_phdr_vaddr = 0;
	unsigned i;

	if (why)
		*why = plan ? NULL : "no plan";
	if (!plan)
		return -EINVAL;
	memset(plan, 0, sizeof(*plan));
	plan->err_phdr = -1;
	if (!image) {
		if (why)
			*why = "no image";
		return -EINVAL;
	}
	if (size < sizeof(eh))
		return elf_fail(plan, why, -1, "file shorter than the ELF header");
	memcpy(&eh, img, sizeof(eh));
	msg = elf_check_ehdr(&eh, size);
	if (msg)
		return elf_fail(plan, why, -1, msg);

	plan->entry = eh.e_entry;
	plan->pie = eh.e_type == ET_DYN;
	plan->phnum = eh.e_phnum;
	plan->phentsize = eh.e_phentsize;
	plan->stack_prot = ELF_PROT_READ | ELF_PROT_WRITE;
	plan->align = PAGE_SIZE;

	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, img + eh.e_phoff + (uint64_t)i * PHDR_SIZE, sizeof(ph));
		switch (ph.p_type) {
		case PT_LOAD:
			if (ph.p_memsz == 0)
				break;
			msg = elf_add_load(plan, &ph, size);
			if (msg)
				return elf_fail(plan, why, (int)i, msg);
			break;
		case PT_INTERP:
			return elf_fail(plan, why, (int)i,
					"dynamically linked (PT_INTERP)");
		case PT_PHDR:
			have_pt_phdr = true;
			pt_phdr_vaddr = ph.p_vaddr;
			break;
		case PT_GNU_STACK:
			plan->stack_prot = elf_prot(ph.p_flags);
			break;
		default:
			break;
		}
	}
	if (plan->nseg == 0)
		return elf_fail(plan, why, -1, "no loadable segment");

	plan->lo = PAGE_ALIGN_DOWN(plan->seg[0].vaddr);
	plan->hi = PAGE_ALIGN_UP(plan->seg[plan->nseg - 1].vaddr +
				 plan->seg[plan->nseg - 1].memsz);
	if (!plan->pie && plan->lo < PAGE_SIZE)
		return elf_fail(plan, why, -1, "segment maps page zero");

	for (i = 0; i < plan->nseg; i++) {
		const struct elf_seg *s = &plan->seg[i];

		if ((s->prot & ELF_PROT_EXEC) && plan->entry >= s->vaddr &&
		    plan->entry - s->vaddr < s->memsz)
			break;
	}
	if (i == plan->nseg)
		return elf_fail(plan, why, -1,
				"entry point not in an executable segment");

	plan->phdr_mapped = elf_file_to_vaddr(plan, eh.e_phoff,
					      (uint64_t)eh.e_phnum * PHDR_SIZE,
					      &plan->phdr_vaddr);
	if (have_pt_phdr && (!plan->phdr_mapped || plan->phdr_vaddr != pt_phdr_vaddr))
		return elf_fail(plan, why, -1,
				"PT_PHDR does not map the program headers");
	return 0;
}

bool elf_plan_bias_ok(const struct elf_load_plan *plan, uint64_t bias)
{
	if (!plan->pie)
		return bias == 0;
	if (bias & (plan->align - 1))
		return false;
	if (bias >= ELF_USER_LIMIT || plan->hi > ELF_USER_LIMIT - bias)
		return false;
	return bias + plan->lo >= PAGE_SIZE;
}
