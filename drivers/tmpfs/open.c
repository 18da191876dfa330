/*
 * fs-tmp's open: _IO_CONNECT with subtype OPEN, COMBINE or COMBINE_CLOSE
 * (stat(), chmod(), truncate() of a path: the library runs the appended
 * I/O message on the OCB bound here). Resolves the path, creates a
 * regular file for O_CREAT, checks O_EXCL / O_DIRECTORY / O_NOFOLLOW /
 * permissions, truncates for O_TRUNC, and binds an OCB.
 *
 * Conventions with the client (posix):
 *  - the access bits of ioflag are checked as given; path operations that
 *    need no data access (stat, chmod, chown, utimes) send access 0
 *    (O_ACCMODE 3 in Linux terms); O_PATH opens check nothing on the file;
 *  - a symlink as last component is followed (redirect, see path.c)
 *    unless O_NOFOLLOW, O_CREAT|O_EXCL, or mode's type is S_IFLNK (lstat);
 *    an OPEN with O_NOFOLLOW (and not O_PATH) of a symlink fails ELOOP,
 *    while COMBINE opens and O_PATH open the link itself;
 *  - O_TRUNC needs write permission and truncates a regular file even
 *    when opened read-only (as Linux does);
 *  - mode of a created file is taken as sent: posix applied the umask;
 *  - a FIFO opened for reading or writing goes to fifo.c (the open may
 *    wait for the other end); the combine subtypes open it without access.
 */
#include <errno.h>
#include <fcntl.h>

#include "tmpfs.h"

#ifndef O_PATH
#define O_PATH 010000000
#endif

static const resmgr_io_funcs_t *io_funcs_for(const struct tnode *n)
{
	if (S_ISREG(n->attr.mode))
		return &tmpfs_io_file;
	if (S_ISDIR(n->attr.mode))
		return &tmpfs_io_dir;
	return &tmpfs_io_other;
}

/* The checks on an existing node; may clear the access bits (O_PATH). */
static int open_existing(struct _io_connect *c, struct tnode *n, const struct walk *w,
			 const struct _client_info *ci)
{
	uint32_t ioflag = c->ioflag;
	mode_t type = n->attr.mode & S_IFMT;
	if ((ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return EEXIST;
	if (type == S_IFLNK && c->subtype == _IO_CONNECT_OPEN && !(ioflag & O_PATH))
		return ELOOP; /* O_NOFOLLOW on a symlink */
	if ((ioflag & O_DIRECTORY || w->slash) && type != S_IFDIR)
		return ENOTDIR;
	if (ioflag & O_PATH) {
		c->ioflag &= ~(uint32_t)(_IO_FLAG_MASK | O_TRUNC);
		return EOK;
	}
	if (type == S_IFDIR && (ioflag & _IO_FLAG_WR))
		return EISDIR;
	if (type == S_IFIFO && c->subtype != _IO_CONNECT_OPEN)
		c->ioflag &= ~(uint32_t)_IO_FLAG_MASK; /* stat() and the like: not an end */
	mode_t want = 0;
	if (ioflag & _IO_FLAG_RD)
		want |= S_IRUSR;
	if (ioflag & (_IO_FLAG_WR | O_TRUNC))
		want |= S_IWUSR;
	return want ? node_access(n, want, ci) : EOK;
}

int tmpfs_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *handle, void *extra)
{
	struct _io_connect *c = &msg->connect;
	struct _client_info ci;
	int r = iofunc_client_info(ctp, 0, &ci);
	if (r)
		return r;
	uint32_t ioflag = c->ioflag;
	bool excl = (ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	bool follow = !(ioflag & O_NOFOLLOW) && !excl && (c->mode & S_IFMT) != S_IFLNK;
	struct walk w;
	r = path_walk(c->path, c->eflag & _IO_CONNECT_EFLAG_DIR, &ci, follow, &w);
	if (r == WALK_LINK)
		return path_link_reply(ctp, msg, c->path, &w);
	if (r)
		return r;
	struct tnode *n = w.node;
	bool created = false;
	if (!n) {
		if (!(ioflag & O_CREAT))
			return ENOENT;
		if (w.slash)
			return EISDIR;
		mode_t type = c->mode & S_IFMT;
		if (type && type != S_IFREG)
			return EINVAL;
		if ((r = tmpfs_create(&w, S_IFREG | (c->mode & 07777), &ci, &n)))
			return r;
		created = true;
		c->ioflag &= ~(uint32_t)O_TRUNC; /* new and empty: the permissions do not apply */
	} else if ((r = open_existing(c, n, &w, &ci))) {
		return r;
	}
	if (S_ISFIFO(n->attr.mode) && (c->ioflag & _IO_FLAG_MASK))
		return fifo_open(ctp, msg, n); /* existing: nothing to undo */
	r = iofunc_ocb_attach(ctp, msg, NULL, &n->attr, io_funcs_for(n));
	if (r) {
		if (created) {
			dir_remove(w.dir, dir_lookup(w.dir, w.name, w.namelen));
			node_release(n);
		}
		return r;
	}
	if ((c->ioflag & O_TRUNC) && S_ISREG(n->attr.mode))
		tmpfs_set_size(n, 0);
	return EOK;
}
