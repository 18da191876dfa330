/*
 * fstat, stat, lstat, newfstatat, statx: _IO_STAT on the fd, or combined
 * with a connect to the path (COMBINE_CLOSE: open, stat and close in one
 * round trip). The reply is Linux's struct stat (struct _io_stat).
 */
#include <mm/kmem.h>

#include "fdpriv.h"

static const struct _io_stat_req stat_req = { .type = _IO_STAT };

int fd_fstat_k(int fd, struct _io_stat *st)
{
	long r = fd_send(fd, &stat_req, sizeof(stat_req), st, sizeof(*st));
	return r < 0 ? (int)r : 0;
}

long sys_fstat(const uint64_t *a, struct trapframe *tf)
{
	if (!uaccess_range_ok(a[1], sizeof(struct _io_stat)))
		return -EFAULT;
	/* straight into the user's buffer */
	long r = fd_send((int)a[0], &stat_req, sizeof(stat_req), (void *)a[1],
			 sizeof(struct _io_stat));
	return r < 0 ? r : 0;
}

/* Stats path at dirfd into *st. flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
static int stat_at(int dirfd, uaddr_t upath, unsigned flags, struct _io_stat *st)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	int r = fd_connect_path_user(rq, dirfd, upath, flags & L_AT_EMPTY_PATH);
	if (r == 0 && !rq->path[0]) {
		/* AT_EMPTY_PATH with "": the fd itself, or the cwd */
		if (dirfd != L_AT_FDCWD) {
			kfree(rq);
			return fd_fstat_k(dirfd, st);
		}
		memcpy(rq->path, posix_cwd(), strlen(posix_cwd()) + 1);
	}
	if (r == 0) {
		long s = fd_path_combine(rq, &stat_req, sizeof(stat_req),
					 flags & L_AT_SYMLINK_NOFOLLOW);
		if (s < 0)
			r = (int)s;
		else
			memcpy(st, rq->reply, sizeof(*st));
	}
	kfree(rq);
	return r;
}

static long stat_to_user(int dirfd, uaddr_t upath, unsigned flags, uaddr_t ust)
{
	struct _io_stat st;
	if (!uaccess_range_ok(ust, sizeof(st)))
		return -EFAULT;
	int r = stat_at(dirfd, upath, flags, &st);
	if (r < 0)
		return r;
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_stat(const uint64_t *a, struct trapframe *tf)
{
	return stat_to_user(L_AT_FDCWD, a[0], 0, a[1]);
}

long sys_lstat(const uint64_t *a, struct trapframe *tf)
{
	return stat_to_user(L_AT_FDCWD, a[0], L_AT_SYMLINK_NOFOLLOW, a[1]);
}

long sys_newfstatat(const uint64_t *a, struct trapframe *tf)
{
	unsigned flags = (unsigned)a[3];
	if (flags & ~(unsigned)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH | L_AT_NO_AUTOMOUNT))
		return -EINVAL;
	return stat_to_user((int)a[0], a[1], flags, a[2]);
}

static uint32_t dev_major(uint64_t d) { return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull)); }
static uint32_t dev_minor(uint64_t d) { return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffull)); }

long sys_statx(const uint64_t *a, struct trapframe *tf)
{
	unsigned flags = (unsigned)a[2];
	if (flags & ~(unsigned)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH | L_AT_NO_AUTOMOUNT |
				L_AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & L_AT_STATX_SYNC_TYPE) == L_AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (!uaccess_range_ok(a[4], sizeof(struct linux_statx)))
		return -EFAULT;
	struct _io_stat st;
	int r = stat_at((int)a[0], a[1], flags, &st);
	if (r < 0)
		return r;
	struct linux_statx x = {
		.stx_mask = L_STATX_BASIC_STATS,
		.stx_blksize = (uint32_t)st.st_blksize,
		.stx_nlink = (uint32_t)st.st_nlink,
		.stx_uid = st.st_uid,
		.stx_gid = st.st_gid,
		.stx_mode = (uint16_t)st.st_mode,
		.stx_ino = st.st_ino,
		.stx_size = (uint64_t)st.st_size,
		.stx_blocks = (uint64_t)st.st_blocks,
		.stx_atime = { st.st_atime_sec, (uint32_t)st.st_atime_nsec, 0 },
		.stx_ctime = { st.st_ctime_sec, (uint32_t)st.st_ctime_nsec, 0 },
		.stx_mtime = { st.st_mtime_sec, (uint32_t)st.st_mtime_nsec, 0 },
		.stx_rdev_major = dev_major(st.st_rdev),
		.stx_rdev_minor = dev_minor(st.st_rdev),
		.stx_dev_major = dev_major(st.st_dev),
		.stx_dev_minor = dev_minor(st.st_dev),
	};
	return copy_to_user(a[4], &x, sizeof(x)) ? -EFAULT : 0;
}
