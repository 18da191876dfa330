/*
 * open, openat, creat and close: an open is an _IO_CONNECT OPEN resolved
 * by connect.c whose final connection, attached at the lowest free fd,
 * becomes the fd; close is _IO_CLOSE then ConnectDetach. Also the kernel
 * entry points fd_open_k and fd_close (fd.h).
 */
#include <mm/kmem.h>

#include "fdpriv.h"

/* Opens rq->path (built already) with Linux oflags and mode. fd or -errno. */
static long open_run(struct fd_connect *rq, uint32_t oflags, uint32_t mode)
{
	struct posix_proc *pp = posix_get();
	if (!pp)
		return -ENOMEM;
	if (oflags & L_O_TMPFILE)
		return -EOPNOTSUPP; /* no server offers unnamed files */
	if ((oflags & L_O_CREAT) && (rq->eflag & _IO_CONNECT_EFLAG_DIR))
		return -EISDIR; /* "name/" cannot be created as a file */
	rq->subtype = _IO_CONNECT_OPEN;
	rq->file_type = _FTYPE_ANY;
	rq->ioflag = fd_oflag_to_ioflag(oflags);
	rq->mode = (oflags & L_O_CREAT) ? L_S_IFREG | (mode & 07777 & ~pp->umask) : 0;
	rq->flags = CR_KEEP | CR_FD | ((oflags & L_O_CLOEXEC) ? CR_CLOEXEC : 0);
	rq->fd_base = 0;
	long fd = fd_connect_run(rq);
	if (fd < 0)
		return fd;
	fdi_set((int)fd, rq->path);
	fdi_opened((int)fd, oflags);
	if ((oflags & L_O_DIRECTORY) || (rq->eflag & _IO_CONNECT_EFLAG_DIR)) {
		/* servers need not check: a directory was asked for */
		struct _io_stat st;
		int r = fd_fstat_k((int)fd, &st);
		if (r == 0 && !L_S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		if (r < 0) {
			fd_close_conn((int)fd);
			return r;
		}
		struct fd_info *fi = fdi_get((int)fd);
		if (fi)
			fi->flags |= FDI_DIR;
	}
	return fd;
}

static long open_user(int dirfd, uaddr_t upath, uint32_t oflags, uint32_t mode)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long r = fd_connect_path_user(rq, dirfd, upath, false);
	if (r == 0)
		r = open_run(rq, oflags, mode);
	kfree(rq);
	return r;
}

long sys_open(const uint64_t *a, struct trapframe *tf)
{
	return open_user(L_AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_openat(const uint64_t *a, struct trapframe *tf)
{
	return open_user((int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

long sys_creat(const uint64_t *a, struct trapframe *tf)
{
	return open_user(L_AT_FDCWD, a[0], L_O_CREAT | L_O_WRONLY | L_O_TRUNC, (uint32_t)a[1]);
}

int fd_open_k(const char *kpath, int oflags, int mode)
{
	return fd_openat_k(L_AT_FDCWD, kpath, oflags, mode);
}

int fd_openat_k(int dirfd, const char *kpath, int oflags, int mode)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long r = fd_connect_path_k(rq, dirfd, kpath);
	if (r == 0)
		r = open_run(rq, (uint32_t)oflags, (uint32_t)mode);
	kfree(rq);
	return (int)r;
}

int fd_close(int fd)
{
	return fd_close_conn(fd);
}

long sys_close(const uint64_t *a, struct trapframe *tf)
{
	/* never EINTR: the fd is gone whatever happened to the _IO_CLOSE */
	return fd_close_conn((int)a[0]);
}
