/*
 * Image layout and output. image_build() turns a loaded, sorted entry list
 * into the bytes of an image; image_save() writes them atomically. Called by
 * mkifs's main.c and the tests.
 *
 * Layout: header, dirents (in list order, which is name order), the string
 * table (offset 0 holds an empty string so that 0 can mean "none"; name_off
 * and target_off are relative to strtab_off), then file data, each file on a
 * 4 KiB boundary. image_size is rounded up to 4 KiB so the whole module can
 * be mapped page by page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint32_t mode_of(const struct bf_entry *e)
{
	uint32_t kind = e->type == IFS_TYPE_DIR	    ? S_IFDIR
			: e->type == IFS_TYPE_SYMLINK ? S_IFLNK
						      : S_IFREG;

	return kind | (e->perms & 07777);
}

int image_build(const struct bf_list *l, struct image *img, struct bf_error *err)
{
	uint64_t strtab_off = sizeof(struct ifs_header) + l->n * sizeof(struct ifs_dirent);
	uint64_t strtab_size = 1, pos;
	struct ifs_header *h;
	uint32_t str_pos = 1;
	uint8_t *buf;

	for (size_t i = 0; i < l->n; i++) {
		strtab_size += strlen(l->v[i].name) + 1;
		if (l->v[i].link)
			strtab_size += strlen(l->v[i].link) + 1;
	}
	if (strtab_size > UINT32_MAX) {
		bf_fail(err, l->file, l->last_line, "string table too large");
		return -EFBIG;
	}
	pos = align_up(strtab_off + strtab_size, IFS_DATA_ALIGN);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].type == IFS_TYPE_FILE)
			pos = align_up(pos + l->v[i].size, IFS_DATA_ALIGN);
	if (pos > SIZE_MAX / 2) {
		bf_fail(err, l->file, l->last_line, "image too large");
		return -EFBIG;
	}

	buf = calloc(1, pos);
	if (!buf) {
		bf_fail(err, l->file, l->last_line, "out of memory (%llu byte image)",
			(unsigned long long)pos);
		return -ENOMEM;
	}
	img->buf = buf;
	img->size = pos;

	h = (struct ifs_header *)buf;
	memcpy(h->magic, IFS_MAGIC, sizeof(h->magic));
	h->version = 1;
	h->n_entries = (uint32_t)l->n;
	h->image_size = pos;
	h->strtab_off = strtab_off;
	h->strtab_size = strtab_size;

	pos = align_up(strtab_off + strtab_size, IFS_DATA_ALIGN);
	for (size_t i = 0; i < l->n; i++) {
		const struct bf_entry *e = &l->v[i];
		struct ifs_dirent *d = (struct ifs_dirent *)(buf + sizeof(*h)) + i;
		size_t len = strlen(e->name) + 1;

		*d = (struct ifs_dirent){ .mode = mode_of(e), .uid = e->uid, .gid = e->gid,
					  .mtime = e->mtime, .type = (uint16_t)e->type,
					  .flags = e->flags, .name_off = str_pos };
		memcpy(buf + strtab_off + str_pos, e->name, len);
		str_pos += len;
		if (e->type == IFS_TYPE_SYMLINK) {
			len = strlen(e->link) + 1;
			d->target_off = str_pos;
			d->size = len - 1;
			memcpy(buf + strtab_off + str_pos, e->link, len);
			str_pos += len;
		} else if (e->type == IFS_TYPE_FILE) {
			d->data_off = pos;
			d->size = e->size;
			if (e->size)
				memcpy(buf + pos, e->data, e->size);
			pos = align_up(pos + e->size, IFS_DATA_ALIGN);
		}
	}
	h->checksum = ifs_checksum(buf, h->image_size);
	return 0;
}

int image_save(const char *path, const struct image *img, struct bf_error *err)
{
	size_t plen = strlen(path) + 32, done = 0;
	char *tmp = malloc(plen);
	int fd, rc = 0;

	if (!tmp) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(tmp, plen, "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	while (done < img->size) {
		ssize_t n = write(fd, img->buf + done, img->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		done += n;
	}
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
fail:
	if (rc)
		snprintf(err->msg, sizeof(err->msg), "cannot write '%s': %s", path, strerror(-rc));
	free(tmp);
	return rc;
}
