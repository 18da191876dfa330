/*
 * pmclient: name resolution done by hand, the way the posix/ fd layer does
 * it (<sys/pathmgr.h>, brief point 3): an _IO_CONNECT with handle 0 to
 * procnto on SYSMGR_COID, then the same connect to each server entry with
 * the path left after its prefix, restarting on symlink replies.
 * Connections are side channels. Functions return >= 0 or -errno.
 * Header only, for t_pathmgr.
 */
#pragma once
#include <errno.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/neutrino.h>
#include <sys/pathmgr.h>

#define PMC_PATH_MAX 1024
#define PMC_REPLY_MAX (sizeof(struct _io_connect_link_reply) + 16 * sizeof(struct _io_connect_entry) + PMC_PATH_MAX)
#define PMC_RET_LINK (_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK)

/* A decoded link reply. */
struct pmc_reply {
	long status;
	unsigned nentries;
	struct _io_connect_entry e[16];
	uint8_t eflag;
	char path[PMC_PATH_MAX];
};

struct pmc_req {
	uint16_t subtype;
	uint32_t ioflag; /* already _IO_OFLAG_TO_IOFLAG'd */
	uint32_t mode;
	uint8_t eflag;
	uint32_t file_type;
	const void *io;  /* an I/O message to combine, or NULL */
	size_t io_len;
};

/* Sends the connect for path (handle) on coid; a link reply is decoded into
 * *rep. Reply data other than a link goes to out (out_len bytes). Returns
 * the status (>= 0) or -errno. */
static inline long pmc_connect(int coid, const struct pmc_req *q, const char *path, uint32_t handle,
			       struct pmc_reply *rep, void *out, size_t out_len)
{
	static union {
		struct _io_connect c;
		char raw[sizeof(struct _io_connect) + PMC_PATH_MAX + 256];
	} m;
	static char rbuf[PMC_REPLY_MAX];
	size_t plen = strlen(path) + 1;
	if (plen > PMC_PATH_MAX || q->io_len > 256)
		return -ENAMETOOLONG;
	memset(&m.c, 0, sizeof(m.c));
	m.c.type = _IO_CONNECT;
	m.c.subtype = q->subtype;
	m.c.file_type = q->file_type;
	m.c.entry_max = 16;
	m.c.reply_max = (uint16_t)sizeof(rbuf);
	m.c.handle = handle;
	m.c.ioflag = q->ioflag;
	m.c.mode = q->mode;
	m.c.eflag = q->eflag;
	m.c.path_len = (uint16_t)plen;
	memcpy(m.c.path, path, plen);
	size_t len = sizeof(m.c) + plen;
	if (q->io) {
		len = sizeof(m.c) + _IO_CONNECT_ALIGN(plen);
		memcpy(m.raw + len, q->io, q->io_len);
		len += q->io_len;
	}
	long st = MsgSend_r(coid, &m, len, rbuf, sizeof(rbuf));
	if (st < 0)
		return st;
	if ((unsigned long)st == PMC_RET_LINK && rep) {
		struct _io_connect_link_reply lr;
		memcpy(&lr, rbuf, sizeof(lr));
		rep->status = st;
		rep->nentries = lr.nentries;
		rep->eflag = lr.eflag;
		if (lr.nentries > 16)
			return -EBADMSG;
		memcpy(rep->e, rbuf + sizeof(lr), lr.nentries * sizeof(rep->e[0]));
		size_t off = sizeof(lr) + lr.nentries * sizeof(rep->e[0]);
		if (lr.path_len == 0 || lr.path_len > PMC_PATH_MAX || off + lr.path_len > sizeof(rbuf))
			return -EBADMSG;
		memcpy(rep->path, rbuf + off, lr.path_len);
		rep->path[lr.path_len - 1] = '\0';
	} else if (out) {
		memcpy(out, rbuf, out_len < sizeof(rbuf) ? out_len : sizeof(rbuf));
	}
	return st;
}

/* Resolution by procnto only. */
static inline long pmc_resolve(const struct pmc_req *q, const char *path, struct pmc_reply *rep)
{
	return pmc_connect(SYSMGR_COID, q, path, 0, rep, NULL, 0);
}

static inline int pmc_fallthrough(long e)
{
	return e == -ENOENT || e == -ENOSYS || e == -ENXIO || e == -ESRCH || e == -EROFS;
}

/*
 * The whole client side: resolves path and connects to the first entry
 * that accepts. On success returns the coid (a side channel) and, if
 * final is given, the path resolution ended on (after symlinks);
 * *status gets the server's reply status (a link reply for readlink).
 * out receives non-link reply data (e.g. the stat of a combined message).
 */
static inline int pmc_open_ex(const char *path, const struct pmc_req *q, char *final, long *status,
			      struct pmc_reply *linkrep, void *out, size_t out_len)
{
	static char cur[PMC_PATH_MAX];
	static struct pmc_reply rep, srep;
	snprintf(cur, sizeof(cur), "%s", path);
	for (int hop = 0; hop < 16; hop++) {
		long st = pmc_resolve(q, cur, &rep);
		if (st < 0)
			return (int)st;
		if (rep.nentries == 0) {
			snprintf(cur, sizeof(cur), "%s", rep.path);
			continue;
		}
		long err = -ENOENT;
		int relink = 0;
		for (unsigned i = 0; i < rep.nentries && !relink; i++) {
			const struct _io_connect_entry *e = &rep.e[i];
			int coid = ConnectAttach_r(0, e->pid, e->chid, _NTO_SIDE_CHANNEL, 0);
			if (coid < 0)
				continue; /* a server that just died: try the next one */
			const char *rest = rep.path + e->prefix_len;
			while (*rest == '/')
				rest++;
			st = pmc_connect(coid, q, rest, e->handle, &srep, out, out_len);
			if (st >= 0 && (unsigned long)st == PMC_RET_LINK && srep.nentries == 0 &&
			    q->subtype != _IO_CONNECT_READLINK) {
				ConnectDetach_r(coid);
				snprintf(cur, sizeof(cur), "%s", srep.path);
				relink = 1;
				break;
			}
			if (st >= 0) {
				if (final)
					snprintf(final, PMC_PATH_MAX, "%s", cur);
				if (status)
					*status = st;
				if (linkrep)
					*linkrep = srep;
				return coid;
			}
			ConnectDetach_r(coid);
			if (!pmc_fallthrough(st))
				return (int)st;
			if (err == -ENOENT)
				err = st; /* the first error more telling than ENOENT is kept */
		}
		if (!relink)
			return (int)err;
	}
	return -ELOOP;
}

static inline int pmc_open(const char *path, unsigned oflag)
{
	struct pmc_req q = {.subtype = _IO_CONNECT_OPEN, .ioflag = _IO_OFLAG_TO_IOFLAG(oflag)};
	return pmc_open_ex(path, &q, NULL, NULL, NULL, NULL, 0);
}

/* stat(path) / lstat(path) in one round trip per server: COMBINE_CLOSE + _IO_STAT. */
static inline int pmc_stat(const char *path, int lstat, struct _io_stat *st)
{
	struct _io_stat_req sr = {.type = _IO_STAT};
	struct pmc_req q = {.subtype = _IO_CONNECT_COMBINE_CLOSE, .ioflag = 0,
			    .mode = lstat ? 0120000u : 0, .io = &sr, .io_len = sizeof(sr)};
	int coid = pmc_open_ex(path, &q, NULL, NULL, NULL, st, sizeof(*st));
	if (coid < 0)
		return coid;
	ConnectDetach_r(coid);
	return 0;
}

/* readlink(path): the link's text into buf. */
static inline int pmc_readlink(const char *path, char *buf, size_t cap)
{
	struct pmc_req q = {.subtype = _IO_CONNECT_READLINK};
	long status = 0;
	static struct pmc_reply lr;
	int coid = pmc_open_ex(path, &q, NULL, &status, &lr, NULL, 0);
	if (coid < 0)
		return coid;
	ConnectDetach_r(coid);
	if ((unsigned long)status != PMC_RET_LINK || lr.nentries != 0)
		return -EINVAL;
	size_t n = strlen(lr.path);
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(buf, lr.path, n + 1);
	return (int)n;
}

static inline long pmc_read(int coid, void *buf, size_t n)
{
	struct _io_read h = {.type = _IO_READ, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_NONE};
	return MsgSend_r(coid, &h, sizeof(h), buf, n);
}

static inline long pmc_close(int coid)
{
	struct _io_close c = {.type = _IO_CLOSE};
	long r = MsgSend_r(coid, &c, sizeof(c), NULL, 0);
	ConnectDetach_r(coid);
	return r;
}
