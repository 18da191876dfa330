/*
 * Native kernel-call dispatch. The table (kcall_table.c) and the ker_*
 * prototypes (kcall_gen.h) are generated from kcall/kcalls.tab.
 */
#pragma once
#include <arch/trap.h>
#include <kernel/types.h>
#include <sys/neutrino.h>

struct kcall_entry {
	long (*fn)(struct trapframe *tf); /* decodes the registers, calls impl */
	const char *name;
	const void *impl;                 /* the ker_* handler; NULL if not linked */
};
extern const struct kcall_entry kcall_table[];
extern const unsigned kcall_count;

long kcall_enosys(unsigned n);

/* Runs call n (already range-checked against kcall_count); -ENOSYS for
 * holes in the numbering. Inline: it is on every native call's path. */
static inline long kcall_dispatch(struct trapframe *tf, unsigned n)
{
	const struct kcall_entry *e = &kcall_table[n];
	if (likely(e->impl))
		return e->fn(tf);
	return kcall_enosys(n);
}
