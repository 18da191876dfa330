/*
 * The entry list of a parsed buildfile: append, find, free, and the error
 * formatter every buildfile stage uses. Called by bf_parse.c, bf_check.c,
 * the image loader and writer, and the tests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildfile.h"

int bf_fail(struct bf_error *err, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err->msg, sizeof(err->msg), "%s:%d: ", file, line);

	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int bf_list_push(struct bf_list *l, const struct bf_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct bf_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

static int entry_cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct bf_entry *)elem)->name);
}

struct bf_entry *bf_find(const struct bf_list *l, const char *name)
{
	if (!l->n)
		return NULL;
	return bsearch(name, l->v, l->n, sizeof(l->v[0]), entry_cmp_name);
}

void bf_list_free(struct bf_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].host);
		free(l->v[i].link);
		free(l->v[i].data);
	}
	free(l->v);
	free(l->file);
	memset(l, 0, sizeof(*l));
}
