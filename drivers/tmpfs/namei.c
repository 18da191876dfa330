/*
 * fs-tmp's name operations: the _IO_CONNECT subtypes UNLINK, RENAME,
 * MKNOD, READLINK and LINK, and node creation. Every path is resolved by
 * path_walk() (a symlink in the middle redirects the client, never the
 * last component here), and the POSIX rules are checked: write and search
 * permission on the directories changed, the sticky bit, and the errors
 * EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, EBUSY, EXDEV, EMLINK.
 *
 * Message conventions (what posix sends; see also open.c):
 *  - UNLINK: path = the name; mode's type S_IFDIR means rmdir() (the
 *    target must be a directory), anything else unlink() (it must not be).
 *  - MKNOD: path = the new name; mode = S_IFDIR (mkdir), S_IFIFO
 *    (mkfifo) or S_IFREG / 0 (an empty file), permissions with the umask
 *    applied; device and socket types are refused (EPERM).
 *  - READLINK: path = the symlink; the reply is status
 *    _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK, a link_reply with
 *    nentries 0 and path_len = the target's length + 1, then the target
 *    and its NUL; EINVAL when it is no symlink. Symlinks met before the
 *    last component are followed here (a READLINK answer cannot ask the
 *    client to restart); one leading out of this file system is EXDEV.
 *  - RENAME: path = the NEW name (resolved like any path, relative to the
 *    mountpoint; a symlink on the way redirects the client as usual);
 *    extra_type _IO_CONNECT_EXTRA_RENAME, extra = the OLD name,
 *    NUL-terminated (NUL counted in extra_len), either relative to this
 *    server's mountpoint (what posix sends: it found the old path's entry
 *    for this same server in procnto's answer; no leading '/', "" for the
 *    mountpoint itself) or absolute in the client's name space (this
 *    server then takes its own mountpoint off; elsewhere: EXDEV). Symlinks
 *    before the old name's last component are followed here; the last
 *    one is not.
 *  - LINK with _IO_CONNECT_EXTRA_SYMLINK: path = the new symlink, extra =
 *    its target (NUL-terminated, NUL counted in extra_len).
 *  - LINK with _IO_CONNECT_EXTRA_LINK: path = the new name; extra names
 *    the existing file in one of two forms: a path as for RENAME (what
 *    posix sends; its last component is not followed), or a struct
 *    _msg_info naming an open fd on it as _IO_DUP does (pid = the
 *    client's pid, coid = the fd, chid and scoid = what
 *    ConnectServerInfo(0, fd) reports; an fd on another server: EXDEV).
 *    The forms differ in that a path's only NUL is its last byte.
  */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tmpfs.h"

#include <sys/resmgr_ext.h>

int tmpfs_create(const struct walk *w, mode_t mode, const struct _client_info *ci,
		 struct tnode **out)
{
	struct tnode *dir = w->dir;
	if (!dir)
		return EEXIST;
	if (!dir->attr.nlink)
		return ENOENT; /* removed while someone was inside */
	int r = node_access(dir, S_IWUSR | S_IXUSR, ci);
	if (r)
		return r;
	uint32_t gid = ci->cred.egid;
	if (dir->attr.mode & S_ISGID) {
		gid = dir->attr.gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	}
	struct tnode *n = node_new(mode, ci->cred.euid, gid);
	struct dentry *de = dentry_new(w->name, w->namelen);
	if (!n || !de || !dir_reserve(dir)) {
		free(n);
		free(de);
		return ENOSPC;
	}
	dir_insert(dir, de, n);
	node_touch(dir, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	*out = n;
	return EOK;
}

/* Resolves the connect message's path without following its last
 * component; the credentials go to *ci. EOK, an errno, or WALK_LINK. */
static int walk_msg(resmgr_context_t *ctp, struct _io_connect *c, struct _client_info *ci,
		    struct walk *w)
{
	int r = iofunc_client_info(ctp, 0, ci);
	if (r)
		return r;
	return path_walk(c->path, c->eflag & _IO_CONNECT_EFLAG_DIR, ci, false, w);
}

/* walk_msg(), answering a symbolic link met on the way with the client's
 * redirect: EOK, or what the handler returns (an errno or the reply). */
static int walk_or_redirect(resmgr_context_t *ctp, io_open_t *msg, struct _client_info *ci,
			    struct walk *w)
{
	int r = walk_msg(ctp, &msg->connect, ci, w);
	return r == WALK_LINK ? path_link_reply(ctp, msg, msg->connect.path, w) : r;
}

int tmpfs_unlink(resmgr_context_t *ctp, io_unlink_t *msg, iofunc_attr_t *handle, void *reserved)
{
	struct _io_connect *c = &msg->connect;
	struct _client_info ci;
	struct walk w;
	int r = walk_or_redirect(ctp, msg, &ci, &w);
	if (r)
		return r;
	struct tnode *n = w.node;
	if (!n)
		return ENOENT;
	if (!w.dir)
		return EBUSY;
	if ((c->mode & S_IFMT) == S_IFDIR) {
		if (!S_ISDIR(n->attr.mode))
			return ENOTDIR;
		if (n->dir.count)
			return ENOTEMPTY;
	} else if (S_ISDIR(n->attr.mode)) {
		return EISDIR;
	} else if (w.slash) {
		return ENOTDIR;
	}
	if ((r = node_access(w.dir, S_IWUSR | S_IXUSR, &ci)) || (r = node_sticky(w.dir, n, &ci)))
		return r;
	dir_remove(w.dir, w.de);
	node_touch(w.dir, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	node_touch(n, IOFUNC_ATTR_CTIME);
	node_release(n);
	return EOK;
}

int tmpfs_mknod(resmgr_context_t *ctp, io_mknod_t *msg, iofunc_attr_t *handle, void *reserved)
{
	struct _io_connect *c = &msg->connect;
	struct _client_info ci;
	struct walk w;
	int r = walk_or_redirect(ctp, msg, &ci, &w);
	if (r)
		return r;
	if (w.node || !w.dir)
		return EEXIST;
	mode_t type = c->mode & S_IFMT;
	switch (type) {
	case 0:
		type = S_IFREG;
		/* fall through */
	case S_IFREG:
	case S_IFIFO:
		if (w.slash)
			return ENOENT;
		break;
	case S_IFDIR:
		break;
	default:
		return EPERM; /* no device or socket nodes */
	}
	struct tnode *n;
	return tmpfs_create(&w, type | (c->mode & 07777), &ci, &n);
}

int tmpfs_readlink(resmgr_context_t *ctp, io_readlink_t *msg, iofunc_attr_t *handle,
		   void *reserved)
{
	static char buf[TMPFS_PATH_MAX];
	static struct _io_connect_link_reply lr;
	struct _io_connect *c = &msg->connect;
	struct _client_info ci;
	struct walk w;
	int r = walk_msg(ctp, c, &ci, &w);
	if (r == WALK_LINK)
		r = path_walk_here(c->path, &ci, &w, buf, sizeof(buf));
	if (r)
		return r;
	if (!w.node)
		return ENOENT;
	if (!S_ISLNK(w.node->attr.mode))
		return EINVAL;
	memset(&lr, 0, sizeof(lr));
	lr.file_type = _FTYPE_SYMLINK;
	lr.path_len = (uint16_t)(w.node->attr.nbytes + 1);
	SETIOV(&ctp->iov[0], &lr, sizeof(lr));
	SETIOV(&ctp->iov[1], w.node->target, lr.path_len);
	_IO_SET_CONNECT_RET(ctp, _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK);
	return _RESMGR_NPARTS(2);
}

static int make_symlink(struct walk *w, const char *extra, size_t extra_len,
			const struct _client_info *ci)
{
	size_t tlen = extra ? strnlen(extra, extra_len) : 0;
	if (!extra || tlen == extra_len)
		return EINVAL;
	if (tlen == 0)
		return ENOENT;
	if (tlen >= TMPFS_PATH_MAX)
		return ENAMETOOLONG;
	char *target = strdup(extra);
	if (!target)
		return ENOSPC;
	struct tnode *n;
	int r = tmpfs_create(w, S_IFLNK | 0777, ci, &n);
	if (r) {
		free(target);
		return r;
	}
	n->target = target;
	n->attr.nbytes = (int64_t)tlen;
	return EOK;
}

/* The existing file a hard link is to name (see the conventions above). */
static int link_source(resmgr_context_t *ctp, const char *extra, size_t extra_len,
		       const struct _client_info *ci, struct tnode **out)
{
	static char buf[TMPFS_PATH_MAX];
	if (!extra || !extra_len)
		return EINVAL;
	if (strnlen(extra, extra_len) == extra_len - 1) {
		struct walk ow;
		int r = path_walk_here(extra, ci, &ow, buf, sizeof(buf));
		if (r)
			return r;
		if (!ow.node)
			return ENOENT;
		*out = ow.node;
		return EOK;
	}
	struct _msg_info info;
	if (extra_len < sizeof(info))
		return EINVAL;
	memcpy(&info, extra, sizeof(info));
	iofunc_ocb_t *ocb = resmgr_ocb_by_info(ctp, &info, NULL);
	if (!ocb)
		return errno == EBADF || !errno ? EXDEV : errno;
	*out = (struct tnode *)ocb->attr;
	return EOK;
}

static int make_link(resmgr_context_t *ctp, struct walk *w, const void *extra, size_t extra_len,
		     const struct _client_info *ci)
{
	struct tnode *n = NULL;
	int r = link_source(ctp, extra, extra_len, ci, &n);
	if (r || !n)
		return r ? r : EBADF;
	if (S_ISDIR(n->attr.mode))
		return EPERM;
	if (!n->attr.nlink)
		return ENOENT;
	if (n->attr.nlink >= TMPFS_LINK_MAX)
		return EMLINK;
	struct tnode *dir = w->dir;
	if (!dir->attr.nlink)
		return ENOENT;
	if ((r = node_access(dir, S_IWUSR | S_IXUSR, ci)))
		return r;
	struct dentry *de = dentry_new(w->name, w->namelen);
	if (!de || !dir_reserve(dir)) {
		free(de);
		return ENOSPC;
	}
	dir_insert(dir, de, n);
	node_touch(n, IOFUNC_ATTR_CTIME);
	node_touch(dir, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	return EOK;
}

int tmpfs_link(resmgr_context_t *ctp, io_link_t *msg, iofunc_attr_t *handle, void *extra)
{
	struct _io_connect *c = &msg->connect;
	struct _client_info ci;
	struct walk w;
	int r = walk_or_redirect(ctp, msg, &ci, &w);
	if (r)
		return r;
	if (w.node || !w.dir)
		return EEXIST;
	switch (c->extra_type) {
	case _IO_CONNECT_EXTRA_SYMLINK:
		return make_symlink(&w, extra, c->extra_len, &ci);
	case _IO_CONNECT_EXTRA_LINK:
		if (w.slash)
			return ENOENT;
		return make_link(ctp, &w, extra, c->extra_len, &ci);
	}
	return EINVAL;
}

/* rename's checks once both names are resolved: o moves from od to nd,
 * replacing t (NULL: nothing there). */
static int rename_check(struct tnode *od, struct tnode *o, struct tnode *nd, struct tnode *t,
			bool nslash, const struct _client_info *ci)
{
	int r;
	if ((r = node_access(od, S_IWUSR | S_IXUSR, ci)) ||
	    (r = node_access(nd, S_IWUSR | S_IXUSR, ci)) || (r = node_sticky(od, o, ci)) ||
	    (t && (r = node_sticky(nd, t, ci))))
		return r;
	if (!nd->attr.nlink)
		return ENOENT;
	if (!S_ISDIR(o->attr.mode)) {
		if (t && S_ISDIR(t->attr.mode))
			return EISDIR;
		return nslash ? ENOTDIR : EOK;
	}
	if (t && !S_ISDIR(t->attr.mode))
		return ENOTDIR;
	if (t && t->dir.count)
		return ENOTEMPTY;
	for (struct tnode *d = nd;; d = d->dir.parent) {
		if (d == o)
			return EINVAL; /* into itself */
		if (d == tmpfs_root)
			break;
	}
	/* a directory changing parent rewrites its "..": needs write on it */
	if (od != nd && (r = node_access(o, S_IWUSR, ci)))
		return r;
	if (!t && nd->attr.nlink >= TMPFS_LINK_MAX)
		return EMLINK;
	return EOK;
}

int tmpfs_rename(resmgr_context_t *ctp, io_rename_t *msg, iofunc_attr_t *handle, void *extra)
{
	static char obuf[TMPFS_PATH_MAX];
	struct _io_connect *c = &msg->connect;
	const char *old = extra;
	if (c->extra_type != _IO_CONNECT_EXTRA_RENAME || !old || !c->extra_len ||
	    strnlen(old, c->extra_len) == c->extra_len)
		return EINVAL;
	struct _client_info ci;
	struct walk nw, ow;
	int r = walk_or_redirect(ctp, msg, &ci, &nw);
	if (r)
		return r;
	size_t olen = strlen(old);
	bool oslash = olen > 1 && old[olen - 1] == '/';
	if ((r = path_walk_here(old, &ci, &ow, obuf, sizeof(obuf))))
		return r;
	struct tnode *o = ow.node, *t = nw.node;
	if (!o)
		return ENOENT;
	if (!ow.dir || !nw.dir)
		return EBUSY; /* the root (or ".") on either side */
	if (oslash && !S_ISDIR(o->attr.mode))
		return ENOTDIR;
	if (t == o)
		return EOK; /* two names of one file: nothing to do */
	if ((r = rename_check(ow.dir, o, nw.dir, t, nw.slash, &ci)))
		return r;
	struct dentry *de = dentry_new(nw.name, nw.namelen);
	if (!de || !dir_reserve(nw.dir)) {
		free(de);
		return ENOSPC;
	}
	if (t)
		dir_remove(nw.dir, nw.de);
	dir_remove(ow.dir, ow.de);
	dir_insert(nw.dir, de, o);
	node_touch(o, IOFUNC_ATTR_CTIME);
	node_touch(ow.dir, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	if (nw.dir != ow.dir)
		node_touch(nw.dir, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	if (t) {
		node_touch(t, IOFUNC_ATTR_CTIME);
		node_release(t);
	}
	return EOK;
}
