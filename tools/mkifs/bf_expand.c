/*
 * Variable expansion for buildfile lines: ${NAME} is replaced by its value
 * from the lookup callback (mkifs: -D options, then the environment), "$$" is
 * a literal '$', and any other '$' stays as it is. Values are not expanded
 * again. Called by bf_parse() for every line, inline file lines included.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildfile.h"

struct sbuf {
	char *p;
	size_t n, cap;
};

static int sbuf_add(struct sbuf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->n + len + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
	return 0;
}

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

char *bf_expand(const char *file, int line, const char *text, bf_lookup_fn lookup,
		void *ctx, struct bf_error *err)
{
	struct sbuf b = { 0 };
	const char *s = text;

	if (sbuf_add(&b, "", 0))
		goto nomem;
	while (*s) {
		const char *dollar = strchr(s, '$');
		const char *end, *val;
		char name[128];
		size_t len;

		if (!dollar) {
			if (sbuf_add(&b, s, strlen(s)))
				goto nomem;
			break;
		}
		if (sbuf_add(&b, s, dollar - s))
			goto nomem;
		if (dollar[1] == '$') {
			if (sbuf_add(&b, "$", 1))
				goto nomem;
			s = dollar + 2;
			continue;
		}
		if (dollar[1] != '{') {
			if (sbuf_add(&b, "$", 1))
				goto nomem;
			s = dollar + 1;
			continue;
		}
		end = strchr(dollar + 2, '}');
		if (!end) {
			bf_fail(err, file, line, "unterminated '${'");
			goto fail;
		}
		len = end - (dollar + 2);
		if (len == 0 || len >= sizeof(name)) {
			bf_fail(err, file, line, "bad variable name '%.*s'", (int)len, dollar + 2);
			goto fail;
		}
		for (size_t i = 0; i < len; i++) {
			if (!is_name_char(dollar[2 + i])) {
				bf_fail(err, file, line, "bad variable name '%.*s'", (int)len,
					dollar + 2);
				goto fail;
			}
		}
		memcpy(name, dollar + 2, len);
		name[len] = '\0';
		val = lookup ? lookup(ctx, name) : NULL;
		if (!val) {
			bf_fail(err, file, line, "undefined variable '%s'", name);
			goto fail;
		}
		if (sbuf_add(&b, val, strlen(val)))
			goto nomem;
		s = end + 1;
	}
	return b.p;
nomem:
	bf_fail(err, file, line, "out of memory");
fail:
	free(b.p);
	return NULL;
}
