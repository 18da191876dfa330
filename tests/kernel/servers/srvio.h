/*
 * srvio: the client side of path resolution and of the I/O messages, built
 * by hand on the native calls for the server tests (t_devmisc, t_pipe,
 * t_tmpfs), so that they check the servers' protocol itself, whatever
 * posix/ makes of it. Resolution follows <sys/pathmgr.h>: an _IO_CONNECT
 * with handle 0 to procnto on SYSMGR_COID, then the same connect (path
 * after the entry's prefix, handle from the entry) to each server entry in
 * turn, restarting on a symlink reply (RET_LINK with no entries; absolute
 * paths replace, the servers here send only absolute ones). Connections
 * are side channels. Functions return >= 0 or -errno. Header only; not
 * thread-safe (static buffers).
 */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include <unistd.h>

#define SIO_PATH_MAX 4096
#define SIO_RET_LINK (_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK)
#define SIO_REPLY_MAX (sizeof(struct _io_connect_link_reply) + \
		       16 * sizeof(struct _io_connect_entry) + SIO_PATH_MAX)

struct sio_req {
	uint16_t subtype;
	uint32_t ioflag;  /* already in ioflag form */
	uint32_t mode;
	uint8_t eflag;
	uint8_t extra_type;
	const void *extra;
	size_t extra_len;
	const void *io;   /* I/O message for the combine subtypes */
	size_t io_len;
	void *out;        /* reply data that is not a link reply */
	size_t out_len;
};

static char sio_reply[SIO_REPLY_MAX];
static char sio_linkpath[SIO_PATH_MAX]; /* the path of the last link reply */

/* One connect on coid; the reply lands in sio_reply (and req->out). */
static inline long sio_connect(int coid, const struct sio_req *q, const char *path, uint32_t handle)
{
	static char m[sizeof(struct _io_connect) + 2 * SIO_PATH_MAX + 512];
	size_t plen = strlen(path) + 1;
	size_t len = sizeof(struct _io_connect) + plen;
	if (_IO_CONNECT_ALIGN(plen) + _IO_CONNECT_ALIGN(q->extra_len) + q->io_len + 64 >
	    sizeof(m) - sizeof(struct _io_connect))
		return -ENAMETOOLONG;
	struct _io_connect *c = (struct _io_connect *)m;
	memset(m, 0, sizeof(m));
	c->type = _IO_CONNECT;
	c->subtype = q->subtype;
	c->file_type = _FTYPE_ANY;
	c->reply_max = (uint16_t)sizeof(sio_reply);
	c->entry_max = 16;
	c->handle = handle;
	c->ioflag = q->ioflag;
	c->mode = q->mode;
	c->eflag = q->eflag;
	c->path_len = (uint16_t)plen;
	c->extra_type = q->extra_type;
	c->extra_len = (uint16_t)q->extra_len;
	memcpy(c->path, path, plen);
	if (q->extra_len || q->io_len) {
		len = sizeof(*c) + _IO_CONNECT_ALIGN(plen);
		memcpy(m + len, q->extra, q->extra_len);
		len += q->extra_len;
		if (q->io_len) {
			len = sizeof(*c) + _IO_CONNECT_ALIGN(plen) + _IO_CONNECT_ALIGN(q->extra_len);
			memcpy(m + len, q->io, q->io_len);
			len += q->io_len;
		}
	}
	long st = MsgSend_r(coid, m, len, sio_reply, sizeof(sio_reply));
	if (st >= 0 && q->out && (unsigned long)st != SIO_RET_LINK)
		memcpy(q->out, sio_reply, q->out_len < sizeof(sio_reply) ? q->out_len : sizeof(sio_reply));
	return st;
}

/* The link reply now in sio_reply: its entries (or NULL) and path. */
static inline const struct _io_connect_link_reply *sio_linkrep(const struct _io_connect_entry **e,
							       const char **path)
{
	const struct _io_connect_link_reply *lr = (const void *)sio_reply;
	size_t off = sizeof(*lr) + lr->nentries * sizeof(struct _io_connect_entry);
	if (lr->nentries > 16 || !lr->path_len || off + lr->path_len > sizeof(sio_reply))
		return NULL;
	*e = (const void *)(sio_reply + sizeof(*lr));
	*path = sio_reply + off;
	return lr;
}

static inline int sio_fallthrough(long e)
{
	return e == -ENOENT || e == -ENOSYS || e == -ENXIO || e == -ESRCH || e == -EROFS ||
	       e == -EXDEV;
}

/*
 * Resolves path and sends q to the servers in turn. Returns the coid of the
 * server that accepted (keep: the connection stays, else it is detached and
 * 0 returned), with *status its reply status; or -errno. A READLINK's
 * RET_LINK answer is final: its path is left in sio_linkpath.
 */
static inline int sio_run(const char *path, const struct sio_req *q, int keep, long *status)
{
	static char cur[SIO_PATH_MAX], ent_path[SIO_PATH_MAX];
	static struct _io_connect_entry ents[16];
	snprintf(cur, sizeof(cur), "%s", path);
	size_t plen = strlen(path);
	uint8_t slash = plen > 1 && path[plen - 1] == '/' ? _IO_CONNECT_EFLAG_DIR : 0;
	for (int hop = 0; hop <= 16; hop++) {
		struct sio_req pq = *q;
		pq.out = NULL;
		pq.io = NULL;
		pq.io_len = 0;
		long st = sio_connect(SYSMGR_COID, &pq, cur, 0);
		if (st < 0)
			return (int)st;
		const struct _io_connect_entry *e;
		const char *lpath;
		const struct _io_connect_link_reply *lr = sio_linkrep(&e, &lpath);
		if ((unsigned long)st != SIO_RET_LINK || !lr)
			return -EBADMSG;
		if (lr->nentries == 0) {
			snprintf(cur, sizeof(cur), "%s", lpath);
			continue;
		}
		unsigned n = lr->nentries;
		uint8_t eflag = lr->eflag | slash; /* a trailing '/' (as posix sends it) */
		memcpy(ents, e, n * sizeof(ents[0]));
		snprintf(ent_path, sizeof(ent_path), "%s", lpath);
		long err = -ENOENT;
		int restart = 0;
		for (unsigned i = 0; i < n && !restart; i++) {
			int coid = ConnectAttach_r(0, ents[i].pid, ents[i].chid, _NTO_SIDE_CHANNEL, 0);
			if (coid < 0)
				continue;
			const char *rest = ent_path + ents[i].prefix_len;
			while (*rest == '/')
				rest++;
			struct sio_req sq = *q;
			sq.eflag |= eflag & _IO_CONNECT_EFLAG_DIR;
			st = sio_connect(coid, &sq, rest, ents[i].handle);
			if (st >= 0 && (unsigned long)st == SIO_RET_LINK) {
				const struct _io_connect_entry *se;
				const char *sp;
				const struct _io_connect_link_reply *slr = sio_linkrep(&se, &sp);
				if (slr && slr->nentries == 0) {
					snprintf(sio_linkpath, sizeof(sio_linkpath), "%s", sp);
					if (q->subtype != _IO_CONNECT_READLINK) {
						ConnectDetach_r(coid);
						snprintf(cur, sizeof(cur), "%s", sp);
						restart = 1;
						continue;
					}
				}
			}
			if (st >= 0) {
				if (status)
					*status = st;
				if (keep)
					return coid;
				ConnectDetach_r(coid);
				return 0;
			}
			ConnectDetach_r(coid);
			if (!sio_fallthrough(st))
				return (int)st;
			if (err == -ENOENT)
				err = st;
		}
		if (!restart)
			return (int)err;
	}
	return -ELOOP;
}

/* open(path, oflag, mode): a side-channel coid or -errno. */
static inline int sio_open(const char *path, unsigned oflag, unsigned mode)
{
	struct sio_req q = {.subtype = _IO_CONNECT_OPEN, .ioflag = _IO_OFLAG_TO_IOFLAG(oflag),
			    .mode = (oflag & O_CREAT) ? (S_IFREG | (mode & 07777)) : 0};
	return sio_run(path, &q, 1, NULL);
}

/* A path operation that binds nothing: unlink, mkdir... 0 or -errno. */
static inline int sio_op(const char *path, uint16_t subtype, unsigned ioflag, unsigned mode,
			 uint8_t extra_type, const void *extra, size_t extra_len)
{
	struct sio_req q = {.subtype = subtype, .ioflag = ioflag, .mode = mode,
			    .extra_type = extra_type, .extra = extra, .extra_len = extra_len};
	int r = sio_run(path, &q, 0, NULL);
	return r < 0 ? r : 0;
}

static inline int sio_unlink(const char *path)
{
	return sio_op(path, _IO_CONNECT_UNLINK, O_NOFOLLOW, 0, 0, NULL, 0);
}

static inline int sio_rmdir(const char *path)
{
	return sio_op(path, _IO_CONNECT_UNLINK, O_NOFOLLOW, S_IFDIR, 0, NULL, 0);
}

static inline int sio_mkdir(const char *path, unsigned mode)
{
	return sio_op(path, _IO_CONNECT_MKNOD, O_CREAT | O_EXCL, S_IFDIR | mode, 0, NULL, 0);
}

static inline int sio_symlink(const char *target, const char *path)
{
	return sio_op(path, _IO_CONNECT_LINK, O_CREAT | O_EXCL | O_NOFOLLOW, S_IFLNK | 0777,
		      _IO_CONNECT_EXTRA_SYMLINK, target, strlen(target) + 1);
}

/* rename / link with the source as an extra (rel: relative to the
 * server's mountpoint as posix sends it; else the absolute path). */
static inline int sio_rename(const char *from, const char *to)
{
	return sio_op(to, _IO_CONNECT_RENAME, O_NOFOLLOW, 0, _IO_CONNECT_EXTRA_RENAME, from,
		      strlen(from) + 1);
}

static inline int sio_link(const char *from, const char *to)
{
	return sio_op(to, _IO_CONNECT_LINK, O_CREAT | O_EXCL | O_NOFOLLOW, 0,
		      _IO_CONNECT_EXTRA_LINK, from, strlen(from) + 1);
}

/* readlink: the text into buf (NUL-terminated); its length or -errno. */
static inline int sio_readlink(const char *path, char *buf, size_t cap)
{
	struct sio_req q = {.subtype = _IO_CONNECT_READLINK, .ioflag = O_NOFOLLOW};
	long st = 0;
	int r = sio_run(path, &q, 0, &st);
	if (r < 0)
		return r;
	if ((unsigned long)st != SIO_RET_LINK)
		return -EBADMSG;
	size_t n = strlen(sio_linkpath);
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(buf, sio_linkpath, n + 1);
	return (int)n;
}

/* stat / lstat of a path: COMBINE_CLOSE + _IO_STAT, access 0. */
static inline int sio_stat(const char *path, int nofollow, struct _io_stat *st)
{
	struct _io_stat_req sr = {.type = _IO_STAT};
	struct sio_req q = {.subtype = _IO_CONNECT_COMBINE_CLOSE,
			    .ioflag = nofollow ? O_NOFOLLOW : 0, .mode = nofollow ? S_IFLNK : 0,
			    .io = &sr, .io_len = sizeof(sr), .out = st, .out_len = sizeof(*st)};
	int r = sio_run(path, &q, 0, NULL);
	return r < 0 ? r : 0;
}

/* A path operation with an I/O message combined (chmod, truncate...). */
static inline int sio_path_io(const char *path, unsigned ioflag, const void *io, size_t io_len,
			      void *out, size_t out_len)
{
	struct sio_req q = {.subtype = _IO_CONNECT_COMBINE_CLOSE, .ioflag = ioflag, .io = io,
			    .io_len = io_len, .out = out, .out_len = out_len};
	int r = sio_run(path, &q, 0, NULL);
	return r < 0 ? r : 0;
}

/* Waits up to ms for path to resolve (a server attaching it). 0 or -errno. */
static inline int sio_wait_path(const char *path, unsigned ms)
{
	struct _io_stat st;
	int r = -ENOENT;
	for (unsigned t = 0; t < ms; t += 5) {
		if ((r = sio_stat(path, 0, &st)) == 0)
			return 0;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	return r;
}

/* The I/O messages on a connection. */
static inline long sio_read(int fd, void *buf, size_t n)
{
	struct _io_read h = {.type = _IO_READ, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_NONE};
	return MsgSend_r(fd, &h, sizeof(h), buf, n);
}

static inline long sio_read_x(int fd, void *buf, size_t n, uint32_t xtype)
{
	struct _io_read h = {.type = _IO_READ, .nbytes = (int32_t)n, .xtype = xtype};
	return MsgSend_r(fd, &h, sizeof(h), buf, n);
}

static inline long sio_write_x(int fd, const void *buf, size_t n, uint32_t xtype)
{
	struct _io_write h = {.type = _IO_WRITE, .nbytes = (int32_t)n, .xtype = xtype};
	iov_t iov[2];
	SETIOV(&iov[0], &h, sizeof(h));
	SETIOV(&iov[1], buf, n);
	return MsgSendv_r(fd, iov, 2, NULL, 0);
}

static inline long sio_write(int fd, const void *buf, size_t n)
{
	return sio_write_x(fd, buf, n, _IO_XTYPE_NONE);
}

static inline long sio_pread(int fd, void *buf, size_t n, int64_t off)
{
	struct {
		struct _io_read h;
		struct _xtype_offset o;
	} m = {{.type = _IO_READ, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_OFFSET}, {off}};
	return MsgSend_r(fd, &m, sizeof(m), buf, n);
}

static inline long sio_pwrite(int fd, const void *buf, size_t n, int64_t off)
{
	struct {
		struct _io_write h;
		struct _xtype_offset o;
	} m = {{.type = _IO_WRITE, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_OFFSET}, {off}};
	iov_t iov[2];
	SETIOV(&iov[0], &m, sizeof(m));
	SETIOV(&iov[1], buf, n);
	return MsgSendv_r(fd, iov, 2, NULL, 0);
}

static inline int sio_fstat(int fd, struct _io_stat *st)
{
	struct _io_stat_req r = {.type = _IO_STAT};
	long x = MsgSend_r(fd, &r, sizeof(r), st, sizeof(*st));
	return x < 0 ? (int)x : 0;
}

static inline int64_t sio_lseek(int fd, int64_t off, int whence)
{
	struct _io_lseek m = {.type = _IO_LSEEK, .whence = (int16_t)whence, .offset = off};
	uint64_t pos;
	long r = MsgSend_r(fd, &m, sizeof(m), &pos, sizeof(pos));
	return r < 0 ? r : (int64_t)pos;
}

/* ftruncate: the new size or -errno. */
static inline int64_t sio_ftruncate(int fd, int64_t len)
{
	struct _io_space m = {.type = _IO_SPACE, .subtype = _IO_SPACE_FREESP, .whence = SEEK_SET,
			      .start = len, .len = 0};
	uint64_t size;
	long r = MsgSend_r(fd, &m, sizeof(m), &size, sizeof(size));
	return r < 0 ? r : (int64_t)size;
}

static inline int sio_close(int fd)
{
	struct _io_close m = {.type = _IO_CLOSE};
	long r = MsgSend_r(fd, &m, sizeof(m), NULL, 0);
	ConnectDetach_r(fd);
	return r < 0 ? (int)r : 0;
}

/* dup(): a new side channel bound to fd's OCB. */
static inline int sio_dup(int fd)
{
	struct _server_info si;
	if (ConnectServerInfo_r(0, fd, &si) != fd)
		return -EBADF;
	int nfd = ConnectAttach_r(0, si.pid, si.chid, _NTO_SIDE_CHANNEL, 0);
	if (nfd < 0)
		return nfd;
	struct _io_dup m;
	memset(&m, 0, sizeof(m));
	m.type = _IO_DUP;
	m.info.pid = getpid();
	m.info.coid = fd;
	m.info.scoid = si.scoid;
	long r = MsgSend_r(nfd, &m, sizeof(m), NULL, 0);
	if (r < 0) {
		ConnectDetach_r(nfd);
		return (int)r;
	}
	return nfd;
}

/* devctl: n bytes of data go out and come back; *ret_val the server's. */
static inline int sio_devctl(int fd, int dcmd, void *data, size_t n, int *ret_val)
{
	struct _io_devctl h = {.type = _IO_DEVCTL, .dcmd = dcmd, .nbytes = (int32_t)n};
	struct _io_devctl_reply rh;
	iov_t s[2], r[2];
	SETIOV(&s[0], &h, sizeof(h));
	SETIOV(&s[1], data, n);
	SETIOV(&r[0], &rh, sizeof(rh));
	SETIOV(&r[1], data, n);
	long x = MsgSendv_r(fd, s, 2, r, 2);
	if (x < 0)
		return (int)x;
	if (ret_val)
		*ret_val = rh.ret_val;
	return 0;
}

/* poll one connection: the _NOTIFY_COND_* (and extended) flags that hold. */
static inline long sio_poll(int fd, uint32_t want)
{
	struct _io_notify m;
	memset(&m, 0, sizeof(m));
	m.type = _IO_NOTIFY;
	m.action = _NOTIFY_ACTION_POLL;
	m.flags = want;
	struct _io_notify_reply r;
	long x = MsgSend_r(fd, &m, sizeof(m), &r, sizeof(r));
	return x < 0 ? x : (long)r.flags;
}

/* Starts a boot-image program with arguments; its pid or -errno. */
static inline int sio_spawn(const char *name, char *const argv[])
{
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	return ImageSpawn_r(name, argv, envp, &attr);
}
