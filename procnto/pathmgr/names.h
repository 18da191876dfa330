/*
 * The pathname space: every name registered with procnto (servers'
 * prefixes, procnto's own names, procnto symlinks), path normalisation and
 * the matching rules of <sys/pathmgr.h>. Pure data structure: no messages
 * and no kernel calls, owned by procnto's dispatch thread (not thread-safe).
 * Used by pathmgr/resolve.c (lookups), pathmgr/link.c (changes) and the
 * directory listings of pathmgr/rootdir.c and fs/procfs.c.
 *
 * Paths are stored normalised and without the leading '/': "" is the root,
 * "dev/null" is /dev/null.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN_PATH_MAX 4096 /* a normalised path, NUL included */
#define PN_MATCH_MAX 16  /* entries in one resolution reply */

enum pn_kind { PN_SERVER, PN_SYMLINK };

struct pn_name {
	struct pn_name *next;
	int id;              /* link id, > 0 */
	enum pn_kind kind;
	char *path;          /* normalised, no leading '/' */
	size_t len;
	unsigned seq;        /* registration order */
	/* PN_SERVER */
	int32_t pid, chid;
	uint32_t handle, file_type, flags; /* flags: PATHMGR_FLAG_* */
	int scoid;           /* the registering client on procnto's channel; 0: procnto's own */
	/* PN_SYMLINK */
	char *target;
};

/* One resolution result: a name, or (name NULL) the virtual directory at
 * the request path itself. len: bytes of the matched prefix. */
struct pn_match {
	const struct pn_name *name;
	size_t len;
};

/*
 * Normalises in (absolute or not) into out (cap bytes) without the leading
 * '/': repeated and trailing '/' dropped, "." removed, ".." removes the
 * previous component (at the root it stays there). Returns the length, or
 * -ENAMETOOLONG.
 */
int pn_normalise(const char *in, char *out, size_t cap);

/* Add a server's prefix (path already normalised). Returns the id or -ENOMEM. */
int pn_add_server(const char *path, int32_t pid, int32_t chid, uint32_t handle,
		  uint32_t file_type, uint32_t flags, int scoid);
/* Add a procnto symlink path -> target. Returns the id, -EEXIST when path
 * is a symlink already, -EINVAL for the root, -ENOMEM. */
int pn_add_symlink(const char *path, const char *target);
const struct pn_name *pn_find(int id);
/* Removes name id. Returns 0 or -ENOENT. */
int pn_remove(int id);
/* Removes every name registered through scoid; returns how many. */
int pn_remove_scoid(int scoid);

/*
 * The names that may serve path (normalised) for a request of file_type,
 * in the order clients must try them (see <sys/pathmgr.h>): at most max,
 * cut after the first OPAQUE server or symlink. Returns the count.
 */
int pn_match(const char *path, uint32_t file_type, struct pn_match *out, int max);

/* The longest procnto symlink that is path or one of its ancestors, or NULL. */
const struct pn_name *pn_symlink_at(const char *path);

/* Whether some name lies strictly below path (path is then a directory). */
bool pn_has_below(const char *path);

/* Calls fn for each distinct component directly below directory path that
 * some name lies on, with its dirent type (DT_DIR, DT_LNK, DT_UNKNOWN).
 * Stops and returns fn's nonzero result, else 0. Order: registration. */
int pn_children(const char *path, int (*fn)(void *arg, const char *name, size_t len, unsigned type),
		void *arg);

/* Iterates every name in registration order (pn_first, then pn_next). */
const struct pn_name *pn_first(void);
const struct pn_name *pn_next(const struct pn_name *n);

/*
 * The absolute path a symlink substitution gives: link (the normalised
 * path of the link, no leading '/'), its target, and rest (what follows
 * the link in the request, "" if nothing). Relative targets are taken from
 * the link's directory. Writes "/..." normalised into out; returns its
 * length or -ENAMETOOLONG.
 */
int pn_substitute(const char *link, const char *target, const char *rest, char *out, size_t cap);
