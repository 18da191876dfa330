/*
 * Image checking and listing: the checksum, a full structural check of an
 * image read back from disk (every offset in bounds, names sorted, one boot
 * file), lookup by name and an ls-like listing. Called by `mkifs --list`,
 * `mkifs -v` and the tests. It trusts nothing in the image.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"

uint32_t ifs_checksum(const uint8_t *buf, uint64_t size)
{
	uint32_t sum = 0;
	uint64_t i = sizeof(struct ifs_header);

	for (; i + 4 <= size; i += 4)
		sum += (uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 |
		       (uint32_t)buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 24;
	for (unsigned shift = 0; i < size; i++, shift += 8)
		sum += (uint32_t)buf[i] << shift;
	return sum;
}

static int bad(struct bf_error *err, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct bf_error *err, const char *what, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err->msg, sizeof(err->msg), "%s: ", what);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *ifs_str(const uint8_t *buf, uint32_t off)
{
	const struct ifs_header *h = (const void *)buf;

	return (const char *)buf + h->strtab_off + off;
}

/* Is off the start of a NUL-terminated string of 1..max chars in the table? */
static bool str_ok(const struct ifs_header *h, const uint8_t *buf, uint64_t off, size_t max)
{
	const char *s = (const char *)buf + h->strtab_off + off;

	if (off == 0 || off >= h->strtab_size)
		return false;
	/* The table ends with a NUL (checked by the caller), so strlen stays inside. */
	return s[0] != '\0' && strlen(s) <= max;
}

static int entry_verify(const struct ifs_header *h, const uint8_t *buf, uint32_t i,
			uint64_t data_start, const char *what, struct bf_error *err)
{
	const struct ifs_dirent *d = (const void *)(buf + sizeof(*h) + i * sizeof(*d));
	const char *name;

	if (!str_ok(h, buf, d->name_off, IFS_NAME_MAX))
		return bad(err, what, "entry %" PRIu32 ": bad name offset", i);
	name = ifs_str(buf, d->name_off);
	if (i > 0 && strcmp(ifs_str(buf, d[-1].name_off), name) >= 0)
		return bad(err, what, "entry '%s' is out of order", name);
	switch (d->type) {
	case IFS_TYPE_FILE:
		if (d->data_off % IFS_DATA_ALIGN || d->data_off < data_start ||
		    d->data_off > h->image_size || d->size > h->image_size - d->data_off)
			return bad(err, what, "'%s': data outside the image", name);
		if ((d->mode & S_IFMT) != S_IFREG)
			return bad(err, what, "'%s': mode is not a regular file", name);
		break;
	case IFS_TYPE_SYMLINK:
		if (!str_ok(h, buf, d->target_off, SIZE_MAX) ||
		    strlen(ifs_str(buf, d->target_off)) != d->size)
			return bad(err, what, "'%s': bad link target", name);
		if ((d->mode & S_IFMT) != S_IFLNK)
			return bad(err, what, "'%s': mode is not a link", name);
		break;
	case IFS_TYPE_DIR:
		if ((d->mode & S_IFMT) != S_IFDIR)
			return bad(err, what, "'%s': mode is not a directory", name);
		break;
	default:
		return bad(err, what, "'%s': unknown type %u", name, d->type);
	}
	if (d->flags & ~(IFS_F_BOOT | IFS_F_SCRIPT))
		return bad(err, what, "'%s': unknown flags 0x%x", name, d->flags);
	if (d->flags && d->type != IFS_TYPE_FILE)
		return bad(err, what, "'%s': +boot or +script on a non-file", name);
	return 0;
}

int ifs_verify(const uint8_t *buf, size_t len, const char *what, struct bf_error *err)
{
	const struct ifs_header *h = (const void *)buf;
	const struct ifs_dirent *d = (const void *)(buf + sizeof(*h));
	uint64_t data_start;
	unsigned boots = 0, scripts = 0;
	uint32_t sum;

	if (len < sizeof(*h) || memcmp(h->magic, IFS_MAGIC, sizeof(h->magic)) != 0)
		return bad(err, what, "not an image (bad magic)");
	if (h->version != 1)
		return bad(err, what, "unsupported version %" PRIu32, h->version);
	if (h->image_size < sizeof(*h) || h->image_size > len)
		return bad(err, what, "truncated: header says %" PRIu64 " bytes, have %zu",
			   h->image_size, len);
	sum = ifs_checksum(buf, h->image_size);
	if (sum != h->checksum)
		return bad(err, what, "bad checksum: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32,
			   h->checksum, sum);
	if (h->n_entries > (h->image_size - sizeof(*h)) / sizeof(*d) ||
	    h->strtab_off < sizeof(*h) + (uint64_t)h->n_entries * sizeof(*d) ||
	    h->strtab_off > h->image_size || h->strtab_size == 0 ||
	    h->strtab_size > h->image_size - h->strtab_off ||
	    buf[h->strtab_off + h->strtab_size - 1] != '\0')
		return bad(err, what, "bad directory or string table bounds");
	data_start = h->strtab_off + h->strtab_size;
	for (uint32_t i = 0; i < h->n_entries; i++) {
		int rc = entry_verify(h, buf, i, data_start, what, err);

		if (rc)
			return rc;
		boots += !!(d[i].flags & IFS_F_BOOT);
		scripts += !!(d[i].flags & IFS_F_SCRIPT);
	}
	if (boots != 1)
		return bad(err, what, "%u +boot entries (need exactly one)", boots);
	if (scripts > 1)
		return bad(err, what, "%u +script entries (at most one)", scripts);
	return 0;
}

const struct ifs_dirent *ifs_lookup(const uint8_t *buf, const char *name)
{
	const struct ifs_header *h = (const void *)buf;
	const struct ifs_dirent *d = (const void *)(buf + sizeof(*h));
	uint32_t lo = 0, hi = h->n_entries;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, ifs_str(buf, d[mid].name_off));

		if (c == 0)
			return &d[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void ifs_list(const uint8_t *buf, FILE *out)
{
	const struct ifs_header *h = (const void *)buf;
	const struct ifs_dirent *d = (const void *)(buf + sizeof(*h));
	static const char rwx[] = "rwxrwxrwx";

	for (uint32_t i = 0; i < h->n_entries; i++) {
		char mode[11];

		mode[0] = d[i].type == IFS_TYPE_DIR ? 'd' : d[i].type == IFS_TYPE_SYMLINK ? 'l' : '-';
		for (int b = 0; b < 9; b++)
			mode[1 + b] = d[i].mode & (0400 >> b) ? rwx[b] : '-';
		mode[10] = '\0';
		fprintf(out, "%s %5" PRIu32 " %5" PRIu32 " %9" PRIu64 " %s", mode, d[i].uid,
			d[i].gid, d[i].size, ifs_str(buf, d[i].name_off));
		if (d[i].type == IFS_TYPE_SYMLINK)
			fprintf(out, " -> %s", ifs_str(buf, d[i].target_off));
		if (d[i].flags & IFS_F_BOOT)
			fputs(" [+boot]", out);
		if (d[i].flags & IFS_F_SCRIPT)
			fputs(" [+script]", out);
		fputc('\n', out);
	}
}
