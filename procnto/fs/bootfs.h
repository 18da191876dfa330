/*
 * /proc/boot: the boot image served read-only (fs/bootfs.c). main.c calls
 * bootfs_init() once at start-up, before the dispatch loop runs.
 */
#pragma once
#include <sys/dispatch.h>

#include "boot/imagefs.h"

/*
 * Attaches /proc/boot to dpp (registering it in the pathname space) and
 * registers every link entry of the image as a procnto symlink at
 * "/<its name>" (a relative target is made absolute from the link's
 * directory under /proc/boot). fs must stay valid. 0 or -errno.
 */
int bootfs_init(dispatch_t *dpp, const struct imagefs *fs);
