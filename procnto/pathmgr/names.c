/*
 * The pathname space's table of names (pathmgr/names.h): a list in
 * registration order, matched linearly (a system has tens of names), and
 * the path arithmetic shared by resolution and symlinks.
 */
#include "pathmgr/names.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pathmgr.h>
#include <sys/iomsg.h>

static struct pn_name *names;      /* oldest first */
static struct pn_name **names_tail = &names;
static unsigned next_seq;
static int next_id = 1;

int pn_normalise(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = in;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the '/' before the removed component */
		} else {
			if (o + (o ? 1 : 0) + n + 1 > cap)
				return -ENAMETOOLONG;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = e;
	}
	if (cap == 0)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return (int)o;
}

static int alloc_id(void)
{
	for (;;) {
		int id = next_id;
		next_id = next_id == INT_MAX ? 1 : next_id + 1;
		if (!pn_find(id))
			return id;
	}
}

static struct pn_name *name_new(const char *path, enum pn_kind kind)
{
	struct pn_name *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->path = strdup(path);
	if (!n->path) {
		free(n);
		return NULL;
	}
	n->len = strlen(path);
	n->kind = kind;
	return n;
}

static int name_insert(struct pn_name *n)
{
	n->id = alloc_id();
	n->seq = next_seq++;
	*names_tail = n;
	names_tail = &n->next;
	return n->id;
}

int pn_add_server(const char *path, int32_t pid, int32_t chid, uint32_t handle,
		  uint32_t file_type, uint32_t flags, int scoid)
{
	struct pn_name *n = name_new(path, PN_SERVER);
	if (!n)
		return -ENOMEM;
	n->pid = pid;
	n->chid = chid;
	n->handle = handle;
	n->file_type = file_type;
	n->flags = flags;
	n->scoid = scoid;
	return name_insert(n);
}

int pn_add_symlink(const char *path, const char *target)
{
	if (!*path)
		return -EINVAL;
	for (struct pn_name *n = names; n; n = n->next)
		if (n->kind == PN_SYMLINK && strcmp(n->path, path) == 0)
			return -EEXIST;
	struct pn_name *n = name_new(path, PN_SYMLINK);
	if (!n)
		return -ENOMEM;
	n->target = strdup(target);
	if (!n->target) {
		free(n->path);
		free(n);
		return -ENOMEM;
	}
	n->file_type = _FTYPE_ANY;
	return name_insert(n);
}

const struct pn_name *pn_find(int id)
{
	for (struct pn_name *n = names; n; n = n->next)
		if (n->id == id)
			return n;
	return NULL;
}

const struct pn_name *pn_first(void)
{
	return names;
}

const struct pn_name *pn_next(const struct pn_name *n)
{
	return n->next;
}

static void name_unlink(struct pn_name **pp)
{
	struct pn_name *n = *pp;
	*pp = n->next;
	if (names_tail == &n->next)
		names_tail = pp;
	free(n->path);
	free(n->target);
	free(n);
}

int pn_remove(int id)
{
	for (struct pn_name **pp = &names; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			name_unlink(pp);
			return 0;
		}
	}
	return -ENOENT;
}

int pn_remove_scoid(int scoid)
{
	int count = 0;
	struct pn_name **pp = &names;
	while (*pp) {
		if ((*pp)->kind == PN_SERVER && (*pp)->scoid == scoid && scoid != 0) {
			name_unlink(pp);
			count++;
		} else {
			pp = &(*pp)->next;
		}
	}
	return count;
}

/* Whether prefix (len bytes) is path or one of its ancestors. */
static bool is_prefix(const char *prefix, size_t len, const char *path)
{
	if (len == 0)
		return true;
	return strncmp(prefix, path, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static bool name_matches(const struct pn_name *n, const char *path)
{
	if (!is_prefix(n->path, n->len, path))
		return false;
	if (path[n->len] == '\0')
		return true; /* the name itself */
	/* below it: directories and symlinks only */
	return n->kind == PN_SYMLINK || (n->flags & PATHMGR_FLAG_DIR);
}

static bool ftype_ok(const struct pn_name *n, uint32_t file_type)
{
	if (n->kind == PN_SYMLINK || file_type == _FTYPE_ANY)
		return true;
	return n->file_type == file_type || n->file_type == (uint32_t)_FTYPE_ALL;
}

/* Order among names on the same prefix: BEFORE, normal, AFTER, virtual. */
static int name_class(const struct pn_name *n)
{
	if (!n)
		return 3;
	if (n->kind == PN_SERVER && (n->flags & PATHMGR_FLAG_BEFORE))
		return 0;
	if (n->kind == PN_SERVER && (n->flags & PATHMGR_FLAG_AFTER))
		return 2;
	return 1;
}

/* Whether a must be tried before b. */
static bool match_before(const struct pn_match *a, const struct pn_match *b)
{
	if (a->len != b->len)
		return a->len > b->len;
	int ca = name_class(a->name), cb = name_class(b->name);
	if (ca != cb)
		return ca < cb;
	return a->name && b->name && a->name->seq > b->name->seq; /* newest first */
}

enum { MATCH_CAP = PN_MATCH_MAX * 4 };

/* Inserts m into the sorted all[0..*n), dropping the last one when full. */
static void match_insert(struct pn_match *all, int *n, struct pn_match m)
{
	int i = *n;
	if (i == MATCH_CAP) {
		if (!match_before(&m, &all[MATCH_CAP - 1]))
			return;
		i = MATCH_CAP - 1;
	} else {
		(*n)++;
	}
	while (i > 0 && match_before(&m, &all[i - 1])) {
		all[i] = all[i - 1];
		i--;
	}
	all[i] = m;
}

int pn_match(const char *path, uint32_t file_type, struct pn_match *out, int max)
{
	struct pn_match all[MATCH_CAP];
	int n = 0;
	for (const struct pn_name *nm = names; nm; nm = nm->next)
		if (name_matches(nm, path) && ftype_ok(nm, file_type))
			match_insert(all, &n, (struct pn_match){nm, nm->len});
	if (file_type == _FTYPE_ANY && pn_has_below(path))
		match_insert(all, &n, (struct pn_match){NULL, strlen(path)});
	int k = 0;
	for (int i = 0; i < n && k < max; i++) {
		out[k++] = all[i];
		const struct pn_name *nm = all[i].name;
		if (nm && (nm->kind == PN_SYMLINK || (nm->flags & PATHMGR_FLAG_OPAQUE)))
			break;
	}
	return k;
}

const struct pn_name *pn_symlink_at(const char *path)
{
	const struct pn_name *best = NULL;
	for (const struct pn_name *n = names; n; n = n->next)
		if (n->kind == PN_SYMLINK && is_prefix(n->path, n->len, path) &&
		    (!best || n->len > best->len))
			best = n;
	return best;
}

bool pn_has_below(const char *path)
{
	size_t plen = strlen(path);
	for (const struct pn_name *n = names; n; n = n->next)
		if (n->len > plen && is_prefix(path, plen, n->path))
			return true;
	return false;
}

/* The component of n->path right below directory path[0..plen), or NULL. */
static const char *child_of(const struct pn_name *n, const char *path, size_t plen, size_t *clen)
{
	if (n->len <= plen || !is_prefix(path, plen, n->path))
		return NULL;
	const char *c = n->path + plen + (plen ? 1 : 0);
	const char *e = strchr(c, '/');
	*clen = e ? (size_t)(e - c) : strlen(c);
	return c;
}

int pn_children(const char *path, int (*fn)(void *arg, const char *name, size_t len, unsigned type),
		void *arg)
{
	size_t plen = strlen(path);
	for (const struct pn_name *n = names; n; n = n->next) {
		size_t clen;
		const char *c = child_of(n, path, plen, &clen);
		if (!c)
			continue;
		bool seen = false, dir = false, link = false;
		for (const struct pn_name *m = names; m; m = m->next) {
			size_t mlen;
			const char *mc = child_of(m, path, plen, &mlen);
			if (!mc || mlen != clen || memcmp(mc, c, clen) != 0)
				continue;
			if (m != n && m->seq < n->seq) {
				seen = true; /* reported with an older name */
				break;
			}
			if (mc[mlen] == '/' || (m->kind == PN_SERVER && (m->flags & PATHMGR_FLAG_DIR)))
				dir = true;
			else if (m->kind == PN_SYMLINK)
				link = true;
		}
		if (seen)
			continue;
		int r = fn(arg, c, clen, dir ? DT_DIR : link ? DT_LNK : DT_UNKNOWN);
		if (r)
			return r;
	}
	return 0;
}

int pn_substitute(const char *link, const char *target, const char *rest, char *out, size_t cap)
{
	char tmp[PN_PATH_MAX];
	size_t t = 0;
	if (target[0] != '/') {
		/* relative: from the link's directory */
		const char *slash = strrchr(link, '/');
		size_t dlen = slash ? (size_t)(slash - link) : 0;
		if (dlen + 2 > sizeof(tmp))
			return -ENAMETOOLONG;
		tmp[t++] = '/';
		memcpy(tmp + t, link, dlen);
		t += dlen;
		tmp[t++] = '/';
	}
	size_t tl = strlen(target), rl = strlen(rest);
	if (t + tl + 1 + rl + 1 > sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp + t, target, tl);
	t += tl;
	tmp[t++] = '/';
	memcpy(tmp + t, rest, rl);
	t += rl;
	tmp[t] = '\0';
	if (cap < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	int n = pn_normalise(tmp, out + 1, cap - 1);
	return n < 0 ? n : n + 1;
}
