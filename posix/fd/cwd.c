/*
 * The working directory and the file-creation mask: chdir, fchdir, getcwd,
 * umask. The cwd is kept as the absolute path the directory was reached by
 * (after symlinks), checked to be a searchable directory when set.
 */
#include <mm/kmem.h>

#include "fdpriv.h"

static int cwd_set(const char *path)
{
	struct posix_proc *pp = posix_get();
	if (!pp)
		return -ENOMEM;
	size_t n = strlen(path) + 1;
	char *c = kmalloc(n);
	if (!c)
		return -ENOMEM;
	memcpy(c, path, n);
	kfree(pp->cwd);
	pp->cwd = c;
	return 0;
}

long sys_chdir(const uint64_t *a, struct trapframe *tf)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	struct _io_stat_req req = { .type = _IO_STAT };
	long r = fd_connect_path_user(rq, L_AT_FDCWD, a[0], false);
	if (r == 0)
		r = fd_path_combine(rq, &req, sizeof(req), false);
	if (r >= 0) {
		const struct _io_stat *st = (const void *)rq->reply;
		if (!L_S_ISDIR(st->st_mode))
			r = -ENOTDIR;
		else if ((r = fd_access_check(st, L_X_OK)) == 0)
			r = cwd_set(rq->path);
	}
	kfree(rq);
	return r;
}

long sys_fchdir(const uint64_t *a, struct trapframe *tf)
{
	const char *path;
	int r = path_dirfd_base((int)a[0], &path);
	if (r < 0)
		return r;
	struct _io_stat st;
	if ((r = fd_fstat_k((int)a[0], &st)) < 0)
		return r;
	if ((r = fd_access_check(&st, L_X_OK)) < 0)
		return r;
	/* the fstat may have let another thread close the fd */
	if (path_dirfd_base((int)a[0], &path) < 0)
		return -EBADF;
	return cwd_set(path);
}

long sys_getcwd(const uint64_t *a, struct trapframe *tf)
{
	const char *cwd = posix_cwd();
	size_t n = strlen(cwd) + 1;
	if (a[1] < n)
		return -ERANGE;
	return copy_to_user(a[0], cwd, n) ? -EFAULT : (long)n;
}

long sys_umask(const uint64_t *a, struct trapframe *tf)
{
	struct posix_proc *pp = posix_get();
	if (!pp)
		return -ENOMEM;
	uint32_t old = pp->umask;
	pp->umask = (uint32_t)a[0] & 0777;
	return old;
}
