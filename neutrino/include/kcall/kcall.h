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

/* Runs call n (already range-checked against kcall_count); -ENOSYS for holes. */
long kcall_dispatch(struct trapframe *tf, unsigned n);
