/*
 * Buildfile parser: text in, list of entries out (struct bf_list), with the
 * line number of every entry. Pure: reads no file. Called by mkifs's main.c
 * and by the host unit tests; bf_check.c then validates the whole list.
 *
 * Buildfile syntax (QNX flavoured; docs/buildfile.md has examples):
 *
 *   # comment                    whole-line comments and blank lines are ignored;
 *                                a word starting with '#' ends the line too
 *   [attr ...] name = hostpath   host file hostpath stored as name
 *   [attr ...] hostpath          host file stored under its basename
 *   [attr ...] name = {          inline file: the following lines, each ending
 *   line of content              in '\n', up to a line holding only '}'
 *   }
 *   [type=link] name = target    symbolic link
 *   [type=dir] name              directory (also made implicitly for every
 *                                path component, with perms 0755, uid/gid 0)
 *   [attr ...]                   a line of attributes only: they become the
 *                                defaults for the following lines
 *
 *   Names are image-relative paths ("hello", "bin/sh"); a leading '/' is
 *   dropped; empty, ".", ".." components, "//" and a trailing '/' are refused.
 *   A word can be written in double quotes to hold blanks, '=' or '#'.
 *
 *   Attributes: uid=N gid=N (decimal), perms=0755 (octal), type=file|link|dir,
 *   +boot/-boot (the program the kernel starts first; exactly one per image,
 *   must be an x86_64 ELF), +script/-script (the startup script; at most one).
 *   Default perms: host files keep the host file's bits, inline files 0644,
 *   directories 0755, links 0777. Default uid and gid are 0.
 *
 *   ${NAME} is replaced everywhere except in whole-line comments, inline
 *   content included, by the value the caller's lookup gives (mkifs: -D
 *   NAME=value, then the environment); an undefined name is an error. "$$"
 *   gives a literal '$'.
 *
 * Every error is reported as "file:line: reason".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/imagefs.h>

#include "buildfile.h"

#define MAX_TOKENS 8
#define LINK_MAX_LEN 4095

enum tok_kind { T_ATTR, T_EQ, T_WORD };

struct tok {
	enum tok_kind kind;
	const char *s;   /* into the expanded line */
	size_t len;
	bool quoted;
};

struct parser {
	const char *file;
	const char *pos;       /* next unread byte of the text */
	int line;              /* number of the line last read */
	bf_lookup_fn lookup;
	void *ctx;
	struct bf_attr defaults;
	struct bf_list *out;
	struct bf_error *err;
};

/* Next physical line without its '\n' (and '\r'); false at the end of the text. */
static bool next_line(struct parser *p, const char **start, size_t *len)
{
	const char *nl;

	if (!*p->pos)
		return false;
	nl = strchr(p->pos, '\n');
	*start = p->pos;
	*len = nl ? (size_t)(nl - p->pos) : strlen(p->pos);
	p->pos = nl ? nl + 1 : p->pos + *len;
	if (*len && (*start)[*len - 1] == '\r')
		(*len)--;
	p->line++;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split an expanded line into tokens; returns the count or -EINVAL. */
static int tokenize(struct parser *p, const char *s, struct tok *t)
{
	int n = 0;

	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == MAX_TOKENS)
			return bf_fail(p->err, p->file, p->line, "unexpected '%s'", s);
		if (*s == '[' && (n == 0 || t[n - 1].kind == T_ATTR)) {
			const char *end = strchr(s, ']');

			if (!end)
				return bf_fail(p->err, p->file, p->line, "missing ']'");
			t[n++] = (struct tok){ T_ATTR, s + 1, end - s - 1, false };
			s = end + 1;
		} else if (*s == '=') {
			t[n++] = (struct tok){ T_EQ, s, 1, false };
			s++;
		} else if (*s == '"') {
			const char *end = strchr(s + 1, '"');

			if (!end)
				return bf_fail(p->err, p->file, p->line, "unterminated '\"'");
			t[n++] = (struct tok){ T_WORD, s + 1, end - s - 1, true };
			s = end + 1;
		} else {
			const char *w = s;

			while (*s && !is_blank(*s) && *s != '=')
				s++;
			t[n++] = (struct tok){ T_WORD, w, s - w, false };
		}
	}
}

/* Check and copy an image name (leading '/' dropped); NULL with err set. */
static char *name_make(struct parser *p, const char *s, size_t len)
{
	char *name;

	while (len && *s == '/') {
		s++;
		len--;
	}
	if (len == 0) {
		bf_fail(p->err, p->file, p->line, "empty target name");
		return NULL;
	}
	if (len > IFS_NAME_MAX) {
		bf_fail(p->err, p->file, p->line, "target name too long (%zu bytes, at most %u)",
			len, IFS_NAME_MAX);
		return NULL;
	}
	for (size_t i = 0; i <= len; i++) {
		size_t j = i;

		while (j < len && s[j] != '/')
			j++;
		if (j == i || (j - i == 1 && s[i] == '.') ||
		    (j - i == 2 && s[i] == '.' && s[i + 1] == '.')) {
			bf_fail(p->err, p->file, p->line, "bad target name '%.*s'", (int)len, s);
			return NULL;
		}
		i = j;
	}
	name = strndup(s, len);
	if (!name)
		bf_fail(p->err, p->file, p->line, "out of memory");
	return name;
}

/* Read inline content up to a line holding only '}' into e->data. */
static int inline_read(struct parser *p, struct bf_entry *e)
{
	const char *s;
	size_t len, cap = 0;
	int open_line = p->line;

	e->data = malloc(1);
	if (!e->data)
		return bf_fail(p->err, p->file, p->line, "out of memory");
	while (next_line(p, &s, &len)) {
		size_t a = 0, b = len;
		char *raw, *text, *grown;
		size_t tlen;

		while (a < b && is_blank(s[a]))
			a++;
		while (b > a && is_blank(s[b - 1]))
			b--;
		if (b - a == 1 && s[a] == '}')
			return 0;
		raw = strndup(s, len);
		if (!raw)
			return bf_fail(p->err, p->file, p->line, "out of memory");
		text = bf_expand(p->file, p->line, raw, p->lookup, p->ctx, p->err);
		free(raw);
		if (!text)
			return -EINVAL;
		tlen = strlen(text);
		if (e->size + tlen + 1 > cap) {
			cap = (e->size + tlen + 1) * 2;
			grown = realloc(e->data, cap);
			if (!grown) {
				free(text);
				return bf_fail(p->err, p->file, p->line, "out of memory");
			}
			e->data = grown;
		}
		memcpy(e->data + e->size, text, tlen);
		e->data[e->size + tlen] = '\n';
		e->size += tlen + 1;
		free(text);
	}
	return bf_fail(p->err, p->file, open_line,
		       "unterminated inline file '%s' (no line holding only '}')", e->name);
}

/* Build the entry for one line's words (after its attribute groups). */
static int entry_make(struct parser *p, const struct bf_attr *a, const struct tok *w, int nw,
		      struct bf_entry *e)
{
	bool has_src = nw == 3;
	const struct tok *src = &w[2];

	*e = (struct bf_entry){ .line = p->line, .uid = a->uid, .gid = a->gid,
				.flags = a->flags, .perms = a->perms,
				.has_perms = a->has_perms };
	e->type = a->type ? a->type : IFS_TYPE_FILE;
	if (e->type != IFS_TYPE_FILE && (e->flags & IFS_F_BOOT))
		return bf_fail(p->err, p->file, p->line, "+boot needs a file");
	if (e->type != IFS_TYPE_FILE && (e->flags & IFS_F_SCRIPT))
		return bf_fail(p->err, p->file, p->line, "+script needs a file");

	if (e->type == IFS_TYPE_DIR) {
		if (has_src)
			return bf_fail(p->err, p->file, p->line, "a directory takes no source");
		if (!e->has_perms)
			e->perms = 0755;
		e->name = name_make(p, w[0].s, w[0].len);
		return e->name ? 0 : -EINVAL;
	}
	if (e->type == IFS_TYPE_SYMLINK) {
		if (!has_src)
			return bf_fail(p->err, p->file, p->line, "a link needs 'name = target'");
		if (!src->quoted && src->len == 1 && src->s[0] == '{')
			return bf_fail(p->err, p->file, p->line, "a link cannot be inline");
		if (src->len == 0 || src->len > LINK_MAX_LEN)
			return bf_fail(p->err, p->file, p->line, "bad link target");
		if (!e->has_perms)
			e->perms = 0777;
		e->name = name_make(p, w[0].s, w[0].len);
		if (!e->name)
			return -EINVAL;
		e->link = strndup(src->s, src->len);
		return e->link ? 0 : bf_fail(p->err, p->file, p->line, "out of memory");
	}
	if (!has_src) {
		const char *base = w[0].s, *end = w[0].s + w[0].len;

		for (const char *c = w[0].s; c < end; c++)
			if (*c == '/')
				base = c + 1;
		if (base == end)
			return bf_fail(p->err, p->file, p->line, "no file name in '%.*s'",
				       (int)w[0].len, w[0].s);
		e->name = name_make(p, base, end - base);
		e->host = strndup(w[0].s, w[0].len);
		if (!e->name)
			return -EINVAL;
		return e->host ? 0 : bf_fail(p->err, p->file, p->line, "out of memory");
	}
	e->name = name_make(p, w[0].s, w[0].len);
	if (!e->name)
		return -EINVAL;
	if (!src->quoted && src->len == 1 && src->s[0] == '{') {
		if (!e->has_perms)
			e->perms = 0644;
		e->has_perms = true;
		return inline_read(p, e);
	}
	if (src->len == 0)
		return bf_fail(p->err, p->file, p->line, "empty host path");
	e->host = strndup(src->s, src->len);
	return e->host ? 0 : bf_fail(p->err, p->file, p->line, "out of memory");
}

static void entry_free(struct bf_entry *e)
{
	free(e->name);
	free(e->host);
	free(e->link);
	free(e->data);
}

/* Parse one expanded line; may consume more lines (inline files). */
static int line_parse(struct parser *p, const char *text)
{
	struct tok t[MAX_TOKENS];
	struct bf_attr a = p->defaults;
	struct bf_entry e;
	int n = tokenize(p, text, t), i = 0, rc;

	if (n < 0)
		return n;
	for (; i < n && t[i].kind == T_ATTR; i++) {
		rc = bf_attr_apply(p->file, p->line, t[i].s, t[i].len, &a, p->err);
		if (rc)
			return rc;
	}
	if (i == n) {
		if (i > 0)
			p->defaults = a;
		return 0;
	}
	if (t[i].kind == T_EQ)
		return bf_fail(p->err, p->file, p->line, "missing name before '='");
	if (n - i == 2 && t[i + 1].kind == T_EQ)
		return bf_fail(p->err, p->file, p->line, "missing source after '='");
	if (n - i == 2 || (n - i >= 3 && t[i + 1].kind != T_EQ))
		return bf_fail(p->err, p->file, p->line, "unexpected '%.*s'",
			       (int)t[i + 1].len, t[i + 1].s);
	if (n - i > 3)
		return bf_fail(p->err, p->file, p->line, "unexpected '%.*s'",
			       (int)t[i + 3].len, t[i + 3].s);
	if (n - i == 3 && t[i + 2].kind != T_WORD)
		return bf_fail(p->err, p->file, p->line, "unexpected '%.*s'",
			       (int)t[i + 2].len, t[i + 2].s);
	rc = entry_make(p, &a, &t[i], n - i, &e);
	if (!rc)
		rc = bf_list_push(p->out, &e);
	if (rc) {
		entry_free(&e);
		if (rc == -ENOMEM)
			bf_fail(p->err, p->file, p->line, "out of memory");
	}
	return rc;
}

int bf_parse(const char *file, const char *text, bf_lookup_fn lookup, void *ctx,
	     struct bf_list *out, struct bf_error *err)
{
	struct parser p = { .file = file, .pos = text, .lookup = lookup, .ctx = ctx,
			    .out = out, .err = err };
	const char *s;
	size_t len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->file = strdup(file);
	if (!out->file)
		return bf_fail(err, file, 0, "out of memory");
	while (next_line(&p, &s, &len)) {
		size_t lead = 0;
		char *raw, *line;

		while (lead < len && is_blank(s[lead]))
			lead++;
		if (lead == len || s[lead] == '#')
			continue;
		raw = strndup(s, len);
		if (!raw) {
			rc = bf_fail(err, file, p.line, "out of memory");
			break;
		}
		line = bf_expand(file, p.line, raw, lookup, ctx, err);
		free(raw);
		if (!line) {
			rc = -EINVAL;
			break;
		}
		rc = line_parse(&p, line);
		free(line);
		if (rc)
			break;
	}
	out->last_line = p.line;
	if (!rc)
		rc = bf_check(out, err);
	if (rc)
		bf_list_free(out);
	return rc;
}
