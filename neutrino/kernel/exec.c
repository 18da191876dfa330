/*
 * Loads a static ELF into a new process and builds its initial stack.
 * The ELF is validated by elf_check() first (it may come from any file
 * system later, so it is treated as hostile); segments are copied into
 * fresh pages; the stack and brk regions are demand-zero.
 */
#include <arch/cpu.h>
#include <kernel/elf_check.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/printk.h>
#include <kernel/process.h>
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

static uint64_t rand_state;

static uint64_t rand64(void)
{
	rand_state ^= rdtsc() * 0x9E3779B97F4A7C15ull;
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return rand_state;
}

static int load_segments(struct aspace *as, const uint8_t *elf, const struct elf_load_plan *pl,
			 uint64_t bias)
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
		int e = vm_write_remote(as, s->vaddr + bias, elf + s->offset, s->filesz);
		if (e)
			return e;
	}
	return 0;
}

/* Builds argc/argv/envp/auxv below STACK_TOP; returns the initial rsp or -errno. */
static long build_stack(struct process *p, const struct exec_args *a, const struct elf_load_plan *pl,
			uint64_t bias, const char *name)
{
	size_t name_len = strlen(name) + 1;
	size_t strings = a->len + name_len + 16; /* + AT_RANDOM bytes */
	unsigned nvec = 1 + a->argc + 1 + a->envc + 1 + 2 * 18;
	size_t total = ALIGN_UP(strings, 16) + ALIGN_UP(nvec * 8, 16);
	if (total > STACK_SIZE / 4)
		return -E2BIG;
	uint8_t *buf = kmalloc(total);
	if (!buf)
		return -ENOMEM;
	uaddr_t base = STACK_TOP - total; /* 16-aligned: total is */
	uint64_t *v = (uint64_t *)buf;
	uint8_t *str = buf + ALIGN_UP(nvec * 8, 16);
	uaddr_t str_u = base + (str - buf);
	memcpy(str, a->buf, a->len);
	uaddr_t execfn = str_u + a->len, random = execfn + name_len;
	memcpy(str + a->len, name, name_len);
	uint64_t r0 = rand64(), r1 = rand64();
	memcpy(str + a->len + name_len, &r0, 8);
	memcpy(str + a->len + name_len + 8, &r1, 8);

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
	uint64_t aux[][2] = {
		{ AT_PHDR, pl->phdr_mapped ? pl->phdr_vaddr + bias : 0 },
		{ AT_PHENT, pl->phentsize }, { AT_PHNUM, pl->phnum },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, pl->entry + bias }, { AT_UID, p->uid }, { AT_EUID, p->uid },
		{ AT_GID, p->gid }, { AT_EGID, p->gid }, { AT_HWCAP, edx },
		{ AT_CLKTCK, 100 }, { AT_SECURE, 0 }, { AT_RANDOM, random },
		{ AT_EXECFN, execfn }, { AT_NULL, 0 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(aux); i++) {
		v[k++] = aux[i][0];
		v[k++] = aux[i][1];
	}
	int e = vm_write_remote(p->as, base, buf, total);
	kfree(buf);
	return e ? e : (long)base;
}

long exec_spawn(struct process *parent, const char *name, const void *elf, size_t size,
		const struct exec_args *args, uint8_t prio, uint8_t policy)
{
	struct elf_load_plan *pl = kmalloc(sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	const char *why = "";
	int e = elf_check(elf, size, pl, &why);
	if (e) {
		printk("neutrino: cannot load %s: %s\n", name, why);
		kfree(pl);
		return e;
	}
	uint64_t bias = pl->pie ? PIE_BASE - pl->lo : 0;
	struct process *p = process_create(parent, name);
	if (!p) {
		kfree(pl);
		return -ENOMEM;
	}
	long sp = load_segments(p->as, elf, pl, bias);
	if (!sp)
		sp = vm_map_fixed(p->as, STACK_TOP - STACK_SIZE, STACK_SIZE, VM_READ | VM_WRITE);
	if (!sp)
		sp = build_stack(p, args, pl, bias, name);
	struct thread *t = NULL;
	if (sp >= 0) {
		p->brk_start = p->brk_cur = PAGE_ALIGN_UP(pl->hi + bias);
		p->base_prio = prio;
		t = thread_create_user(p, pl->entry + bias, (uaddr_t)sp, 0, prio, policy);
		if (!t)
			sp = -ENOMEM;
	}
	kfree(pl);
	if (sp < 0) {
		aspace_destroy(p->as);
		p->as = NULL;
		process_reap(p);
		return sp;
	}
	irqflags_t f = irq_save();
	sched_ready(t);
	irq_restore(f);
	return p->pid;
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
