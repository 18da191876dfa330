/*
 * What the kernel takes from the multiboot2 boot information (parsed once at
 * boot by kernel/multiboot2.c): the memory map, the boot image module, the
 * ACPI RSDP copy and the command line.
 */
#pragma once
#include <kernel/types.h>

#define MB2_BOOT_MAGIC 0x36d76289
#define MB2_MAX_MMAP 64

struct boot_mmap_entry {
	uint64_t base, len;
	uint32_t type; /* 1 = usable RAM */
};

struct boot_info {
	paddr_t info_phys, info_end;
	struct boot_mmap_entry mmap[MB2_MAX_MMAP];
	unsigned n_mmap;
	paddr_t module_start, module_end; /* the boot image; 0 if none */
	const void *rsdp;                 /* copy inside the info block, or NULL */
	char cmdline[256];
};
extern struct boot_info boot_info;

/* Parses the information block; panics with a clear message if it is not multiboot2. */
void multiboot2_parse(uint32_t magic, paddr_t info_phys);
