/*
 * Read access to the boot image file system (format: <sys/imagefs.h>) once
 * it is mapped into procnto. Pure: every offset is checked against the
 * mapping, so a damaged image gives errors, never wild reads. Used by
 * main.c to find the startup script and by the /proc/boot server (fs/bootfs.c).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/imagefs.h>

struct imagefs {
	const uint8_t *base;               /* [I] start of the mapped image */
	uint64_t size;                     /* [I] bytes of the image (header's image_size) */
	const struct ifs_dirent *dir;      /* [I] n entries, sorted by name */
	uint32_t n;                        /* [I] */
	const char *strtab;                /* [I] */
	uint64_t strtab_size;              /* [I] */
};

/*
 * Check the header of the image at base (mapped bytes: size) and fill fs.
 * Returns 0, or -EINVAL when the header or its tables do not fit.
 */
int imagefs_open(struct imagefs *fs, const void *base, uint64_t size);

/* The entry's name, or NULL when its offset is outside the string table. */
const char *imagefs_name(const struct imagefs *fs, const struct ifs_dirent *d);

/* The first entry with all of flags set (IFS_F_*), or NULL. */
const struct ifs_dirent *imagefs_find_flag(const struct imagefs *fs, unsigned flags);

/* The entry named name (no leading '/'), or NULL. */
const struct ifs_dirent *imagefs_lookup(const struct imagefs *fs, const char *name);

/*
 * A FILE entry's data and length. Returns NULL when d is not a file or its
 * data lies outside the image.
 */
const void *imagefs_data(const struct imagefs *fs, const struct ifs_dirent *d, size_t *len);

/* A SYMLINK entry's target, or NULL when d is not a link or is damaged. */
const char *imagefs_target(const struct imagefs *fs, const struct ifs_dirent *d);

/* The index of entry d in the directory (its inode number base). */
static inline uint32_t imagefs_index(const struct imagefs *fs, const struct ifs_dirent *d)
{
	return (uint32_t)(d - fs->dir);
}
