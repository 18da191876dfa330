/*
 * Path resolution: the client half of the _IO_CONNECT redirect protocol
 * (HELPERS-BRIEF-4 point 3, <sys/pathmgr.h>). Every path syscall builds a
 * struct fd_connect and runs it here:
 *
 *  1. The request (header, path, extra, combined I/O message) goes to
 *     procnto on SYSMGR_COID with handle 0 and the absolute path. procnto
 *     answers RET_LINK with the entries whose prefixes match (longest
 *     first) and its normalised path, or nentries 0 and a symlink's
 *     substitution (restart), or an error.
 *  2. For each entry in turn: ConnectAttach to (pid, chid) (fd space for
 *     an open that keeps the connection, else a side channel), then the
 *     same request with handle = entry.handle and path = what follows the
 *     prefix. Success ends the walk; ENOENT, ENOSYS, ENXIO, ESRCH, EROFS,
 *     EXDEV and a dead server try the next entry; other errors end it.
 *  3. A server's RET_LINK with nentries 0 is a symlink met inside it (except
 *     as the answer to READLINK): an absolute path replaces the request's,
 *     a relative one is relative to the server's mount point. Resolution
 *     restarts at 1; the 17th substitution fails with ELOOP.
 *  4. RET_FTYPE carries an errno for the match.
 *
 * Final symlinks are left alone when ioflag has O_NOFOLLOW or mode's type
 * is S_IFLNK (procnto and servers honour both), and by READLINK, UNLINK,
 * RENAME, LINK. No lock is held across the sends, and signals do not
 * interrupt them (as Linux's path calls are not interrupted; SIGKILL and
 * SIGSTOP still do).
 */
#include <kcall/kcall_gen.h>
#include <mm/kmem.h>

#include "fdpriv.h"

static const uint8_t zeros[8];

struct fd_connect *fd_connect_alloc(void)
{
	return kzalloc(sizeof(struct fd_connect));
}

/* Sends rq with path and handle on coid; the reply lands in rq->reply. */
static long connect_send(struct fd_connect *rq, int coid, uint32_t handle, const char *path)
{
	size_t plen = strlen(path) + 1;
	struct _io_connect hdr = {
		.type = _IO_CONNECT,
		.subtype = rq->subtype,
		.file_type = rq->file_type,
		.reply_max = (uint16_t)MIN(FD_REPLY_MAX, 0xffffu),
		.entry_max = FD_ENTRY_MAX,
		.handle = handle,
		.ioflag = rq->ioflag,
		.mode = rq->mode,
		.path_len = (uint16_t)plen,
		.eflag = rq->eflag,
		.extra_type = rq->extra_type,
		.extra_len = (uint16_t)rq->extra_len,
	};
	struct ipc_iov s[6];
	unsigned n = 0;
	s[n++] = (struct ipc_iov){ (uaddr_t)&hdr, sizeof(hdr) };
	s[n++] = (struct ipc_iov){ (uaddr_t)path, plen };
	bool more = rq->extra_len || rq->io_len;
	if (more && _IO_CONNECT_ALIGN(plen) != plen)
		s[n++] = (struct ipc_iov){ (uaddr_t)zeros, _IO_CONNECT_ALIGN(plen) - plen };
	if (rq->extra_len) {
		s[n++] = (struct ipc_iov){ (uaddr_t)rq->extra, rq->extra_len };
		if (rq->io_len && _IO_CONNECT_ALIGN(rq->extra_len) != rq->extra_len)
			s[n++] = (struct ipc_iov){ (uaddr_t)zeros,
						   _IO_CONNECT_ALIGN(rq->extra_len) - rq->extra_len };
	}
	if (rq->io_len)
		s[n++] = (struct ipc_iov){ (uaddr_t)rq->io, rq->io_len };
	struct ipc_iov r = { (uaddr_t)rq->reply, FD_REPLY_MAX };
	return fd_kmsg_quiet(coid, s, n, &r, 1);
}

/* A reply status, or -errno: a status is any value that is not -1..-4095. */
static bool is_err(long r) { return r < 0 && r >= -4095; }

/* The path of a RET_LINK reply in rq->reply, or NULL if malformed. */
static const char *link_path(struct fd_connect *rq, const struct _io_connect_link_reply **lrp)
{
	const struct _io_connect_link_reply *lr = (const void *)rq->reply;
	size_t off = sizeof(*lr) + (size_t)lr->nentries * sizeof(struct _io_connect_entry);
	if (lr->nentries > FD_ENTRY_MAX || !lr->path_len || off + lr->path_len > FD_REPLY_MAX)
		return NULL;
	const char *p = (const char *)rq->reply + off;
	if (p[lr->path_len - 1] != '\0')
		return NULL;
	*lrp = lr;
	return p;
}

/* Restarts rq->path with a symlink's substitution sub; mount_len bytes of
 * the current path are the mount point a relative sub is relative to. */
static int substitute(struct fd_connect *rq, const char *sub, size_t mount_len)
{
	if (mount_len >= L_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(rq->work, rq->path, mount_len);
	rq->work[mount_len] = '\0';
	uint8_t dir = rq->eflag & _IO_CONNECT_EFLAG_DIR;
	long n = path_fold(rq->path, rq->work[0] ? rq->work : "/", sub, &rq->eflag);
	rq->eflag |= dir;
	return n < 0 ? (int)n : 0;
}

/* Errors that send resolution on to the next server. */
static bool falls_through(long e)
{
	return e == -ENOENT || e == -ENOSYS || e == -ENXIO || e == -ESRCH || e == -EROFS ||
	       e == -EBADF || e == -EXDEV;
}

/* How telling an error is after trying several servers: a server without
 * the operation (ENOSYS) least, then "not here" (ENOENT, a dead server),
 * ENXIO, and anything else (EROFS, EXDEV) most. */
static int rank(long e)
{
	if (e == -ENOSYS)
		return 1;
	if (e == -ENOENT || e == -ESRCH || e == -EBADF)
		return 2;
	return e == -ENXIO ? 3 : 4;
}

/* The error to report: the first of the most telling ones (0: none yet). */
static long worse(long have, long e)
{
	if (e == -ESRCH || e == -EBADF)
		e = -ENOENT;
	return !have || rank(e) > rank(have) ? e : have;
}

/* Step 1: asks procnto. 0 with the entries in rq, 1 with a final answer
 * from procnto itself in rq->status, or -errno. Follows procnto symlinks. */
static int connect_query(struct fd_connect *rq, int *hops)
{
	for (;;) {
		long r = connect_send(rq, SYSMGR_COID, 0, rq->path);
		if (is_err(r))
			return (int)r;
		uint32_t st = (uint32_t)r;
		if (!(st & _IO_CONNECT_RET_FLAG) || !(st & _IO_CONNECT_RET_LINK)) {
			if (st & _IO_CONNECT_RET_FTYPE) {
				const struct _io_connect_ftype_reply *f = (const void *)rq->reply;
				if (f->status)
					return -(int)f->status;
			}
			rq->status = st;
			return 1;
		}
		const struct _io_connect_link_reply *lr;
		const char *path = link_path(rq, &lr);
		if (!path)
			return -EIO;
		if (lr->nentries == 0) {
			if (++*hops > FD_ENTRY_MAX)
				return -ELOOP;
			int e = substitute(rq, path, 0);
			if (e < 0)
				return e;
			continue;
		}
		rq->nents = lr->nentries;
		memcpy(rq->ents, rq->reply + sizeof(*lr), rq->nents * sizeof(rq->ents[0]));
		/* the entries' prefix_len apply to procnto's form of the path */
		size_t plen = lr->path_len - 1, lead = path[0] == '/' ? 0 : 1;
		if (plen + lead >= L_PATH_MAX)
			return -ENAMETOOLONG;
		memmove(rq->path + lead, path, plen + 1);
		rq->path[0] = '/';
		rq->ents_off = (uint32_t)lead;
		return 0;
	}
}

int fd_connect_lookup(struct fd_connect *rq)
{
	int hops = 0;
	int r = connect_query(rq, &hops);
	return r == 1 ? -ENXIO : r;
}

/* Step 2 for entry e. Returns the coid or status (>= 0), -errno, or 1 << 62
 * when a symlink substitution restarted rq->path. */
#define RESTART (1l << 62)
static long connect_entry(struct fd_connect *rq, const struct _io_connect_entry *e, int *hops)
{
	size_t plen = strlen(rq->path);
	size_t at = rq->ents_off + e->prefix_len;
	if (at > plen)
		return -ENOENT;
	const char *rest = rq->path + at;
	while (*rest == '/')
		rest++;
	if (rq->hook) {
		int h = rq->hook(rq, e);
		if (h < 0)
			return h;
	}
	unsigned index = (rq->flags & CR_FD) ? (unsigned)rq->fd_base : _NTO_SIDE_CHANNEL;
	long coid = ker_connect_attach(e->nd, e->pid, e->chid, index,
				       (rq->flags & CR_CLOEXEC) ? _NTO_COF_CLOEXEC : 0);
	if (coid < 0)
		return coid; /* ESRCH: the server is gone (next entry); EMFILE... end */
	if ((rq->flags & CR_FD) && coid >= fd_limit()) {
		ker_connect_detach((int)coid);
		return -EMFILE; /* RLIMIT_NOFILE */
	}
	long r = connect_send(rq, (int)coid, e->handle, rest);
	if (!is_err(r) && ((uint32_t)r & _IO_CONNECT_RET_FLAG)) {
		uint32_t st = (uint32_t)r;
		const struct _io_connect_link_reply *lr;
		const char *path;
		if (st & _IO_CONNECT_RET_LINK) {
			if (!(path = link_path(rq, &lr)) || lr->nentries) {
				r = -ENOSYS; /* redirects by servers (network) are not supported */
			} else if (rq->subtype != _IO_CONNECT_READLINK) {
				ker_connect_detach((int)coid);
				if (++*hops > FD_ENTRY_MAX)
					return -ELOOP;
				int s = substitute(rq, path, at);
				return s < 0 ? s : RESTART;
			}
		} else if (st & _IO_CONNECT_RET_FTYPE) {
			const struct _io_connect_ftype_reply *f = (const void *)rq->reply;
			if (f->status)
				r = -(long)f->status;
		}
	}
	if (!is_err(r)) {
		rq->status = (uint32_t)r;
		if (rq->flags & CR_KEEP)
			return coid;
		ker_connect_detach((int)coid);
		return (long)rq->status;
	}
	ker_connect_detach((int)coid);
	return r;
}

long fd_connect_run(struct fd_connect *rq)
{
	int hops = 0;
restart:;
	int q = connect_query(rq, &hops);
	if (q < 0)
		return q;
	if (q == 1)
		return (rq->flags & CR_KEEP) ? -ENXIO : (long)rq->status;
	long err = 0;
	for (uint32_t i = 0; i < rq->nents; i++) {
		long r = connect_entry(rq, &rq->ents[i], &hops);
		if (r == RESTART)
			goto restart;
		if (r >= 0)
			return r;
		if (!falls_through(r))
			return r;
		err = worse(err, r);
	}
	return err ? err : -ENOENT;
}

long fd_path_combine(struct fd_connect *rq, const void *io, size_t io_len, bool nofollow)
{
	rq->subtype = _IO_CONNECT_COMBINE_CLOSE;
	rq->ioflag = nofollow ? L_O_NOFOLLOW : 0; /* no access mode: stat needs no permission */
	rq->mode = nofollow ? L_S_IFLNK : 0;
	rq->io = io;
	rq->io_len = (uint32_t)io_len;
	rq->flags = 0;
	return fd_connect_run(rq);
}
