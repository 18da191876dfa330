/*
 * rename, link, symlink, readlink.
 *
 * rename and link name two paths, which must be on one server: the old
 * path is looked up first (procnto's entries, no server contacted), then
 * the request goes to the new path's servers; each gets, as extra data, the
 * old path relative to its own mount point (the old path's entry with the
 * same pid, chid and handle), or EXDEV when the old path is not its.
 *   rename:  _IO_CONNECT_RENAME, extra _IO_CONNECT_EXTRA_RENAME = old path
 *   link:    _IO_CONNECT_LINK, extra _IO_CONNECT_EXTRA_LINK = old path
 *   symlink: _IO_CONNECT_LINK, extra _IO_CONNECT_EXTRA_SYMLINK = the target,
 *            mode S_IFLNK | 0777
 * Final symlinks of both paths are not followed (link's old path is with
 * AT_SYMLINK_FOLLOW, for procnto's own symlinks).
 * readlink is _IO_CONNECT_READLINK; the answer is a RET_LINK reply with no
 * entries whose path is the link's text. /proc/self/fd/N (and
 * /proc/<own pid>/fd/N) are answered here from the path fd N was opened by.
 */
#include <mm/kmem.h>

#include "fdpriv.h"

/* connect.c's hook: the old path (rq->hook_arg) on the server of e. */
static int old_path_hook(struct fd_connect *rq, const struct _io_connect_entry *e)
{
	const struct fd_connect *old = rq->hook_arg;
	for (uint32_t i = 0; i < old->nents; i++) {
		const struct _io_connect_entry *o = &old->ents[i];
		if (o->nd != e->nd || o->pid != e->pid || o->chid != e->chid || o->handle != e->handle)
			continue;
		size_t at = old->ents_off + o->prefix_len;
		if (at > strlen(old->path))
			continue;
		const char *rest = old->path + at;
		while (*rest == '/')
			rest++;
		rq->extra = rest;
		rq->extra_len = (uint32_t)strlen(rest) + 1;
		return 0;
	}
	return -EXDEV;
}

/* rename (extra_type _IO_CONNECT_EXTRA_RENAME) or link (EXTRA_LINK). */
static long two_paths(int olddirfd, uaddr_t oldpath, int newdirfd, uaddr_t newpath,
		      uint16_t subtype, uint8_t extra_type, bool follow_old)
{
	struct fd_connect *old = fd_connect_alloc(), *rq = fd_connect_alloc();
	long r = -ENOMEM;
	if (!old || !rq)
		goto out;
	if ((r = fd_connect_path_user(old, olddirfd, oldpath, false)) < 0)
		goto out;
	if ((r = fd_connect_path_user(rq, newdirfd, newpath, false)) < 0)
		goto out;
	old->subtype = subtype;
	old->ioflag = follow_old ? 0 : L_O_NOFOLLOW;
	if ((r = fd_connect_lookup(old)) < 0)
		goto out;
	rq->subtype = subtype;
	rq->ioflag = L_O_NOFOLLOW | (subtype == _IO_CONNECT_LINK ? L_O_CREAT | L_O_EXCL : 0);
	rq->extra_type = extra_type;
	rq->hook = old_path_hook;
	rq->hook_arg = old;
	r = fd_connect_run(rq);
	if (r > 0)
		r = 0;
out:
	kfree(old);
	kfree(rq);
	return r;
}

long sys_renameat2(const uint64_t *a, struct trapframe *tf)
{
	if (a[4])
		return -EINVAL; /* RENAME_NOREPLACE, RENAME_EXCHANGE... */
	return two_paths((int)a[0], a[1], (int)a[2], a[3], _IO_CONNECT_RENAME,
			 _IO_CONNECT_EXTRA_RENAME, false);
}

long sys_renameat(const uint64_t *a, struct trapframe *tf)
{
	return two_paths((int)a[0], a[1], (int)a[2], a[3], _IO_CONNECT_RENAME,
			 _IO_CONNECT_EXTRA_RENAME, false);
}

long sys_rename(const uint64_t *a, struct trapframe *tf)
{
	return two_paths(L_AT_FDCWD, a[0], L_AT_FDCWD, a[1], _IO_CONNECT_RENAME,
			 _IO_CONNECT_EXTRA_RENAME, false);
}

long sys_linkat(const uint64_t *a, struct trapframe *tf)
{
	if (a[4] & ~(uint64_t)L_AT_SYMLINK_FOLLOW)
		return -EINVAL;
	return two_paths((int)a[0], a[1], (int)a[2], a[3], _IO_CONNECT_LINK,
			 _IO_CONNECT_EXTRA_LINK, a[4] & L_AT_SYMLINK_FOLLOW);
}

long sys_link(const uint64_t *a, struct trapframe *tf)
{
	return two_paths(L_AT_FDCWD, a[0], L_AT_FDCWD, a[1], _IO_CONNECT_LINK,
			 _IO_CONNECT_EXTRA_LINK, false);
}

static long symlink_at(uaddr_t target, int dirfd, uaddr_t linkpath)
{
	struct fd_connect *rq = fd_connect_alloc();
	char *t = kmalloc(L_PATH_MAX);
	long r = -ENOMEM;
	if (!rq || !t)
		goto out;
	if ((r = strncpy_from_user(t, target, L_PATH_MAX)) < 0)
		goto out;
	if (r == 0) {
		r = -ENOENT;
		goto out;
	}
	if ((r = fd_connect_path_user(rq, dirfd, linkpath, false)) < 0)
		goto out;
	rq->subtype = _IO_CONNECT_LINK;
	rq->ioflag = L_O_CREAT | L_O_EXCL | L_O_NOFOLLOW;
	rq->mode = L_S_IFLNK | 0777;
	rq->extra_type = _IO_CONNECT_EXTRA_SYMLINK;
	rq->extra = t;
	rq->extra_len = (uint32_t)strlen(t) + 1;
	r = fd_connect_run(rq);
	if (r > 0)
		r = 0;
out:
	kfree(t);
	kfree(rq);
	return r;
}

long sys_symlinkat(const uint64_t *a, struct trapframe *tf)
{
	return symlink_at(a[0], (int)a[1], a[2]);
}

long sys_symlink(const uint64_t *a, struct trapframe *tf)
{
	return symlink_at(a[0], L_AT_FDCWD, a[1]);
}

/* Parses a decimal number ending the string at s; -1 if not one. */
static long parse_num(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* /proc/self/fd/N or /proc/<pid>/fd/N of the caller: fd N's path, else NULL. */
static const char *proc_fd_link(const char *path)
{
	static const char proc[] = "/proc/";
	if (strncmp(path, proc, sizeof(proc) - 1))
		return NULL;
	const char *p = path + sizeof(proc) - 1;
	const char *slash = p;
	while (*slash && *slash != '/')
		slash++;
	if (strncmp(slash, "/fd/", 4))
		return NULL;
	bool self = slash - p == 4 && !strncmp(p, "self", 4);
	if (!self) {
		long pid = 0;
		for (const char *q = p; q < slash; q++) {
			if (*q < '0' || *q > '9')
				return NULL;
			pid = pid * 10 + (*q - '0');
		}
		if (slash == p || pid != cur_thread()->proc->pid)
			return NULL;
	}
	long fd = parse_num(slash + 4);
	if (fd < 0 || !fd_in_range(fd))
		return NULL;
	struct fd_info *fi = fdi_get((int)fd);
	return fi ? fi->path : NULL;
}

static long readlink_at(int dirfd, uaddr_t upath, uaddr_t buf, int64_t size)
{
	if (size <= 0)
		return -EINVAL;
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long r = fd_connect_path_user(rq, dirfd, upath, false);
	const char *text = NULL;
	size_t len = 0;
	if (r == 0 && (text = proc_fd_link(rq->path))) {
		len = strlen(text);
	} else if (r == 0) {
		rq->subtype = _IO_CONNECT_READLINK;
		rq->ioflag = L_O_NOFOLLOW;
		r = fd_connect_run(rq);
		const struct _io_connect_link_reply *lr = (const void *)rq->reply;
		size_t off = sizeof(*lr);
		if (r == -ENOSYS)
			r = -EINVAL; /* the server has no symlinks: this is not one */
		else if (r >= 0 && (!(rq->status & _IO_CONNECT_RET_LINK) || lr->nentries ||
				    !lr->path_len || off + lr->path_len > FD_REPLY_MAX))
			r = -EINVAL;
		if (r >= 0) {
			text = (const char *)rq->reply + off;
			len = strnlen(text, lr->path_len);
		}
	}
	if (r >= 0) {
		len = MIN(len, (size_t)size);
		r = copy_to_user(buf, text, len) ? -EFAULT : (long)len;
	}
	kfree(rq);
	return r;
}

long sys_readlinkat(const uint64_t *a, struct trapframe *tf)
{
	return readlink_at((int)a[0], a[1], a[2], (int64_t)a[3]);
}

long sys_readlink(const uint64_t *a, struct trapframe *tf)
{
	return readlink_at(L_AT_FDCWD, a[0], a[1], (int64_t)a[2]);
}
