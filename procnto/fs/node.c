/*
 * The I/O side of procnto's own names (fs/node.h): OCBs, reading data and
 * directories (Linux linux_dirent64 records), read-only refusals, and the
 * symlink reply shared by every connect handler in procnto.
 */
#include "fs/node.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DIRENT_NAME_OFF 19u      /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */
#define READ_CHUNK_MAX 16384u    /* bytes of directory records per read */

resmgr_io_funcs_t pn_io_funcs;

static char dir_buf[READ_CHUNK_MAX]; /* the dispatch thread's reply buffer */
static struct {
	struct _io_connect_link_reply r;
	char path[4096];
} link_buf;

int64_t pn_now(void)
{
	uint64_t ns = 0;
	ClockTime_r(_NTO_CLOCK_REALTIME, NULL, &ns);
	return (int64_t)(ns / 1000000000u);
}

uint64_t pn_ino_hash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h &= 0x7fffffffffffffffull;
	return h > 1 ? h : h + 2;
}

struct pn_ocb *pn_ocb_new(enum pn_node_kind kind, uint32_t mode, uint32_t uid, uint32_t gid,
			  uint64_t dev, uint64_t ino, int64_t size, int64_t mtime)
{
	struct pn_ocb *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->kind = kind;
	o->mount.dev = dev;
	o->mount.conf = IOFUNC_PC_CHOWN_RESTRICTED | IOFUNC_PC_NO_TRUNC;
	iofunc_attr_t *a = &o->attr;
	a->mount = &o->mount;
	a->mode = mode;
	a->nlink = S_ISDIR(mode) ? 2 : 1;
	a->uid = uid;
	a->gid = gid;
	a->inode = ino;
	a->nbytes = size;
	a->mtime = a->atime = a->ctime = mtime;
	return o;
}

void pn_ocb_free(struct pn_ocb *o)
{
	free(o->owned);
	free(o->dir);
	free(o);
}

int pn_ocb_open(resmgr_context_t *ctp, io_open_t *msg, struct pn_ocb *o)
{
	const struct _io_connect *c = &msg->connect;
	uint32_t ioflag = c->ioflag;
	bool dir = S_ISDIR(o->attr.mode);
	int r = EOK;
	if ((ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		r = EEXIST;
	else if (ioflag & _IO_FLAG_WR)
		r = dir ? EISDIR : EROFS;
	else if (ioflag & O_TRUNC)
		r = EROFS;
	else if (!dir && ((ioflag & O_DIRECTORY) || (c->eflag & _IO_CONNECT_EFLAG_DIR)))
		r = ENOTDIR;
	else
		r = iofunc_open(ctp, msg, &o->attr, NULL, NULL);
	if (r == EOK)
		r = iofunc_ocb_attach(ctp, msg, &o->io, &o->attr, &pn_io_funcs);
	if (r != EOK)
		pn_ocb_free(o);
	return r;
}

int pn_dirlist_add(struct pn_dirlist *l, const char *name, size_t len, unsigned type,
		   uint64_t ino)
{
	if (len == 0 || len > 255)
		return EOK; /* not a name a directory can hold */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct pn_dent *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (l->pool_len + len > l->pool_cap) {
		size_t cap = l->pool_cap ? l->pool_cap * 2 : 1024;
		while (cap < l->pool_len + len)
			cap *= 2;
		char *p = realloc(l->pool, cap);
		if (!p)
			return ENOMEM;
		l->pool = p;
		l->pool_cap = cap;
	}
	memcpy(l->pool + l->pool_len, name, len);
	l->v[l->n++] = (struct pn_dent){ino, l->pool_len, (uint16_t)len, (uint8_t)type};
	l->pool_len += len;
	return EOK;
}

void pn_dirlist_free(struct pn_dirlist *l)
{
	free(l->v);
	free(l->pool);
	memset(l, 0, sizeof(*l));
}

/* Appends one linux_dirent64 at buf+*len if it fits in cap. */
static bool dirent_put(char *buf, size_t *len, size_t cap, uint64_t ino, int64_t next,
		       unsigned type, const char *name, size_t nlen)
{
	size_t reclen = (DIRENT_NAME_OFF + nlen + 1 + 7) & ~(size_t)7;
	if (*len + reclen > cap)
		return false;
	char *d = buf + *len;
	uint16_t rl = (uint16_t)reclen;
	uint8_t t = (uint8_t)type;
	memcpy(d, &ino, 8);
	memcpy(d + 8, &next, 8);
	memcpy(d + 16, &rl, 2);
	memcpy(d + 18, &t, 1);
	memcpy(d + DIRENT_NAME_OFF, name, nlen);
	memset(d + DIRENT_NAME_OFF + nlen, 0, reclen - DIRENT_NAME_OFF - nlen);
	*len += reclen;
	return true;
}

static int read_dir(resmgr_context_t *ctp, io_read_t *msg, struct pn_ocb *o)
{
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
	struct pn_dirlist l = {0};
	int r = o->list(o, &l);
	if (r != EOK) {
		pn_dirlist_free(&l);
		return r;
	}
	size_t cap = (size_t)msg->i.nbytes < sizeof(dir_buf) ? (size_t)msg->i.nbytes : sizeof(dir_buf);
	size_t len = 0;
	int64_t i = o->io.offset;
	for (; i >= 0 && (uint64_t)i < l.n + 2; i++) {
		bool ok;
		if (i < 2)
			ok = dirent_put(dir_buf, &len, cap, i == 0 ? o->attr.inode : 1, i + 1, DT_DIR,
					"..", (size_t)i + 1);
		else {
			const struct pn_dent *e = &l.v[i - 2];
			ok = dirent_put(dir_buf, &len, cap, e->ino, i + 1, e->type, l.pool + e->name_off,
					e->len);
		}
		if (!ok)
			break;
	}
	bool more = i >= 0 && (uint64_t)i < l.n + 2;
	pn_dirlist_free(&l);
	if (len == 0 && more)
		return EINVAL; /* the buffer cannot hold one record (getdents) */
	o->io.offset = i < 0 ? 0 : i;
	_IO_SET_READ_NBYTES(ctp, len);
	return _RESMGR_PTR(ctp, dir_buf, len);
}

static int node_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	struct pn_ocb *o = (struct pn_ocb *)ocb;
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	if (o->kind == PN_NODE_DIR)
		return read_dir(ctp, msg, o);
	if (o->kind != PN_NODE_DATA)
		return EINVAL;
	int64_t off;
	if ((r = iofunc_rw_offset(ctp, msg, ocb, &off)) != EOK)
		return r;
	size_t n = 0;
	if ((uint64_t)off < o->size) {
		n = o->size - (size_t)off;
		if (n > (size_t)msg->i.nbytes)
			n = (size_t)msg->i.nbytes;
	}
	if ((msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_NONE)
		ocb->offset = off + (int64_t)n;
	_IO_SET_READ_NBYTES(ctp, n);
	return n ? _RESMGR_PTR(ctp, o->data + off, n) : EOK;
}

static int node_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	return r ? r : EROFS;
}

static int node_chmod(resmgr_context_t *ctp, io_chmod_t *msg, iofunc_ocb_t *ocb)
{
	return EROFS;
}

static int node_chown(resmgr_context_t *ctp, io_chown_t *msg, iofunc_ocb_t *ocb)
{
	return EROFS;
}

static int node_utime(resmgr_context_t *ctp, io_utime_t *msg, iofunc_ocb_t *ocb)
{
	return EROFS;
}

static int node_space(resmgr_context_t *ctp, io_space_t *msg, iofunc_ocb_t *ocb)
{
	return EROFS;
}

static int node_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	iofunc_ocb_detach(ctp, ocb);
	pn_ocb_free((struct pn_ocb *)ocb);
	return EOK;
}

void pn_node_init(void)
{
	iofunc_func_init(0, NULL, _RESMGR_IO_NFUNCS, &pn_io_funcs);
	pn_io_funcs.read = node_read;
	pn_io_funcs.write = node_write;
	pn_io_funcs.close_ocb = node_close_ocb;
	pn_io_funcs.chmod = node_chmod;
	pn_io_funcs.chown = node_chown;
	pn_io_funcs.utime = node_utime;
	pn_io_funcs.space = node_space;
}

int pn_reply_link(resmgr_context_t *ctp, const char *path, uint8_t eflag)
{
	size_t n = strlen(path) + 1;
	if (n > sizeof(link_buf.path))
		return ENAMETOOLONG;
	memset(&link_buf.r, 0, sizeof(link_buf.r));
	link_buf.r.eflag = eflag;
	link_buf.r.nentries = 0;
	link_buf.r.path_len = (uint16_t)n;
	memcpy(link_buf.path, path, n);
	ctp->status = (long)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK);
	return _RESMGR_PTR(ctp, &link_buf, sizeof(link_buf.r) + n);
}

bool pn_connect_nofollow(const struct _io_connect *c)
{
	if (c->eflag & _IO_CONNECT_EFLAG_DIR)
		return false; /* "link/" means the directory it points to */
	switch (c->subtype) {
	case _IO_CONNECT_OPEN:
	case _IO_CONNECT_COMBINE:
	case _IO_CONNECT_COMBINE_CLOSE:
		break;
	default:
		return true; /* readlink, unlink, rename, mknod, link act on the link */
	}
	if (c->ioflag & O_NOFOLLOW)
		return true;
	if ((c->ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return true;
	return (c->mode & S_IFMT) == S_IFLNK;
}
