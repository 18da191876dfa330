/*
 * Loads a static ELF into a fresh address space and builds its initial
 * stack (argc, argv, envp, auxv with AT_RANDOM from the kernel CSPRNG).
 * The ELF comes from the boot image in memory (ImageSpawn) or from any file
 * system through a reader (execve), so it is treated as hostile and
 * validated by elf_check() first; segments are copied into fresh pages; the
 * stack (sized by RLIMIT_STACK) and brk regions are demand-zero.
 */
#include <arch/cpu.h>
#include <kernel/elf_check.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/sched.h>

enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
	AT_EXECFN = 31,
};

#define RLIMIT_STACK 3
#define STACK_MIN (128u * 1024)
#define STACK_MAX (512ull << 20) /* below it lies the mmap area (MMAP_TOP) */
#define BOUNCE_SIZE (64u * 1024)
#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define PHDR_OFF_MAX (64u * 1024)

/* Copies [off, off+len) of the file to dst in as. */
static int copy_file(struct aspace *as, const struct exec_image *img, uaddr_t dst, uint64_t off,
		     uint64_t len)
{
	if (img->mem)
		return vm_write_remote(as, dst, (const uint8_t *)img->mem + off, len);
	void *buf = kmalloc(MIN(len, BOUNCE_SIZE));
	if (!buf)
		return -ENOMEM;
	int e = 0;
	while (len && !e) {
		size_t n = MIN(len, BOUNCE_SIZE);
		e = img->read(img->ctx, off, buf, n);
		if (!e)
			e = vm_write_remote(as, dst, buf, n);
		dst += n;
		off += n;
		len -= n;
	}
	kfree(buf);
	return e;
}

static int load_segments(struct aspace *as, const struct exec_image *img,
			 const struct elf_load_plan *pl, uint64_t bias)
{
	uaddr_t prev_end = 0;
	for (unsigned i = 0; i < pl->nseg; i++) {
		const struct elf_seg *s = &pl->seg[i];
		uint32_t prot = (s->prot & ELF_PROT_READ ? VM_READ : 0) |
				(s->prot & ELF_PROT_WRITE ? VM_WRITE : 0) |
				(s->prot & ELF_PROT_EXEC ? VM_EXEC : 0);
		uaddr_t start = PAGE_ALIGN_DOWN(s->vaddr + bias);
		uaddr_t end = PAGE_ALIGN_UP(s->vaddr + bias + s->memsz);
		if (start < prev_end) { /* shares a page with the previous segment */
			vm_find(as, prev_end - 1)->prot |= prot;
			start = prev_end;
		}
		if (end > start) {
			int e = vm_map_fixed(as, start, end - start, prot);
			if (e)
				return e;
		}
		prev_end = MAX(prev_end, end);
		int e = copy_file(as, img, s->vaddr + bias, s->offset, s->filesz);
		if (e)
			return e;
	}
	return 0;
}

/* Builds argc/argv/envp/auxv below STACK_TOP; returns the initial rsp or -errno. */
static long build_stack(struct process *p, struct aspace *as, const struct exec_args *a,
			const struct elf_load_plan *pl, uint64_t bias, const char *execfn)
{
	size_t name_len = strlen(execfn) + 1;
	size_t strings = a->len + name_len + 16; /* + AT_RANDOM bytes */
	unsigned nvec = 1 + a->argc + 1 + a->envc + 1 + 2 * 18;
	size_t total = ALIGN_UP(strings, 16) + ALIGN_UP(nvec * 8, 16);
	if (total > STACK_MIN / 2)
		return -E2BIG;
	uint8_t *buf = kmalloc(total);
	if (!buf)
		return -ENOMEM;
	uaddr_t base = STACK_TOP - total; /* 16-aligned: total is */
	uint64_t *v = (uint64_t *)buf;
	uint8_t *str = buf + ALIGN_UP(nvec * 8, 16);
	uaddr_t str_u = base + (str - buf);
	memcpy(str, a->buf, a->len);
	uaddr_t fn_u = str_u + a->len, random_u = fn_u + name_len;
	memcpy(str + a->len, execfn, name_len);
	random_bytes(str + a->len + name_len, 16);

	unsigned k = 0;
	v[k++] = a->argc;
	size_t off = 0;
	for (unsigned i = 0; i < a->argc + a->envc; i++) {
		if (i == a->argc)
			v[k++] = 0;
		v[k++] = str_u + off;
		off += strlen(a->buf + off) + 1;
	}
	if (a->argc == a->argc + a->envc)
		v[k++] = 0;
	v[k++] = 0;
	uint32_t eax, ebx, ecx, edx;
	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	bool secure = p->uid != p->ruid || p->gid != p->rgid;
	uint64_t aux[][2] = {
		{ AT_PHDR, pl->phdr_mapped ? pl->phdr_vaddr + bias : 0 },
		{ AT_PHENT, pl->phentsize }, { AT_PHNUM, pl->phnum },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_BASE, bias }, { AT_FLAGS, 0 },
		{ AT_ENTRY, pl->entry + bias }, { AT_UID, p->ruid }, { AT_EUID, p->uid },
		{ AT_GID, p->rgid }, { AT_EGID, p->gid }, { AT_HWCAP, edx },
		{ AT_CLKTCK, 100 }, { AT_SECURE, secure }, { AT_RANDOM, random_u },
		{ AT_EXECFN, fn_u }, { AT_NULL, 0 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(aux); i++) {
		v[k++] = aux[i][0];
		v[k++] = aux[i][1];
	}
	int e = vm_write_remote(as, base, buf, total);
	kfree(buf);
	return e ? e : (long)base;
}

/* The ELF and program headers of img, checked (see elf_check: it reads the
 * headers only, so a buffer holding them stands for the whole file). */
static int read_plan(const struct exec_image *img, struct elf_load_plan *pl, const char **why)
{
	if (img->mem)
		return elf_check(img->mem, img->size, pl, why);
	uint8_t eh[EHDR_SIZE];
	*why = "file shorter than the ELF header";
	if (img->size < EHDR_SIZE)
		return -ENOEXEC;
	int e = img->read(img->ctx, 0, eh, EHDR_SIZE);
	if (e)
		return e;
	uint64_t phoff, phnum = 0;
	memcpy(&phoff, eh + 32, 8);
	memcpy(&phnum, eh + 56, 2);
	*why = "program headers too far into the file";
	if (phoff > PHDR_OFF_MAX || phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	size_t len = MAX(EHDR_SIZE, phoff + phnum * PHDR_SIZE);
	uint8_t *hdr = kmalloc(len);
	if (!hdr)
		return -ENOMEM;
	e = img->read(img->ctx, 0, hdr, MIN(len, img->size));
	if (!e)
		e = elf_check(hdr, img->size, pl, why);
	kfree(hdr);
	return e;
}

static size_t stack_size(const struct process *p)
{
	uint64_t want = p->rlim[RLIMIT_STACK].cur;
	return PAGE_ALIGN_UP(MIN(MAX(want, STACK_MIN), STACK_MAX));
}

int exec_load(struct process *p, const struct exec_image *img, const struct exec_args *args,
	      const char *execfn, struct exec_loaded *out, const char **why)
{
	struct elf_load_plan *pl = kmalloc(sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	*why = "";
	int e = read_plan(img, pl, why);
	if (e) {
		kfree(pl);
		return e;
	}
	uint64_t bias = pl->pie ? PIE_BASE - pl->lo : 0;
	struct aspace *as = aspace_create();
	long sp = as ? load_segments(as, img, pl, bias) : -ENOMEM;
	if (!sp) {
		size_t ss = stack_size(p);
		sp = vm_map_fixed(as, STACK_TOP - ss, ss, VM_READ | VM_WRITE);
	}
	if (!sp)
		sp = build_stack(p, as, args, pl, bias, execfn);
	if (sp < 0) {
		if (as)
			aspace_destroy(as);
		kfree(pl);
		*why = "out of memory or arguments too long";
		return (int)sp;
	}
	out->as = as;
	out->entry = pl->entry + bias;
	out->sp = (uaddr_t)sp;
	out->brk = PAGE_ALIGN_UP(pl->hi + bias);
	size_t argv_len = 0; /* the argv strings lead args->buf */
	for (unsigned i = 0; i < args->argc; i++)
		argv_len += strlen(args->buf + argv_len) + 1;
	out->cmdline_len = (uint16_t)MIN(argv_len, sizeof(out->cmdline));
	memcpy(out->cmdline, args->buf, out->cmdline_len);
	kfree(pl);
	return 0;
}

long exec_spawn(struct process *parent, const char *name, const void *elf, size_t size,
		const struct exec_args *args, uint8_t prio, uint8_t policy)
{
	struct process *p = process_create(parent, name);
	if (!p)
		return -ENOMEM;
	struct exec_image img = { .size = size, .mem = elf };
	struct exec_loaded l;
	const char *why;
	long e = exec_load(p, &img, args, name, &l, &why);
	if (e == -ENOEXEC)
		printk("neutrino: cannot load %s: %s\n", name, why);
	struct thread *t = NULL;
	if (!e) {
		aspace_destroy(p->as);
		p->as = l.as;
		p->brk_start = p->brk_cur = l.brk;
		p->base_prio = prio;
		exec_set_cmdline(p, &l);
		t = thread_create_user(p, l.entry, l.sp, 0, prio, policy);
		if (!t)
			e = -ENOMEM;
	}
	if (e) {
		process_discard(p);
		return e;
	}
	irqflags_t f = irq_save();
	sched_ready(t);
	irq_restore(f);
	return p->pid;
}

void exec_set_cmdline(struct process *p, const struct exec_loaded *l)
{
	p->cmdline_len = l->cmdline_len;
	memcpy(p->cmdline, l->cmdline, l->cmdline_len);
}

int exec_args_single(struct exec_args *a, const char *argv0)
{
	a->len = strlen(argv0) + 1;
	a->buf = kmalloc(a->len);
	if (!a->buf)
		return -ENOMEM;
	memcpy(a->buf, argv0, a->len);
	a->argc = 1;
	a->envc = 0;
	return 0;
}

static int copy_vector(struct exec_args *a, uaddr_t vec, unsigned *count)
{
	for (unsigned i = 0; vec; i++) {
		uint64_t ptr;
		if (a->argc + a->envc + i >= EXEC_ARGV_MAX)
			return -E2BIG;
		if (copy_from_user(&ptr, vec + i * 8ull, 8))
			return -EFAULT;
		if (!ptr) {
			*count = i;
			return 0;
		}
		long n = strncpy_from_user(a->buf + a->len, ptr, EXEC_ARGS_MAX - a->len);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		a->len += (size_t)n + 1;
	}
	*count = 0;
	return 0;
}

int exec_args_from_user(struct exec_args *a, uaddr_t argv, uaddr_t envp)
{
	a->buf = kmalloc(EXEC_ARGS_MAX);
	a->len = a->argc = a->envc = 0;
	if (!a->buf)
		return -ENOMEM;
	int e = copy_vector(a, argv, &a->argc);
	if (!e)
		e = copy_vector(a, envp, &a->envc);
	if (e)
		exec_args_free(a);
	return e;
}

void exec_args_free(struct exec_args *a)
{
	kfree(a->buf);
	a->buf = NULL;
}
