/*
 * Directories: getdents64 (an _IO_READ on a directory OCB, whose reply is
 * packed struct linux_dirent64 records, passed through unchanged), and the
 * connect subtypes that create and remove names: mkdir and mknod
 * (_IO_CONNECT_MKNOD with the S_IF* type in mode; a device's rdev travels
 * as 8 bytes of extra data), unlink and rmdir (_IO_CONNECT_UNLINK; mode
 * S_IFDIR asks for rmdir semantics).
 */
#include <mm/kmem.h>

#include "fdpriv.h"

long sys_getdents64(const uint64_t *a, struct trapframe *tf)
{
	int fd = (int)a[0];
	uint64_t len = MIN(a[2], (uint64_t)INT32_MAX);
	if (!fd_conn(fd))
		return -EBADF;
	if (!uaccess_range_ok(a[1], len))
		return -EFAULT;
	struct fd_info *fi = fdi_get(fd);
	if (!fi || !(fi->flags & (FDI_DIR | FDI_NOTDIR))) {
		struct _io_stat st;
		int r = fd_fstat_k(fd, &st);
		if (r < 0)
			return r;
		if ((fi = fdi_get(fd)))
			fi->flags |= L_S_ISDIR(st.st_mode) ? FDI_DIR : FDI_NOTDIR;
		else if (!L_S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	if (fi && (fi->flags & FDI_NOTDIR))
		return -ENOTDIR;
	struct _io_read m = { .type = _IO_READ, .nbytes = (int32_t)len, .xtype = _IO_XTYPE_NONE };
	long r = fd_send(fd, &m, sizeof(m), (void *)a[1], len);
	if (r > (long)len)
		r = -EIO; /* more than the buffer holds: a broken server */
	if (r > 0)
		fdi_moved(fd, _IO_READ, r); /* FDI_DIR: its offset is lost to recovery */
	return r;
}

#define OP_KEEP_DIRFLAG 0x1 /* keep the trailing-'/' eflag */
#define OP_RMDIR 0x2        /* a final "." is EINVAL, ".." ENOTEMPTY (rmdir) */

/* The last component of a raw path is "." (1) or ".." (2), else 0. */
static int last_dots(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t s = n;
	while (s && p[s - 1] != '/')
		s--;
	if (n - s == 1 && p[s] == '.')
		return 1;
	if (n - s == 2 && p[s] == '.' && p[s + 1] == '.')
		return 2;
	return 0;
}

/* Runs a name-changing connect on the path at dirfd; 0 or -errno. */
static long name_op(int dirfd, uaddr_t upath, uint16_t subtype, uint32_t ioflag, uint32_t mode,
		    const void *extra, uint32_t extra_len, unsigned opts)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long r = fd_connect_path_user(rq, dirfd, upath, false);
	if (r == 0 && (opts & OP_RMDIR) && last_dots(rq->work))
		r = last_dots(rq->work) == 1 ? -EINVAL : -ENOTEMPTY;
	if (r == 0) {
		rq->subtype = subtype;
		rq->ioflag = ioflag;
		rq->mode = mode;
		rq->extra = extra;
		rq->extra_len = extra_len;
		if (!(opts & OP_KEEP_DIRFLAG))
			rq->eflag &= (uint8_t)~_IO_CONNECT_EFLAG_DIR;
		r = fd_connect_run(rq);
		if (r > 0)
			r = 0;
	}
	kfree(rq);
	return r;
}

static uint32_t umask_now(void)
{
	struct posix_proc *pp = posix_get();
	return pp ? pp->umask : 022;
}

static long mkdir_at(int dirfd, uaddr_t upath, uint32_t mode)
{
	mode = L_S_IFDIR | (mode & 07777 & ~umask_now());
	/* O_CREAT|O_EXCL: a final symlink is not followed (EEXIST) */
	return name_op(dirfd, upath, _IO_CONNECT_MKNOD, L_O_CREAT | L_O_EXCL, mode, NULL, 0, 0);
}

long sys_mkdir(const uint64_t *a, struct trapframe *tf)
{
	return mkdir_at(L_AT_FDCWD, a[0], (uint32_t)a[1]);
}

long sys_mkdirat(const uint64_t *a, struct trapframe *tf)
{
	return mkdir_at((int)a[0], a[1], (uint32_t)a[2]);
}

static long mknod_at(int dirfd, uaddr_t upath, uint32_t mode, uint64_t dev)
{
	uint32_t type = mode & L_S_IFMT;
	if (!type)
		type = L_S_IFREG;
	switch (type) {
	case L_S_IFREG:
	case L_S_IFIFO:
	case L_S_IFSOCK:
		break;
	case L_S_IFCHR:
	case L_S_IFBLK:
		if (cur_thread()->proc->uid != 0)
			return -EPERM;
		break;
	default:
		return -EINVAL;
	}
	mode = type | (mode & 07777 & ~umask_now());
	bool devnode = type == L_S_IFCHR || type == L_S_IFBLK;
	return name_op(dirfd, upath, _IO_CONNECT_MKNOD, L_O_CREAT | L_O_EXCL, mode,
		       devnode ? &dev : NULL, devnode ? sizeof(dev) : 0, 0);
}

long sys_mknod(const uint64_t *a, struct trapframe *tf)
{
	return mknod_at(L_AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_mknodat(const uint64_t *a, struct trapframe *tf)
{
	return mknod_at((int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static long unlink_at(int dirfd, uaddr_t upath, bool rmdir)
{
	return name_op(dirfd, upath, _IO_CONNECT_UNLINK, L_O_NOFOLLOW, rmdir ? L_S_IFDIR : 0,
		       NULL, 0, OP_KEEP_DIRFLAG | (rmdir ? OP_RMDIR : 0));
}

long sys_unlink(const uint64_t *a, struct trapframe *tf)
{
	return unlink_at(L_AT_FDCWD, a[0], false);
}

long sys_rmdir(const uint64_t *a, struct trapframe *tf)
{
	return unlink_at(L_AT_FDCWD, a[0], true);
}

long sys_unlinkat(const uint64_t *a, struct trapframe *tf)
{
	if (a[2] & ~(uint64_t)L_AT_REMOVEDIR)
		return -EINVAL;
	return unlink_at((int)a[0], a[1], a[2] & L_AT_REMOVEDIR);
}
