/*
 * The boot image (multiboot2 module, format in sys/imagefs.h), validated
 * once at boot and read-only afterwards.
 */
#pragma once
#include <kernel/types.h>
#include <sys/imagefs.h>

/* Validates the module; a missing or corrupt image panics with the reason. */
void bootimage_init(void);
/* Looks a name up (no leading '/'), following symlinks; NULL if absent. */
const struct ifs_dirent *bootimage_lookup(const char *name);
const struct ifs_dirent *bootimage_find_flag(uint16_t flag);
const void *bootimage_data(const struct ifs_dirent *d);
const char *bootimage_name(const struct ifs_dirent *d);
paddr_t bootimage_phys(void);
size_t bootimage_size(void);
