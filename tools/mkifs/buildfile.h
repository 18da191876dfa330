/*
 * Buildfile model: the entries a buildfile describes, and the pure parser
 * that turns buildfile text into them. Used by mkifs (main.c), the image
 * loader/writer (image_*.c) and the host unit tests (tests/host/mkifs).
 * The syntax is documented at the top of bf_parse.c and in docs/buildfile.md.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One message, already formatted as "file:line: reason". */
struct bf_error {
	char msg[1024];
};

/* Attributes in force for one line: the defaults merged with the line's own. */
struct bf_attr {
	uint32_t uid, gid;
	uint32_t perms;    /* permission bits, meaningful when has_perms */
	bool has_perms;
	int type;          /* IFS_TYPE_*, 0 = decided by the line's form */
	uint16_t flags;    /* IFS_F_* */
};

struct bf_entry {
	char *name;        /* image-relative path, no leading '/' */
	int line;          /* buildfile line that made it (implied dirs: first user) */
	int type;          /* IFS_TYPE_* */
	uint32_t perms;    /* meaningful when has_perms; the loader fills it in otherwise */
	bool has_perms;
	uint32_t uid, gid;
	uint16_t flags;    /* IFS_F_* */
	bool implied;      /* directory made for a path component, not named by a line */
	char *host;        /* FILE copied from the host: its path; NULL otherwise */
	char *link;        /* SYMLINK: its target */
	char *data;        /* FILE contents (inline from the parser, host from the loader) */
	size_t size;       /* bytes in data */
	uint32_t mtime;    /* filled in by image_load() */
};

struct bf_list {
	struct bf_entry *v;
	size_t n, cap;
	char *file;        /* buildfile name used in messages */
	int last_line;     /* number of the last line, for errors about the whole file */
};

/*
 * Look a variable up: return its value, or NULL when it is undefined.
 * mkifs looks at -D definitions first, then the environment.
 */
typedef const char *(*bf_lookup_fn)(void *ctx, const char *name);

/*
 * Parse buildfile text. file is the name used in messages. On success returns
 * 0 and fills out (entries sorted by name, implied directories added, checked
 * for duplicates and for the +boot/+script counts); the caller frees it with
 * bf_list_free(). On failure returns -EINVAL (or -ENOMEM), sets err and leaves
 * out empty. Touches no file: host files are read later by image_load().
 */
int bf_parse(const char *file, const char *text, bf_lookup_fn lookup, void *ctx,
	     struct bf_list *out, struct bf_error *err);
void bf_list_free(struct bf_list *l);

/* Find an entry by name in a parsed (sorted) list; NULL when absent. */
struct bf_entry *bf_find(const struct bf_list *l, const char *name);

/* Internal pieces of the parser, shared between its files and the tests. */

/*
 * Replace every ${NAME} in line (and "$$" by "$"). Returns a malloc'd string,
 * or NULL with err set ("undefined variable", "unterminated"...) prefixed by
 * file:line.
 */
char *bf_expand(const char *file, int line, const char *text, bf_lookup_fn lookup,
		void *ctx, struct bf_error *err);

/*
 * Apply the attributes between '[' and ']' (body, body_len bytes, without the
 * brackets) to a. Returns 0, or -EINVAL with err set.
 */
int bf_attr_apply(const char *file, int line, const char *body, size_t body_len,
		  struct bf_attr *a, struct bf_error *err);

/*
 * Sort l by name, add implied directories, refuse duplicates, files used as
 * directories, and wrong +boot/+script counts. Returns 0 or -EINVAL/-ENOMEM.
 */
int bf_check(struct bf_list *l, struct bf_error *err);

/* Append a copy of e (taking ownership of its strings); 0 or -ENOMEM. */
int bf_list_push(struct bf_list *l, const struct bf_entry *e);

/* Format "file:line: reason" into err; always returns -EINVAL. */
int bf_fail(struct bf_error *err, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
