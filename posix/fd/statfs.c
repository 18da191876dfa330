/*
 * statfs, fstatfs: _IO_DEVCTL DCMD_FSYS_STATFS (sys/dcmd_fsys.h) on the fd,
 * or combined with a connect to the path (open, devctl and close in one
 * round trip, as stat does). The reply data is Linux's struct statfs.
 * Every resmgr server answers (the library's default describes a server
 * that is not a file system); one that does not know the command at all
 * gives ENOSYS.
 */
#include <mm/kmem.h>
#include <sys/dcmd_fsys.h>

#include "fdpriv.h"

static const struct _io_devctl statfs_req = { .type = _IO_DEVCTL, .dcmd = DCMD_FSYS_STATFS };

static long server_error(long r) { return r == -ENOTTY ? -ENOSYS : r; }

long sys_fstatfs(const uint64_t *a, struct trapframe *tf)
{
	if (!uaccess_range_ok(a[1], sizeof(struct _fsys_statfs)))
		return -EFAULT;
	struct _io_devctl_reply rep;
	struct ipc_iov s[1] = { { (uaddr_t)&statfs_req, sizeof(statfs_req) } };
	struct ipc_iov r[2] = { { (uaddr_t)&rep, sizeof(rep) },
				{ a[1], sizeof(struct _fsys_statfs) } }; /* straight to the user */
	long e = fd_sendv((int)a[0], s, 1, r, 2);
	return e < 0 ? server_error(e) : 0;
}

long sys_statfs(const uint64_t *a, struct trapframe *tf)
{
	if (!uaccess_range_ok(a[1], sizeof(struct _fsys_statfs)))
		return -EFAULT;
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long e = fd_connect_path_user(rq, L_AT_FDCWD, a[0], false);
	if (!e)
		e = fd_path_combine(rq, &statfs_req, sizeof(statfs_req), false);
	if (e >= 0 && copy_to_user(a[1], rq->reply + sizeof(struct _io_devctl_reply),
				   sizeof(struct _fsys_statfs)))
		e = -EFAULT;
	kfree(rq);
	return e < 0 ? server_error(e) : 0;
}
