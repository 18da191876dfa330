/*
 * Loading the host side of a parsed buildfile: reads every host file into its
 * entry, takes its mtime and (unless perms= was given) its permission bits,
 * and checks that the +boot program is an x86_64 ELF executable. Called by
 * mkifs's main.c between bf_parse() and image_build(), and by the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

#define ELF_EM_X86_64 62
#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3

static int file_read(struct bf_list *l, struct bf_entry *e, struct bf_error *err)
{
	struct stat st;
	size_t got = 0;
	int fd = open(e->host, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0) {
		rc = -errno;
		bf_fail(err, l->file, e->line, "cannot open '%s': %s", e->host, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		bf_fail(err, l->file, e->line, "cannot stat '%s': %s", e->host, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = bf_fail(err, l->file, e->line, "'%s' is not a regular file", e->host);
		goto out;
	}
	e->data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!e->data) {
		rc = -ENOMEM;
		bf_fail(err, l->file, e->line, "out of memory reading '%s'", e->host);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, e->data + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			bf_fail(err, l->file, e->line, "cannot read '%s': %s", e->host,
				n < 0 ? strerror(errno) : "file shrank while reading");
			goto out;
		}
		got += n;
	}
	e->size = got;
	e->mtime = st.st_mtime < 0 ? 0 : st.st_mtime > UINT32_MAX ? UINT32_MAX : st.st_mtime;
	if (!e->has_perms) {
		e->perms = st.st_mode & 07777;
		e->has_perms = true;
	}
out:
	close(fd);
	return rc;
}

static uint16_t le16(const char *p)
{
	return (uint16_t)((uint8_t)p[0] | (uint8_t)p[1] << 8);
}

static int check_elf(const struct bf_list *l, const struct bf_entry *e, struct bf_error *err)
{
	const char *d = e->data;
	const char *what = e->host ? e->host : e->name;
	uint16_t type;

	if (e->size < 64 || memcmp(d, "\177ELF", 4) != 0)
		return bf_fail(err, l->file, e->line, "+boot file '%s' is not an ELF file", what);
	type = le16(d + 16);
	if (d[4] != 2 || d[5] != 1 || le16(d + 18) != ELF_EM_X86_64 ||
	    (type != ELF_ET_EXEC && type != ELF_ET_DYN))
		return bf_fail(err, l->file, e->line,
			       "+boot file '%s' is not an x86_64 ELF executable", what);
	return 0;
}

int image_load(struct bf_list *l, uint32_t now, struct bf_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		struct bf_entry *e = &l->v[i];
		int rc;

		e->mtime = now;
		if (e->host) {
			free(e->data);
			e->data = NULL;
			rc = file_read(l, e, err);
			if (rc)
				return rc;
		}
		if (e->flags & IFS_F_BOOT) {
			rc = check_elf(l, e, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}
