/*
 * The kernel object allocator: power-of-two size classes from 16 bytes to
 * 2 KiB carved from pages, larger objects as whole page runs. Objects are
 * zeroed. May be called with interrupts on or off, also from interrupt
 * handlers (free lists change with interrupts off). kmem_in_use() reports
 * bytes allocated, for leak checks.
 */
#pragma once
#include <kernel/types.h>

void *kmalloc(size_t size);
void kfree(void *p);
void *kzalloc(size_t size);
uint64_t kmem_in_use(void);
