/*
 * mkifs: the host tool that builds a boot image from a buildfile (run by the
 * nto_image() CMake function, cmake/Image.cmake), and lists and checks an
 * existing image (used by tests).
 *
 *   mkifs [-D NAME=value]... [-v] [-M depfile] buildfile output.ifs
 *   mkifs --list image.ifs
 *
 * -D defines a ${NAME} for the buildfile (later -D wins; undefined names are
 * then looked up in the environment). -v lists the entries written. -M writes
 * a Make-style depfile naming the buildfile and every host file read.
 * Errors go to stderr as "file:line: reason" (buildfile errors) or
 * "mkifs: reason"; the exit status is then 1 and no output file is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image.h"

struct defs {
	char **v;   /* "NAME=value" strings from argv */
	int n;
};

static const char *defs_lookup(void *ctx, const char *name)
{
	const struct defs *d = ctx;
	size_t len = strlen(name);

	for (int i = d->n - 1; i >= 0; i--)
		if (!strncmp(d->v[i], name, len) && d->v[i][len] == '=')
			return d->v[i] + len + 1;
	return getenv(name);
}

static int usage(void)
{
	fprintf(stderr, "usage: mkifs [-D NAME=value]... [-v] [-M depfile] buildfile output.ifs\n"
			"       mkifs --list image.ifs\n");
	return 1;
}

/* Read a whole file as a NUL-terminated string; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = (n + 4096 + 1) * 2);

			if (!p) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int list_image(const char *path)
{
	struct bf_error err;
	size_t len;
	uint8_t *buf = (uint8_t *)slurp(path, &len);
	const struct ifs_header *h = (const void *)buf;

	if (!buf) {
		fprintf(stderr, "mkifs: cannot read '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (ifs_verify(buf, len, path, &err)) {
		fprintf(stderr, "mkifs: %s\n", err.msg);
		free(buf);
		return 1;
	}
	ifs_list(buf, stdout);
	printf("%u entries, %llu bytes, checksum 0x%08x ok\n", h->n_entries,
	       (unsigned long long)h->image_size, h->checksum);
	free(buf);
	return 0;
}

/* Print a path for a depfile: blanks and '#' escaped with '\', '$' doubled. */
static void dep_path(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '#' || *s == '\\')
			fputc('\\', f);
		if (*s == '$')
			fputc('$', f);
		fputc(*s, f);
	}
}

static int write_depfile(const char *path, const char *output, const char *buildfile,
			 const struct bf_list *l)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	dep_path(f, output);
	fputs(": ", f);
	dep_path(f, buildfile);
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].host) {
			fputs(" \\\n  ", f);
			dep_path(f, l->v[i].host);
		}
	}
	fputc('\n', f);
	return fclose(f) ? -errno : 0;
}

static uint32_t build_time(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long v;

	if (sde && *sde) {
		v = strtoull(sde, &end, 10);
		if (!*end && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	return (uint32_t)time(NULL);
}

static int make_image(const char *buildfile, const char *output, const char *depfile,
		      struct defs *defs, int verbose)
{
	struct bf_list list;
	struct bf_error err;
	struct image img = { 0 };
	size_t len;
	char *text = slurp(buildfile, &len);
	int rc;

	if (!text) {
		fprintf(stderr, "mkifs: cannot read '%s': %s\n", buildfile, strerror(errno));
		return 1;
	}
	rc = bf_parse(buildfile, text, defs_lookup, defs, &list, &err);
	free(text);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	rc = image_load(&list, build_time(), &err);
	if (!rc)
		rc = image_build(&list, &img, &err);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		goto out;
	}
	if (depfile) {
		rc = write_depfile(depfile, output, buildfile, &list);
		if (rc) {
			fprintf(stderr, "mkifs: cannot write '%s': %s\n", depfile, strerror(-rc));
			goto out;
		}
	}
	rc = image_save(output, &img, &err);
	if (rc) {
		fprintf(stderr, "mkifs: %s\n", err.msg);
		goto out;
	}
	if (verbose)
		ifs_list(img.buf, stdout);
out:
	free(img.buf);
	bf_list_free(&list);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct defs defs = { calloc(argc, sizeof(char *)), 0 };
	const char *depfile = NULL, *files[2];
	int verbose = 0, nfiles = 0, rc;

	if (!defs.v)
		return 1;
	if (argc == 3 && !strcmp(argv[1], "--list")) {
		free(defs.v);
		return list_image(argv[2]);
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v")) {
			verbose = 1;
		} else if (!strncmp(a, "-D", 2) || !strcmp(a, "-M")) {
			const char *val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);

			if (!val)
				return usage();
			if (a[1] == 'M') {
				depfile = val;
			} else if (!strchr(val, '=') || val[0] == '=') {
				fprintf(stderr, "mkifs: -D needs NAME=value, not '%s'\n", val);
				return 1;
			} else {
				defs.v[defs.n++] = (char *)val;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mkifs: unknown option '%s'\n", a);
			return usage();
		} else if (nfiles < 2) {
			files[nfiles++] = a;
		} else {
			return usage();
		}
	}
	if (nfiles != 2)
		return usage();
	rc = make_image(files[0], files[1], depfile, &defs, verbose);
	free(defs.v);
	return rc;
}
