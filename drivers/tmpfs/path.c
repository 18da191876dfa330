/*
 * Path resolution in fs-tmp: walking a path relative to the mountpoint
 * with search-permission checks, the symlink redirect (a symlink met in
 * the middle of a path, or at its end when it is to be followed, is
 * answered with _IO_CONNECT_RET_LINK and the substituted absolute path, and
 * the client restarts resolution at procnto), the internal walk of
 * rename's source path, and the permission rules. Called by open.c and
 * namei.c.
 */
#include <errno.h>
#include <string.h>

#include "tmpfs.h"

int node_access(const struct tnode *n, mode_t want, const struct _client_info *ci)
{
	return iofunc_check_access(NULL, &n->attr, want, ci);
}

int node_sticky(const struct tnode *dir, const struct tnode *n, const struct _client_info *ci)
{
	uint32_t euid = ci->cred.euid;
	if (!(dir->attr.mode & S_ISVTX) || euid == 0 || euid == n->attr.uid ||
	    euid == dir->attr.uid)
		return EOK;
	return EPERM;
}

/* After a name that ends the path: the node itself, no entry. */
static int walk_self(struct walk *w, struct tnode *cur)
{
	w->dir = NULL;
	w->node = cur;
	return EOK;
}

int path_walk(const char *path, bool slash, const struct _client_info *ci, bool follow,
	      struct walk *w)
{
	memset(w, 0, sizeof(*w));
	size_t len = strlen(path);
	while (len && path[len - 1] == '/')
		len--, slash = true;
	w->slash = slash;
	struct tnode *cur = tmpfs_root;
	size_t i = 0;
	for (;;) {
		while (i < len && path[i] == '/')
			i++;
		if (i >= len)
			return walk_self(w, cur);
		size_t s = i;
		while (i < len && path[i] != '/')
			i++;
		const char *comp = path + s;
		size_t clen = i - s, j = i;
		while (j < len && path[j] == '/')
			j++;
		bool last = j >= len;
		if (!S_ISDIR(cur->attr.mode))
			return ENOTDIR;
		int r = node_access(cur, S_IXUSR, ci);
		if (r)
			return r;
		if (clen <= 2 && comp[0] == '.' && (clen == 1 || comp[1] == '.')) {
			if (clen == 2 && cur->dir.parent)
				cur = cur->dir.parent;
			if (last)
				return walk_self(w, cur);
			continue;
		}
		if (clen > TMPFS_NAME_MAX)
			return ENAMETOOLONG;
		struct dentry *de = dir_lookup(cur, comp, clen);
		if (last) {
			w->dir = cur;
			w->name = comp;
			w->namelen = clen;
			w->de = de;
			w->node = de ? de->node : NULL;
			if (w->node && S_ISLNK(w->node->attr.mode) && (follow || slash)) {
				w->link = w->node;
				w->link_at = s;
				return WALK_LINK;
			}
			return EOK;
		}
		if (!de)
			return ENOENT;
		if (S_ISLNK(de->node->attr.mode)) {
			w->link = de->node;
			w->link_at = s;
			w->rest = path + i;
			return WALK_LINK;
		}
		if (!S_ISDIR(de->node->attr.mode))
			return ENOTDIR;
		cur = de->node;
	}
}

/* Appends s (n bytes) at out[*at]; false when it does not fit. */
static bool put(char *out, size_t size, size_t *at, const char *s, size_t n)
{
	if (*at + n >= size)
		return false;
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = '\0';
	return true;
}

int path_link_target(const char *path, const struct walk *w, char *out, size_t size)
{
	const char *target = w->link->target;
	size_t at = 0;
	out[0] = '\0';
	bool ok = true;
	if (target[0] != '/') {
		/* relative: from the directory holding the link */
		ok = put(out, size, &at, tmpfs_mountpoint, strlen(tmpfs_mountpoint)) &&
		     put(out, size, &at, "/", 1) && put(out, size, &at, path, w->link_at);
	}
	ok = ok && put(out, size, &at, target, strlen(target));
	if (ok && w->rest)
		ok = put(out, size, &at, w->rest, strlen(w->rest));
	if (ok && w->slash && out[at - 1] != '/')
		ok = put(out, size, &at, "/", 1);
	return ok ? EOK : ENAMETOOLONG;
}

int path_link_reply(resmgr_context_t *ctp, io_open_t *msg, const char *path, const struct walk *w)
{
	static char buf[TMPFS_PATH_MAX];
	static struct _io_connect_link_reply lr;
	int r = path_link_target(path, w, buf, sizeof(buf));
	if (r)
		return r;
	memset(&lr, 0, sizeof(lr));
	lr.file_type = msg->connect.file_type;
	lr.eflag = msg->connect.eflag;
	lr.nentries = 0;
	lr.path_len = (uint16_t)(strlen(buf) + 1);
	SETIOV(&ctp->iov[0], &lr, sizeof(lr));
	SETIOV(&ctp->iov[1], buf, lr.path_len);
	_IO_SET_CONNECT_RET(ctp, _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK);
	return _RESMGR_NPARTS(2);
}

/* Folds "//", "." and ".." in an absolute path, in place. */
static void path_fold(char *p)
{
	char *out = p;
	const char *in = p;
	while (*in) {
		while (*in == '/')
			in++;
		const char *s = in;
		while (*in && *in != '/')
			in++;
		size_t n = (size_t)(in - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, s, n);
		out += n;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

int path_walk_abs(const char *abspath, const struct _client_info *ci, struct walk *w,
		  char *buf, size_t size)
{
	static char next[TMPFS_PATH_MAX];
	size_t mlen = strlen(tmpfs_mountpoint);
	if (strlen(abspath) >= size || abspath[0] != '/')
		return abspath[0] != '/' ? EINVAL : ENAMETOOLONG;
	strcpy(buf, abspath);
	for (int hops = 0; hops <= TMPFS_SYMLOOP_MAX; hops++) {
		path_fold(buf);
		if (strncmp(buf, tmpfs_mountpoint, mlen) != 0 || (buf[mlen] && buf[mlen] != '/'))
			return EXDEV; /* not on this file system */
		const char *rel = buf + mlen;
		while (*rel == '/')
			rel++;
		int r = path_walk(rel, false, ci, false, w);
		if (r != WALK_LINK)
			return r;
		r = path_link_target(rel, w, next, sizeof(next));
		if (r)
			return r;
		if (strlen(next) >= size)
			return ENAMETOOLONG;
		strcpy(buf, next);
	}
	return ELOOP;
}

int path_walk_here(const char *path, const struct _client_info *ci, struct walk *w, char *buf,
		   size_t size)
{
	if (path[0] == '/')
		return path_walk_abs(path, ci, w, buf, size);
	static char abs[TMPFS_PATH_MAX];
	size_t m = strlen(tmpfs_mountpoint), n = strlen(path);
	if (m + 1 + n >= sizeof(abs))
		return ENAMETOOLONG;
	memcpy(abs, tmpfs_mountpoint, m);
	abs[m] = '/';
	memcpy(abs + m + 1, path, n + 1);
	return path_walk_abs(abs, ci, w, buf, size);
}
