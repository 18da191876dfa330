/*
 * The boot image as procnto sees it: header checks and lookups in the
 * mapped image (see imagefs.h). No kernel calls: main.c maps the image with
 * ImageMap() and hands the mapping in.
 */
#include "boot/imagefs.h"

#include <errno.h>
#include <string.h>

/* Whether [off, off + len) lies inside [0, size), without overflow. */
static int in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

int imagefs_open(struct imagefs *fs, const void *base, uint64_t size)
{
	const struct ifs_header *h = base;
	if (size < sizeof(*h) || memcmp(h->magic, IFS_MAGIC, sizeof(h->magic)) != 0)
		return -EINVAL;
	if (h->version != 1 || h->image_size > size || h->image_size < sizeof(*h))
		return -EINVAL;
	uint64_t dir_bytes = (uint64_t)h->n_entries * sizeof(struct ifs_dirent);
	if (!in_range(sizeof(*h), dir_bytes, h->image_size))
		return -EINVAL;
	if (!in_range(h->strtab_off, h->strtab_size, h->image_size))
		return -EINVAL;
	fs->base = base;
	fs->size = h->image_size;
	fs->dir = (const struct ifs_dirent *)(fs->base + sizeof(*h));
	fs->n = h->n_entries;
	fs->strtab = (const char *)fs->base + h->strtab_off;
	fs->strtab_size = h->strtab_size;
	return 0;
}

const char *imagefs_name(const struct imagefs *fs, const struct ifs_dirent *d)
{
	if (d->name_off >= fs->strtab_size)
		return NULL;
	const char *s = fs->strtab + d->name_off;
	if (!memchr(s, '\0', fs->strtab_size - d->name_off))
		return NULL;
	return s;
}

const struct ifs_dirent *imagefs_find_flag(const struct imagefs *fs, unsigned flags)
{
	for (uint32_t i = 0; i < fs->n; i++)
		if ((fs->dir[i].flags & flags) == flags)
			return &fs->dir[i];
	return NULL;
}

const struct ifs_dirent *imagefs_lookup(const struct imagefs *fs, const char *name)
{
	uint32_t lo = 0, hi = fs->n; /* entries are sorted by strcmp order */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *s = imagefs_name(fs, &fs->dir[mid]);
		if (!s)
			return NULL;
		int c = strcmp(name, s);
		if (c == 0)
			return &fs->dir[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const void *imagefs_data(const struct imagefs *fs, const struct ifs_dirent *d, size_t *len)
{
	if (d->type != IFS_TYPE_FILE || !in_range(d->data_off, d->size, fs->size))
		return NULL;
	*len = d->size;
	return fs->base + d->data_off;
}

const char *imagefs_target(const struct imagefs *fs, const struct ifs_dirent *d)
{
	if (d->type != IFS_TYPE_SYMLINK || d->target_off == 0 || d->target_off >= fs->strtab_size)
		return NULL;
	const char *s = fs->strtab + d->target_off;
	if (!memchr(s, '\0', fs->strtab_size - d->target_off))
		return NULL;
	return s;
}
