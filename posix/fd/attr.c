/*
 * File attributes: access checks (from the file's stat, against the
 * caller's real ids, or effective ones with AT_EACCESS), chmod, chown, utimensat, truncate, and the sync family.
 * The path forms combine the I/O message with a connect to the path
 * (COMBINE_CLOSE); the fd forms send it on the fd.
 *   truncate/ftruncate: _IO_SPACE, subtype _IO_SPACE_FREESP, whence
 *   SEEK_SET, start = the new size, len 0: "the file ends at start"
 *   (shrinking frees, growing adds zeros); the reply is the new size.
 */
#include <mm/kmem.h>

#include "fdpriv.h"

static bool in_groups(const struct process *p, uint32_t gid, bool real)
{
	if (gid == (real ? p->rgid : p->gid))
		return true;
	for (uint32_t i = 0; i < p->ngroups && i < PROC_NGROUPS_MAX; i++)
		if (p->groups[i] == gid)
			return true;
	return false;
}

/* mode: L_R_OK | L_W_OK | L_X_OK, or L_F_OK; real: the real ids (access)
 * rather than the effective ones. */
static int access_ids(const struct _io_stat *st, int mode, bool real)
{
	const struct process *p = cur_thread()->proc;
	uint32_t uid = real ? p->ruid : p->uid;
	if (mode == L_F_OK)
		return 0;
	if (uid == 0) {
		/* root reads and writes anything, runs what some x bit allows */
		if ((mode & L_X_OK) && !L_S_ISDIR(st->st_mode) && !(st->st_mode & 0111))
			return -EACCES;
		return 0;
	}
	unsigned bits;
	if (uid == st->st_uid)
		bits = (st->st_mode >> 6) & 7;
	else if (in_groups(p, st->st_gid, real))
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	return ((unsigned)mode & ~bits) ? -EACCES : 0;
}

int fd_access_check(const struct _io_stat *st, int mode)
{
	return access_ids(st, mode, false);
}

/* Runs io combined with path at dirfd; AT_EMPTY_PATH "" sends io on dirfd. */
static long path_io(int dirfd, uaddr_t upath, unsigned flags, const void *io, size_t io_len,
		    void *reply, size_t reply_len)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	long r = fd_connect_path_user(rq, dirfd, upath, flags & L_AT_EMPTY_PATH);
	if (r == 0 && !rq->path[0]) {
		kfree(rq);
		return fd_send(dirfd == L_AT_FDCWD ? -1 : dirfd, io, io_len, reply, reply_len);
	}
	if (r == 0) {
		r = fd_path_combine(rq, io, io_len, flags & L_AT_SYMLINK_NOFOLLOW);
		if (r >= 0 && reply)
			memcpy(reply, rq->reply, reply_len);
	}
	kfree(rq);
	return r;
}

static long access_at(int dirfd, uaddr_t upath, uint64_t mode, uint64_t flags)
{
	if (mode & ~7ull)
		return -EINVAL;
	if (flags & ~(uint64_t)(L_AT_EACCESS | L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH))
		return -EINVAL;
	struct _io_stat_req req = { .type = _IO_STAT };
	struct _io_stat st;
	long r = path_io(dirfd, upath, (unsigned)flags, &req, sizeof(req), &st, sizeof(st));
	return r < 0 ? r : access_ids(&st, (int)mode, !(flags & L_AT_EACCESS));
}

long sys_access(const uint64_t *a, struct trapframe *tf)
{
	return access_at(L_AT_FDCWD, a[0], a[1], 0);
}

long sys_faccessat(const uint64_t *a, struct trapframe *tf)
{
	return access_at((int)a[0], a[1], a[2], 0);
}

long sys_faccessat2(const uint64_t *a, struct trapframe *tf)
{
	return access_at((int)a[0], a[1], a[2], a[3]);
}

static long status0(long r) { return r < 0 ? r : 0; }

long sys_chmod(const uint64_t *a, struct trapframe *tf)
{
	struct _io_chmod m = { .type = _IO_CHMOD, .mode = (uint32_t)a[1] & 07777 };
	return status0(path_io(L_AT_FDCWD, a[0], 0, &m, sizeof(m), NULL, 0));
}

long sys_fchmodat(const uint64_t *a, struct trapframe *tf)
{
	struct _io_chmod m = { .type = _IO_CHMOD, .mode = (uint32_t)a[2] & 07777 };
	return status0(path_io((int)a[0], a[1], 0, &m, sizeof(m), NULL, 0));
}

long sys_fchmod(const uint64_t *a, struct trapframe *tf)
{
	struct _io_chmod m = { .type = _IO_CHMOD, .mode = (uint32_t)a[1] & 07777 };
	return status0(fd_send((int)a[0], &m, sizeof(m), NULL, 0));
}

static long chown_at(int dirfd, uaddr_t upath, uint64_t uid, uint64_t gid, uint64_t flags)
{
	if (flags & ~(uint64_t)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH))
		return -EINVAL;
	struct _io_chown m = { .type = _IO_CHOWN, .uid = (int32_t)uid, .gid = (int32_t)gid };
	return status0(path_io(dirfd, upath, (unsigned)flags, &m, sizeof(m), NULL, 0));
}

long sys_chown(const uint64_t *a, struct trapframe *tf)
{
	return chown_at(L_AT_FDCWD, a[0], a[1], a[2], 0);
}

long sys_lchown(const uint64_t *a, struct trapframe *tf)
{
	return chown_at(L_AT_FDCWD, a[0], a[1], a[2], L_AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(const uint64_t *a, struct trapframe *tf)
{
	return chown_at((int)a[0], a[1], a[2], a[3], a[4]);
}

long sys_fchown(const uint64_t *a, struct trapframe *tf)
{
	struct _io_chown m = { .type = _IO_CHOWN, .uid = (int32_t)a[1], .gid = (int32_t)a[2] };
	return status0(fd_send((int)a[0], &m, sizeof(m), NULL, 0));
}

static bool nsec_ok(int64_t ns)
{
	return (ns >= 0 && ns <= 999999999) || ns == L_UTIME_NOW || ns == L_UTIME_OMIT;
}

long sys_utimensat(const uint64_t *a, struct trapframe *tf)
{
	int dirfd = (int)a[0];
	uint64_t flags = a[3];
	if (flags & ~(uint64_t)L_AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	struct _io_utime m = { .type = _IO_UTIME, .cur_flag = 1 };
	if (a[2]) {
		struct linux_timespec ts[2];
		if (copy_from_user(ts, a[2], sizeof(ts)))
			return -EFAULT;
		if (!nsec_ok(ts[0].tv_nsec) || !nsec_ok(ts[1].tv_nsec))
			return -EINVAL;
		if (ts[0].tv_nsec == L_UTIME_OMIT && ts[1].tv_nsec == L_UTIME_OMIT)
			return 0;
		m.cur_flag = 0;
		m.atime_sec = ts[0].tv_sec;
		m.atime_nsec = ts[0].tv_nsec;
		m.mtime_sec = ts[1].tv_sec;
		m.mtime_nsec = ts[1].tv_nsec;
	}
	if (!a[1]) /* futimens: the fd itself */
		return status0(fd_send(dirfd, &m, sizeof(m), NULL, 0));
	return status0(path_io(dirfd, a[1], (unsigned)flags, &m, sizeof(m), NULL, 0));
}

static struct _io_space space_msg(int64_t len)
{
	return (struct _io_space){ .type = _IO_SPACE, .subtype = _IO_SPACE_FREESP, .whence = 0,
				   .start = len, .len = 0 };
}

long sys_ftruncate(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	struct _io_space m = space_msg((int64_t)a[1]);
	uint64_t size;
	return status0(fd_send((int)a[0], &m, sizeof(m), &size, sizeof(size)));
}

long sys_truncate(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return -ENOMEM;
	struct _io_space m = space_msg((int64_t)a[1]);
	long r = fd_connect_path_user(rq, L_AT_FDCWD, a[0], false);
	if (r == 0) {
		rq->subtype = _IO_CONNECT_COMBINE_CLOSE;
		rq->ioflag = _IO_FLAG_WR; /* the OCB must allow writing */
		rq->io = &m;
		rq->io_len = sizeof(m);
		r = status0(fd_connect_run(rq));
	}
	kfree(rq);
	return r;
}

static long sync_fd(int64_t fd, uint32_t flag)
{
	struct _io_sync m = { .type = _IO_SYNC, .flag = flag };
	return status0(fd_send(fd, &m, sizeof(m), NULL, 0));
}

long sys_fsync(const uint64_t *a, struct trapframe *tf) { return sync_fd((int)a[0], L_O_SYNC); }
long sys_fdatasync(const uint64_t *a, struct trapframe *tf) { return sync_fd((int)a[0], L_O_DSYNC); }
long sys_syncfs(const uint64_t *a, struct trapframe *tf) { return sync_fd((int)a[0], L_O_SYNC); }

/* Nothing to do: posix/ caches no file data, and every server writes
 * through to its own store (fsync asks one server to flush). */
long sys_sync(const uint64_t *a, struct trapframe *tf) { return 0; }
