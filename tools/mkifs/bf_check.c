/*
 * Whole-buildfile checks, run by bf_parse() once every line is read: exactly
 * one +boot and at most one +script, no name twice, no file or link used as
 * a directory; then the list is sorted by name (strcmp order, as the image
 * wants it) and a directory entry is added for every path component that no
 * line names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/imagefs.h>

#include "buildfile.h"

static int entry_cmp(const void *a, const void *b)
{
	const struct bf_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int check_flags(struct bf_list *l, struct bf_error *err)
{
	int boot_line = 0, script_line = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct bf_entry *e = &l->v[i];

		if (e->flags & IFS_F_BOOT) {
			if (boot_line)
				return bf_fail(err, l->file, e->line,
					       "second +boot entry '%s' (first at line %d)",
					       e->name, boot_line);
			boot_line = e->line;
		}
		if (e->flags & IFS_F_SCRIPT) {
			if (script_line)
				return bf_fail(err, l->file, e->line,
					       "second +script entry '%s' (first at line %d)",
					       e->name, script_line);
			script_line = e->line;
		}
	}
	if (!boot_line)
		return bf_fail(err, l->file, l->last_line, "no entry has +boot");
	return 0;
}

static const char *type_word(int type)
{
	return type == IFS_TYPE_SYMLINK ? "a link" : "a file";
}

/* The entry called name: among the first n (sorted) entries, then the rest. */
static struct bf_entry *find_name(struct bf_list *l, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, l->v[mid].name);

		if (c == 0)
			return &l->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (size_t k = n; k < l->n; k++)
		if (!strcmp(l->v[k].name, name))
			return &l->v[k];
	return NULL;
}

/* Add directories for the path components of the first n (sorted) entries. */
static int add_implied_dirs(struct bf_list *l, size_t n, struct bf_error *err)
{
	char dir[IFS_NAME_MAX + 1];

	for (size_t i = 0; i < n; i++) {
		const char *name = l->v[i].name; /* heap string: stays put when l->v grows */
		int line = l->v[i].line;

		for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
			struct bf_entry *d, e;

			memcpy(dir, name, slash - name); /* names are at most IFS_NAME_MAX */
			dir[slash - name] = '\0';
			d = find_name(l, n, dir);
			if (d && d->type != IFS_TYPE_DIR)
				return bf_fail(err, l->file, line,
					       "'%s' cannot hold '%s': line %d makes it %s", dir,
					       name, d->line, type_word(d->type));
			if (d) {
				if (d->implied && line < d->line)
					d->line = line;
				continue;
			}
			e = (struct bf_entry){ .line = line, .type = IFS_TYPE_DIR, .perms = 0755,
					       .has_perms = true, .implied = true,
					       .name = strdup(dir) };
			if (!e.name || bf_list_push(l, &e)) {
				free(e.name);
				return bf_fail(err, l->file, line, "out of memory");
			}
		}
	}
	return 0;
}

int bf_check(struct bf_list *l, struct bf_error *err)
{
	size_t n = l->n;
	int rc = check_flags(l, err);

	if (rc)
		return rc;
	qsort(l->v, n, sizeof(l->v[0]), entry_cmp);
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(l->v[i - 1].name, l->v[i].name))
			return bf_fail(err, l->file, l->v[i].line,
				       "duplicate target '%s' (first at line %d)", l->v[i].name,
				       l->v[i - 1].line);
	}
	rc = add_implied_dirs(l, n, err);
	if (rc)
		return rc;
	qsort(l->v, l->n, sizeof(l->v[0]), entry_cmp);
	return 0;
}
