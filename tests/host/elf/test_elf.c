/*
 * Host unit tests for neutrino/kernel/elf_check.c. Arguments after the case
 * name: a static, a static-pie and a dynamically linked musl program built
 * by this directory's CMakeLists.txt. Real files must pass (the dynamic one
 * must be refused for its PT_INTERP); mutated copies and synthetic images
 * must fail with the expected error and reason.
 */
#include "hosttest.h"
#include <kernel/elf.h>
#include <kernel/elf_check.h>
#include <kernel/errno.h>

struct blob {
	unsigned char *data;
	size_t size;
};

static struct blob fx_static, fx_pie, fx_dyn;
static struct elf_load_plan plan;
static const char *why;

static void load(struct blob *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	rewind(f);
	b->size = (size_t)n;
	b->data = malloc(b->size);
	if (!b->data || fread(b->data, 1, b->size, f) != b->size) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	fclose(f);
}

static void load_fixtures(void)
{
	if (fx_static.data)
		return;
	if (ht_argc < 3) {
		fprintf(stderr, "usage: test_elf <case> <static> <static-pie> <dynamic>\n");
		exit(2);
	}
	load(&fx_static, ht_argv[0]);
	load(&fx_pie, ht_argv[1]);
	load(&fx_dyn, ht_argv[2]);
}

/* A private, mutable copy of a fixture (freed by the next call). */
static unsigned char *scratch;
static unsigned char *copy(const struct blob *b)
{
	free(scratch);
	scratch = malloc(b->size);
	memcpy(scratch, b->data, b->size);
	return scratch;
}

static Elf64_Ehdr *ehdr(unsigned char *img)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *phdr(unsigned char *img, unsigned i)
{
	return (Elf64_Phdr *)(img + ehdr(img)->e_phoff) + i;
}

/* Index of the first program header of type t after index `after`, or -1. */
static int find_phdr(unsigned char *img, uint32_t t, int after)
{
	for (int i = after + 1; i < ehdr(img)->e_phnum; i++)
		if (phdr(img, (unsigned)i)->p_type == t)
			return i;
	return -1;
}

/* The k-th PT_LOAD (every fixture has at least three). */
static Elf64_Phdr *load_k(unsigned char *img, int k)
{
	int i = -1;

	while (k-- >= 0)
		i = find_phdr(img, PT_LOAD, i);
	if (i < 0) {
		fprintf(stderr, "fixture lacks PT_LOAD segments\n");
		exit(2);
	}
	return phdr(img, (unsigned)i);
}

static int check(const void *img, size_t size)
{
	return elf_check(img, size, &plan, &why);
}

/* Checks the guarantees <kernel/elf_check.h> makes for a successful plan. */
static void check_invariants(const unsigned char *img, size_t size)
{
	CHECK(plan.nseg >= 1 && plan.nseg <= ELF_MAX_SEGS);
	CHECK(why == NULL);
	CHECK_EQ(plan.err_phdr, -1);
	CHECK(plan.lo % PAGE_SIZE == 0 && plan.hi % PAGE_SIZE == 0);
	CHECK(plan.lo < plan.hi && plan.hi <= ELF_USER_LIMIT);
	CHECK(plan.align >= PAGE_SIZE && (plan.align & (plan.align - 1)) == 0);
	if (!plan.pie)
		CHECK(plan.lo >= PAGE_SIZE);
	bool entry_ok = false;
	for (unsigned i = 0; i < plan.nseg && i < ELF_MAX_SEGS; i++) {
		const struct elf_seg *s = &plan.seg[i];

		CHECK(s->filesz <= s->memsz && s->memsz > 0);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(s->vaddr >= plan.lo && s->vaddr + s->memsz <= plan.hi);
		CHECK((s->vaddr - s->offset) % PAGE_SIZE == 0);
		CHECK((s->prot & ~7u) == 0);
		if (i > 0)
			CHECK(PAGE_ALIGN_DOWN(s->vaddr) >=
			      PAGE_ALIGN_UP(plan.seg[i - 1].vaddr + plan.seg[i - 1].memsz));
		if ((s->prot & ELF_PROT_EXEC) && plan.entry >= s->vaddr &&
		    plan.entry < s->vaddr + s->memsz)
			entry_ok = true;
		if (plan.phdr_mapped && plan.phdr_vaddr >= s->vaddr &&
		    plan.phdr_vaddr < s->vaddr + s->filesz) {
			/* the mapped bytes really are the program headers */
			const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
			uint64_t off = s->offset + (plan.phdr_vaddr - s->vaddr);

			CHECK_EQ(off, eh->e_phoff);
		}
	}
	CHECK(entry_ok);
}

/* Expects failure with err and a reason containing `reason`. */
#define EXPECT_FAIL(img, size, err, reason)                                    \
	do {                                                                   \
		int ef_rc = check(img, size);                                  \
		CHECK_EQ(ef_rc, err);                                          \
		CHECK(why != NULL && strstr(why, reason) != NULL);             \
		if (ef_rc != (err) || !why || !strstr(why, reason))            \
			fprintf(stderr, "  got %d \"%s\"\n", ef_rc,            \
				why ? why : "(null)");                         \
	} while (0)

/* Plan segments must mirror the file's non-empty PT_LOADs in order. */
static void check_against_file(const struct blob *b)
{
	unsigned char *img = b->data;
	unsigned k = 0;

	for (int i = find_phdr(img, PT_LOAD, -1); i >= 0; i = find_phdr(img, PT_LOAD, i)) {
		const Elf64_Phdr *p = phdr(img, (unsigned)i);

		if (!p->p_memsz)
			continue;
		CHECK(k < plan.nseg);
		if (k >= plan.nseg)
			return;
		CHECK_EQ(plan.seg[k].vaddr, p->p_vaddr);
		CHECK_EQ(plan.seg[k].memsz, p->p_memsz);
		CHECK_EQ(plan.seg[k].offset, p->p_offset);
		CHECK_EQ(plan.seg[k].filesz, p->p_filesz);
		CHECK_EQ(!!(plan.seg[k].prot & ELF_PROT_EXEC), !!(p->p_flags & PF_X));
		CHECK_EQ(!!(plan.seg[k].prot & ELF_PROT_WRITE), !!(p->p_flags & PF_W));
		CHECK_EQ(!!(plan.seg[k].prot & ELF_PROT_READ), !!(p->p_flags & PF_R));
		k++;
	}
	CHECK_EQ(plan.nseg, k);
	CHECK_EQ(plan.entry, ehdr(img)->e_entry);
	CHECK_EQ(plan.phnum, ehdr(img)->e_phnum);
	CHECK_EQ(plan.phentsize, sizeof(Elf64_Phdr));
	CHECK(plan.phdr_mapped);
	CHECK_EQ(plan.stack_prot, ELF_PROT_READ | ELF_PROT_WRITE);
	CHECK(find_phdr(img, PT_TLS, -1) >= 0);
}

static void test_static_ok(void)
{
	load_fixtures();
	CHECK_EQ(check(fx_static.data, fx_static.size), 0);
	CHECK_EQ(ehdr(fx_static.data)->e_type, ET_EXEC);
	CHECK(!plan.pie);
	check_invariants(fx_static.data, fx_static.size);
	check_against_file(&fx_static);
	/* the first segment maps the start of the file, headers included */
	CHECK_EQ(plan.seg[0].offset, 0);
	CHECK_EQ(plan.phdr_vaddr, plan.seg[0].vaddr + ehdr(fx_static.data)->e_phoff);
}

static void test_pie_ok(void)
{
	load_fixtures();
	/* the build really produced a static PIE */
	CHECK_EQ(ehdr(fx_pie.data)->e_type, ET_DYN);
	CHECK(find_phdr(fx_pie.data, PT_INTERP, -1) < 0);
	CHECK_EQ(check(fx_pie.data, fx_pie.size), 0);
	CHECK(plan.pie);
	CHECK_EQ(plan.lo, 0);
	check_invariants(fx_pie.data, fx_pie.size);
	check_against_file(&fx_pie);
}

static void test_dynamic_refused(void)
{
	load_fixtures();
	int interp = find_phdr(fx_dyn.data, PT_INTERP, -1);

	CHECK(interp >= 0);
	EXPECT_FAIL(fx_dyn.data, fx_dyn.size, -ENOEXEC, "PT_INTERP");
	CHECK_EQ(plan.err_phdr, interp);

	/* the same file with the PT_INTERP neutralised is a valid PIE */
	unsigned char *img = copy(&fx_dyn);
	phdr(img, (unsigned)interp)->p_type = PT_NOTE;
	CHECK_EQ(check(img, fx_dyn.size), 0);
	CHECK(plan.pie);
	check_invariants(img, fx_dyn.size);
}

static void test_args(void)
{
	load_fixtures();
	CHECK_EQ(elf_check(NULL, 100, &plan, &why), -EINVAL);
	CHECK(why != NULL);
	CHECK_EQ(elf_check(fx_static.data, fx_static.size, NULL, &why), -EINVAL);
	CHECK(why != NULL);
	/* why is optional */
	CHECK_EQ(elf_check(fx_static.data, 10, &plan, NULL), -ENOEXEC);
	CHECK_EQ(elf_check(fx_static.data, fx_static.size, &plan, NULL), 0);
	/* the image needs no alignment */
	unsigned char *odd = malloc(fx_pie.size + 1);
	memcpy(odd + 1, fx_pie.data, fx_pie.size);
	CHECK_EQ(check(odd + 1, fx_pie.size), 0);
	free(odd);
}

static void test_truncated(void)
{
	load_fixtures();
	const struct blob *b = &fx_static;
	Elf64_Phdr *last = NULL;

	EXPECT_FAIL(b->data, 0, -ENOEXEC, "shorter than the ELF header");
	EXPECT_FAIL(b->data, 63, -ENOEXEC, "shorter than the ELF header");
	EXPECT_FAIL(b->data, ehdr(b->data)->e_phoff + 10, -ENOEXEC,
		    "program headers outside file");
	for (int i = find_phdr(b->data, PT_LOAD, -1); i >= 0; i = find_phdr(b->data, PT_LOAD, i))
		if (phdr(b->data, (unsigned)i)->p_filesz)
			last = phdr(b->data, (unsigned)i);
	CHECK(last != NULL);
	if (!last)
		return;
	size_t end = last->p_offset + last->p_filesz;
	EXPECT_FAIL(b->data, end - 1, -ENOEXEC, "segment outside file");
	CHECK_EQ(check(b->data, end), 0);   /* section headers are not needed */
}

static void test_header_fields(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;

	img = copy(&fx_static); img[1] = 'e';
	EXPECT_FAIL(img, n, -ENOEXEC, "bad magic");
	img = copy(&fx_static); img[EI_CLASS] = ELFCLASS32;
	EXPECT_FAIL(img, n, -ENOEXEC, "not a 64-bit");
	img = copy(&fx_static); img[EI_DATA] = ELFDATA2MSB;
	EXPECT_FAIL(img, n, -ENOEXEC, "little-endian");
	img = copy(&fx_static); img[EI_VERSION] = 2;
	EXPECT_FAIL(img, n, -ENOEXEC, "version");
	img = copy(&fx_static); ehdr(img)->e_version = 0;
	EXPECT_FAIL(img, n, -ENOEXEC, "version");
	img = copy(&fx_static); img[EI_OSABI] = 9;
	EXPECT_FAIL(img, n, -ENOEXEC, "OS ABI");
	img = copy(&fx_static); img[EI_OSABI] = ELFOSABI_GNU;
	CHECK_EQ(check(img, n), 0);
	img = copy(&fx_static); ehdr(img)->e_machine = EM_386;
	EXPECT_FAIL(img, n, -ENOEXEC, "x86_64");
	img = copy(&fx_static); ehdr(img)->e_type = ET_REL;
	EXPECT_FAIL(img, n, -ENOEXEC, "not an executable");
	img = copy(&fx_static); ehdr(img)->e_type = ET_CORE;
	EXPECT_FAIL(img, n, -ENOEXEC, "not an executable");
	img = copy(&fx_static); ehdr(img)->e_ehsize = 52;
	EXPECT_FAIL(img, n, -ENOEXEC, "ELF header size");
}

static void test_phdr_table(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;

	img = copy(&fx_static); ehdr(img)->e_phentsize = 32;
	EXPECT_FAIL(img, n, -ENOEXEC, "program header size");
	img = copy(&fx_static); ehdr(img)->e_phnum = 0;
	EXPECT_FAIL(img, n, -ENOEXEC, "no program headers");
	img = copy(&fx_static); ehdr(img)->e_phnum = PN_XNUM;
	EXPECT_FAIL(img, n, -ENOEXEC, "too many program headers");
	img = copy(&fx_static); ehdr(img)->e_phnum = ELF_MAX_PHNUM + 1;
	EXPECT_FAIL(img, n, -ENOEXEC, "too many program headers");
	img = copy(&fx_static); ehdr(img)->e_phoff = n;
	EXPECT_FAIL(img, n, -ENOEXEC, "program headers outside file");
	img = copy(&fx_static); ehdr(img)->e_phoff = UINT64_MAX - 8;
	EXPECT_FAIL(img, n, -ENOEXEC, "program headers outside file");
	img = copy(&fx_static); ehdr(img)->e_phoff = n - 56 * ehdr(img)->e_phnum + 1;
	EXPECT_FAIL(img, n, -ENOEXEC, "program headers outside file");
	img = copy(&fx_static); ehdr(img)->e_phoff = 0;
	EXPECT_FAIL(img, n, -ENOEXEC, "overlap the ELF header");
}

static void test_segment_ranges(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;
	Elf64_Phdr *p;

	img = copy(&fx_static); p = load_k(img, 1);
	p->p_filesz = p->p_memsz = 1ull << 40;          /* huge p_filesz */
	EXPECT_FAIL(img, n, -ENOEXEC, "segment outside file");
	CHECK_EQ(plan.err_phdr, (int)(p - phdr(img, 0)));

	img = copy(&fx_static); p = load_k(img, 1);
	p->p_filesz = p->p_memsz + 1;
	EXPECT_FAIL(img, n, -ENOEXEC, "file size exceeds memory size");

	/* offset + filesz wraps around to a small number */
	img = copy(&fx_static); p = load_k(img, 1);
	p->p_offset = UINT64_MAX - 0xff;
	p->p_filesz = p->p_memsz = 0x200;
	EXPECT_FAIL(img, n, -ENOEXEC, "segment outside file");

	img = copy(&fx_static); p = load_k(img, 1);
	p->p_offset = n;                                   /* just past the end */
	p->p_filesz = 1;
	EXPECT_FAIL(img, n, -ENOEXEC, "segment outside file");

	/* vaddr + memsz wraps */
	img = copy(&fx_static); p = load_k(img, 3);
	p->p_vaddr = 0xfffffffffffff000ull + (p->p_offset % PAGE_SIZE);
	p->p_memsz = 0x10000;
	EXPECT_FAIL(img, n, -ENOEXEC, "outside user address space");

	/* crosses the user limit */
	img = copy(&fx_static); p = load_k(img, 3);
	p->p_vaddr = ELF_USER_LIMIT - PAGE_SIZE + (p->p_offset % PAGE_SIZE);
	p->p_memsz = PAGE_SIZE;
	EXPECT_FAIL(img, n, -ENOEXEC, "outside user address space");

	/* kernel half */
	img = copy(&fx_static); p = load_k(img, 3);
	p->p_vaddr = 0xffff800000000000ull + (p->p_offset % PAGE_SIZE);
	EXPECT_FAIL(img, n, -ENOEXEC, "outside user address space");

	/* ending exactly at the limit is fine */
	img = copy(&fx_static); p = load_k(img, 3);
	p->p_vaddr = ELF_USER_LIMIT - PAGE_SIZE + (p->p_offset % PAGE_SIZE);
	p->p_memsz = PAGE_SIZE - (p->p_offset % PAGE_SIZE);
	if (p->p_filesz > p->p_memsz)
		p->p_filesz = p->p_memsz;
	CHECK_EQ(check(img, n), 0);
	CHECK_EQ(plan.hi, ELF_USER_LIMIT);
	check_invariants(img, n);

	/* an empty PT_LOAD is ignored */
	img = copy(&fx_static); p = load_k(img, 2);
	p->p_filesz = p->p_memsz = 0;
	p->p_offset = UINT64_MAX;
	CHECK_EQ(check(img, n), 0);
	CHECK_EQ(plan.nseg, 3);
}

static void test_alignment(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;
	Elf64_Phdr *p;

	img = copy(&fx_static); load_k(img, 1)->p_align = 0x3000;
	EXPECT_FAIL(img, n, -ENOEXEC, "not a power of two");
	img = copy(&fx_static); load_k(img, 1)->p_vaddr += 0x10;
	EXPECT_FAIL(img, n, -ENOEXEC, "modulo the page size");
	/* p_align 0 and 1 mean "no constraint": page congruence still holds */
	img = copy(&fx_static); load_k(img, 1)->p_align = 0;
	load_k(img, 2)->p_align = 1;
	CHECK_EQ(check(img, n), 0);
	/* a 2 MiB p_align must hold for address and offset */
	img = copy(&fx_static); p = load_k(img, 3);
	p->p_align = 0x200000;
	CHECK((p->p_vaddr - p->p_offset) % 0x200000 != 0);
	EXPECT_FAIL(img, n, -ENOEXEC, "modulo p_align");
	img = copy(&fx_pie); p = load_k(img, 0);
	p->p_align = 0x200000;                   /* vaddr 0, offset 0 */
	CHECK_EQ(check(img, fx_pie.size), 0);
	CHECK_EQ(plan.align, 0x200000);
}

static void test_order_overlap(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;
	Elf64_Phdr *a, *b, t;

	img = copy(&fx_static); a = load_k(img, 1); b = load_k(img, 2);
	t = *a; *a = *b; *b = t;
	EXPECT_FAIL(img, n, -ENOEXEC, "not sorted");

	/* same pages as the previous segment */
	img = copy(&fx_static); a = load_k(img, 1); b = load_k(img, 2);
	b->p_vaddr = a->p_vaddr;
	b->p_offset = a->p_offset;
	EXPECT_FAIL(img, n, -ENOEXEC, "overlap");

	/* starts inside the previous segment's last page */
	img = copy(&fx_static); a = load_k(img, 1); b = load_k(img, 2);
	b->p_vaddr = PAGE_ALIGN_DOWN(a->p_vaddr + a->p_memsz - 1) + (b->p_offset % PAGE_SIZE);
	EXPECT_FAIL(img, n, -ENOEXEC, "overlap");

	/* shares a page with the previous segment without sharing a byte:
	 * a page can have only one protection, so this is refused too */
	img = copy(&fx_static); a = load_k(img, 2); b = load_k(img, 3);
	b->p_vaddr = PAGE_ALIGN_DOWN(a->p_vaddr + a->p_memsz - 1) + (b->p_offset % PAGE_SIZE);
	CHECK(b->p_vaddr >= a->p_vaddr + a->p_memsz);
	EXPECT_FAIL(img, n, -ENOEXEC, "overlap");
}

static void test_entry(void)
{
	load_fixtures();
	unsigned char *img;
	size_t n = fx_static.size;
	Elf64_Phdr *text;

	img = copy(&fx_static); ehdr(img)->e_entry = 0;
	EXPECT_FAIL(img, n, -ENOEXEC, "entry point");
	img = copy(&fx_static); ehdr(img)->e_entry = UINT64_MAX;
	EXPECT_FAIL(img, n, -ENOEXEC, "entry point");
	/* inside a segment that is not executable */
	img = copy(&fx_static); ehdr(img)->e_entry = load_k(img, 3)->p_vaddr;
	EXPECT_FAIL(img, n, -ENOEXEC, "entry point");
	/* the boundaries of the text segment */
	img = copy(&fx_static);
	text = phdr(img, 0);
	for (int i = find_phdr(img, PT_LOAD, -1); i >= 0; i = find_phdr(img, PT_LOAD, i))
		if (phdr(img, (unsigned)i)->p_flags & PF_X)
			text = phdr(img, (unsigned)i);
	CHECK(text->p_type == PT_LOAD && (text->p_flags & PF_X));
	ehdr(img)->e_entry = text->p_vaddr + text->p_memsz;
	EXPECT_FAIL(img, n, -ENOEXEC, "entry point");
	ehdr(img)->e_entry = text->p_vaddr + text->p_memsz - 1;
	CHECK_EQ(check(img, n), 0);
	ehdr(img)->e_entry = text->p_vaddr;
	CHECK_EQ(check(img, n), 0);
	ehdr(img)->e_entry = text->p_vaddr - 1;
	EXPECT_FAIL(img, n, -ENOEXEC, "entry point");
}

static void test_page_zero(void)
{
	load_fixtures();
	unsigned char *img = copy(&fx_static);
	Elf64_Phdr *p = load_k(img, 0);

	p->p_vaddr = 0;                          /* offset 0: congruent */
	EXPECT_FAIL(img, fx_static.size, -ENOEXEC, "page zero");
	/* a PIE starts at 0 and is fine: the loader biases it */
	CHECK_EQ(check(fx_pie.data, fx_pie.size), 0);
}

static void test_no_load(void)
{
	load_fixtures();
	unsigned char *img = copy(&fx_static);

	for (int i = 0; i < ehdr(img)->e_phnum; i++)
		if (phdr(img, (unsigned)i)->p_type == PT_LOAD)
			phdr(img, (unsigned)i)->p_type = PT_NULL;
	EXPECT_FAIL(img, fx_static.size, -ENOEXEC, "no loadable segment");
}

static void test_gnu_stack(void)
{
	load_fixtures();
	unsigned char *img = copy(&fx_static);
	int s = find_phdr(img, PT_GNU_STACK, -1);

	CHECK(s >= 0);
	if (s < 0)
		return;
	phdr(img, (unsigned)s)->p_flags = PF_R | PF_W | PF_X;
	CHECK_EQ(check(img, fx_static.size), 0);
	CHECK_EQ(plan.stack_prot, ELF_PROT_READ | ELF_PROT_WRITE | ELF_PROT_EXEC);
	phdr(img, (unsigned)s)->p_type = PT_NULL;   /* no PT_GNU_STACK */
	CHECK_EQ(check(img, fx_static.size), 0);
	CHECK_EQ(plan.stack_prot, ELF_PROT_READ | ELF_PROT_WRITE);
}

/*
 * Synthetic images: an ELF header, program headers at offset 64 (an optional
 * PT_PHDR, nload PT_LOADs, a PT_GNU_STACK), segment k at file offset k pages
 * and address base + k pages; segment 0 is R+X and holds the entry.
 */
#define SYN_MAX_LOAD (ELF_MAX_SEGS + 2)
static unsigned char syn[(SYN_MAX_LOAD + 1) * 4096];

static size_t synth(unsigned nload, bool pie, bool pt_phdr)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)syn;
	uint64_t base = pie ? 0 : 0x400000;
	unsigned np = 0;

	memset(syn, 0, sizeof(syn));
	memcpy(eh->e_ident, "\177ELF", 4);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = pie ? ET_DYN : ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = base + 0x800;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	if (pt_phdr) {
		Elf64_Phdr *p = phdr(syn, np++);

		p->p_type = PT_PHDR;
		p->p_flags = PF_R;
		p->p_offset = eh->e_phoff;
		p->p_vaddr = base + eh->e_phoff;
		p->p_filesz = p->p_memsz = (nload + 2) * sizeof(Elf64_Phdr);
		p->p_align = 8;
	}
	for (unsigned k = 0; k < nload; k++) {
		Elf64_Phdr *p = phdr(syn, np++);

		p->p_type = PT_LOAD;
		p->p_flags = k == 0 ? PF_R | PF_X : PF_R | PF_W;
		p->p_offset = k * PAGE_SIZE;
		p->p_vaddr = base + k * PAGE_SIZE;
		p->p_filesz = p->p_memsz = PAGE_SIZE;
		p->p_align = PAGE_SIZE;
	}
	phdr(syn, np++)->p_type = PT_GNU_STACK;
	eh->e_phnum = (Elf64_Half)np;
	return nload * PAGE_SIZE;
}

static void test_pt_phdr(void)
{
	size_t n = synth(2, true, true);

	CHECK_EQ(check(syn, n), 0);
	CHECK(plan.phdr_mapped);
	CHECK_EQ(plan.phdr_vaddr, 64);
	check_invariants(syn, n);

	n = synth(2, false, true);
	phdr(syn, 0)->p_vaddr += 8;               /* claims the wrong address */
	EXPECT_FAIL(syn, n, -ENOEXEC, "PT_PHDR");

	/* headers beyond every segment's file part: PT_PHDR is a lie */
	n = synth(2, false, true);
	phdr(syn, 1)->p_offset = PAGE_SIZE;       /* segment 0 now maps page 1 */
	phdr(syn, 1)->p_vaddr = 0x400000 + PAGE_SIZE;
	phdr(syn, 2)->p_vaddr = 0x400000 + 2 * PAGE_SIZE;
	((Elf64_Ehdr *)syn)->e_entry = 0x400000 + PAGE_SIZE;
	EXPECT_FAIL(syn, n, -ENOEXEC, "PT_PHDR");
	/* without PT_PHDR the same image loads, with no AT_PHDR to give */
	phdr(syn, 0)->p_type = PT_NULL;
	CHECK_EQ(check(syn, n), 0);
	CHECK(!plan.phdr_mapped);
}

static void test_max_segments(void)
{
	size_t n = synth(ELF_MAX_SEGS, false, false);

	CHECK_EQ(check(syn, n), 0);
	CHECK_EQ(plan.nseg, ELF_MAX_SEGS);
	CHECK_EQ(plan.lo, 0x400000);
	CHECK_EQ(plan.hi, 0x400000 + ELF_MAX_SEGS * PAGE_SIZE);
	CHECK_EQ(plan.seg[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	CHECK_EQ(plan.seg[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	check_invariants(syn, n);

	n = synth(ELF_MAX_SEGS + 1, false, false);
	EXPECT_FAIL(syn, n, -ENOEXEC, "too many loadable segments");
	CHECK_EQ(plan.err_phdr, ELF_MAX_SEGS);
}

static void test_bias(void)
{
	load_fixtures();
	CHECK_EQ(check(fx_static.data, fx_static.size), 0);
	CHECK(elf_plan_bias_ok(&plan, 0));
	CHECK(!elf_plan_bias_ok(&plan, PAGE_SIZE));

	CHECK_EQ(check(fx_pie.data, fx_pie.size), 0);
	CHECK(!elf_plan_bias_ok(&plan, 0));               /* would map page 0 */
	CHECK(elf_plan_bias_ok(&plan, 0x555555554000ull));
	CHECK(!elf_plan_bias_ok(&plan, 0x555555554800ull)); /* misaligned */
	CHECK(elf_plan_bias_ok(&plan, ELF_USER_LIMIT - plan.hi));
	CHECK(!elf_plan_bias_ok(&plan, ELF_USER_LIMIT - plan.hi + PAGE_SIZE));
	CHECK(!elf_plan_bias_ok(&plan, 0xfffffffffffff000ull));
	plan.align = 0x200000;
	CHECK(!elf_plan_bias_ok(&plan, 0x555555554000ull));
	CHECK(elf_plan_bias_ok(&plan, 0x555555400000ull));
}

/* Random corruption of the headers: never a crash, only 0 or -ENOEXEC, and
 * every accepted image still meets the plan guarantees. */
static void test_fuzz(void)
{
	load_fixtures();
	const struct blob *src[3] = {&fx_static, &fx_pie, &fx_dyn};
	unsigned accepted = 0;

	for (int round = 0; round < 30000; round++) {
		const struct blob *b = src[round % 3];
		unsigned char *img = copy(b);
		size_t hdr = ehdr(img)->e_phoff + ehdr(img)->e_phnum * sizeof(Elf64_Phdr);
		size_t n = ht_below(8) ? b->size : ht_below(b->size + 1);
		int flips = 1 + (int)ht_below(4);

		for (int f = 0; f < flips; f++) {
			size_t at = ht_below(hdr);

			switch (ht_below(3)) {
			case 0:
				img[at] ^= (unsigned char)(1u << ht_below(8));
				break;
			case 1:
				img[at] = (unsigned char)ht_rand();
				break;
			default:
				img[at] = ht_below(2) ? 0xff : 0;
				break;
			}
		}
		int rc = check(img, n);
		CHECK(rc == 0 || rc == -ENOEXEC);
		if (rc == 0) {
			accepted++;
			check_invariants(img, n);
		} else {
			CHECK(why != NULL);
		}
		HT_BAIL_IF_FAILED();
	}
	printf("fuzz: %u of 30000 mutated images accepted\n", accepted);
}

static const struct ht_case cases[] = {
	{"static_ok", test_static_ok},
	{"pie_ok", test_pie_ok},
	{"dynamic_refused", test_dynamic_refused},
	{"args", test_args},
	{"truncated", test_truncated},
	{"header_fields", test_header_fields},
	{"phdr_table", test_phdr_table},
	{"segment_ranges", test_segment_ranges},
	{"alignment", test_alignment},
	{"order_overlap", test_order_overlap},
	{"entry", test_entry},
	{"page_zero", test_page_zero},
	{"no_load", test_no_load},
	{"gnu_stack", test_gnu_stack},
	{"pt_phdr", test_pt_phdr},
	{"max_segments", test_max_segments},
	{"bias", test_bias},
	{"fuzz", test_fuzz},
};

int main(int argc, char **argv)
{
	return ht_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
