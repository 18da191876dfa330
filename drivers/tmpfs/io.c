/*
 * fs-tmp's I/O handlers: read/write of regular files (data copied between
 * the client and the file's pages directly, in batches of IO_PARTS
 * pages), directory reads (linux_dirent64 records), stat, ftruncate and
 * fallocate (_IO_SPACE), statfs (devctl), pathconf, the time stamps, and
 * close. Three tables: regular files, directories, and the rest (symlinks
 * and FIFOs opened with O_PATH or for stat: no data access). Called by
 * the resmgr library through the tables set up in tmpfs_io_init().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "tmpfs.h"

#include <sys/resmgr_ext.h>
#include <sys/dcmd_fsys.h>

#define IO_PARTS 64 /* pages per MsgReadv / MsgWritev */
#define TMPFS_MAGIC 0x01021994


resmgr_io_funcs_t tmpfs_io_file, tmpfs_io_dir, tmpfs_io_other;

static struct tnode *node_of(iofunc_ocb_t *ocb)
{
	return (struct tnode *)ocb->attr;
}

int tmpfs_set_size(struct tnode *n, uint64_t size)
{
	if (size > TMPFS_MAXFILE)
		return EFBIG;
	if (size < (uint64_t)n->attr.nbytes)
		fdata_punch(&n->file, size, UINT64_MAX);
	n->attr.nbytes = (int64_t)size;
	node_touch(n, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	return EOK;
}

/* relatime: the access time moves when it is older than the last change. */
static void touch_atime(struct tnode *n)
{
	const iofunc_attr_t *a = &n->attr;
	if (a->atime < a->mtime || (a->atime == a->mtime && a->atime_nsec <= a->mtime_nsec) ||
	    a->atime < a->ctime)
		node_touch(n, IOFUNC_ATTR_ATIME);
}

static int file_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	static iov_t iov[IO_PARTS];
	struct tnode *n = node_of(ocb);
	int64_t off;
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r || (r = iofunc_rw_offset(ctp, msg, ocb, &off)))
		return r;
	bool explicit = (msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_OFFSET;
	size_t len = (size_t)msg->i.nbytes;
	if (off >= n->attr.nbytes || !len) {
		_IO_SET_READ_NBYTES(ctp, 0);
		return EOK;
	}
	if ((uint64_t)len > (uint64_t)(n->attr.nbytes - off))
		len = (size_t)(n->attr.nbytes - off);
	size_t done = 0;
	for (;;) {
		size_t got;
		int parts = fdata_iov_read(&n->file, (uint64_t)off + done, len - done, iov, IO_PARTS,
					   &got);
		if (done + got == len && done == 0) {
			if (MsgReplyv(ctp->rcvid, (long)len, iov, parts) == -1)
				return _RESMGR_NOREPLY; /* the client went away */
			break;
		}
		if (MsgWritev(ctp->rcvid, iov, parts, done) == -1)
			return errno;
		done += got;
		if (done == len) {
			MsgReply(ctp->rcvid, (long)len, NULL, 0);
			break;
		}
	}
	if (!explicit)
		ocb->offset = off + (int64_t)len;
	touch_atime(n);
	return _RESMGR_NOREPLY;
}

static int file_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	static iov_t iov[IO_PARTS];
	struct tnode *n = node_of(ocb);
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	bool explicit = (msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_OFFSET;
	size_t hdr = sizeof(msg->i) + (explicit ? sizeof(struct _xtype_offset) : 0);
	int64_t off = n->attr.nbytes;
	if (!(ocb->ioflag & O_APPEND) && (r = iofunc_rw_offset(ctp, msg, ocb, &off)))
		return r;
	size_t len = (size_t)msg->i.nbytes;
	if (!len) {
		_IO_SET_WRITE_NBYTES(ctp, 0);
		return EOK;
	}
	if ((uint64_t)off >= TMPFS_MAXFILE)
		return EFBIG;
	if ((uint64_t)len > TMPFS_MAXFILE - (uint64_t)off)
		len = (size_t)(TMPFS_MAXFILE - (uint64_t)off);
	size_t done = 0;
	int err = ENOSPC;
	while (done < len) {
		size_t cov;
		int parts = fdata_iov_write(&n->file, (uint64_t)off + done, len - done, iov, IO_PARTS,
					    &cov);
		if (!cov)
			break; /* out of pages */
		long got = MsgReadv(ctp->rcvid, iov, parts, ctp->offset + hdr + done);
		if (got < 0) {
			err = errno;
			break;
		}
		done += (size_t)got;
		if ((size_t)got < cov)
			break;
	}
	if ((uint64_t)off + done > (uint64_t)n->attr.nbytes)
		n->attr.nbytes = off + (int64_t)done;
	if (done < len) /* pages made past the end for bytes that never came */
		fdata_punch(&n->file, (uint64_t)n->attr.nbytes, UINT64_MAX);
	if (!done)
		return err;
	if ((n->attr.mode & (S_ISUID | S_ISGID)) && !(ocb->flags & IOFUNC_OCB_PRIVILEGED))
		n->attr.mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	node_touch(n, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	if (!explicit)
		ocb->offset = off + (int64_t)done;
	_IO_SET_WRITE_NBYTES(ctp, done);
	return EOK;
}

static unsigned dtype_of(const struct tnode *n)
{
	switch (n->attr.mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFIFO: return DT_FIFO;
	}
	return DT_UNKNOWN;
}

/* getdents64: position 0 is ".", 1 "..", then the first entry whose
 * cookie is the position or more; each record's d_off is the position
 * after it. Whole records only; EINVAL when not even one fits. */
static int dir_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	static char buf[8192];
	struct tnode *d = node_of(ocb);
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return EINVAL;
	size_t room = (size_t)msg->i.nbytes < sizeof(buf) ? (size_t)msg->i.nbytes : sizeof(buf);
	size_t used = 0, k;
	int64_t pos = ocb->offset;
	bool more = false;
	while (pos < 2 && !more) {
		const struct tnode *who = pos == 0 ? d : (d->dir.parent ? d->dir.parent : d);
		const char *name = pos == 0 ? "." : "..";
		k = resmgr_dirent_put(buf + used, room - used, who->attr.inode, pos + 1, DT_DIR,
				      name, strlen(name));
		more = !k;
		used += k;
		pos += !more;
	}
	for (struct dentry *de = d->dir.first; de && !more; de = de->next) {
		if (de->cookie < pos)
			continue;
		k = resmgr_dirent_put(buf + used, room - used, de->node->attr.inode, de->cookie + 1,
				      dtype_of(de->node), de->name, de->namelen);
		more = !k;
		used += k;
		if (!more)
			pos = de->cookie + 1;
	}
	if (!used && more)
		return EINVAL;
	ocb->offset = pos;
	touch_atime(d);
	_IO_SET_READ_NBYTES(ctp, used);
	return _RESMGR_PTR(ctp, buf, used);
}

static int node_stat(resmgr_context_t *ctp, io_stat_t *msg, iofunc_ocb_t *ocb)
{
	struct tnode *n = node_of(ocb);
	iofunc_time_update(&n->attr);
	iofunc_stat(ctp, &n->attr, &msg->o);
	msg->o.st_blocks = S_ISREG(n->attr.mode) ? (int64_t)n->file.pages * (TMPFS_PAGE / 512) : 0;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

/* ftruncate (FREESP to the end), hole punching (FREESP of a range) and
 * fallocate (ALLOCSP); the reply is the new size. */
static int file_space(resmgr_context_t *ctp, io_space_t *msg, iofunc_ocb_t *ocb)
{
	struct tnode *n = node_of(ocb);
	const struct _io_space *s = &msg->i;
	uint64_t from, end;
	int r = iofunc_space_range(ocb, s, &from, &end);
	if (r)
		return r;
	if (end > TMPFS_MAXFILE)
		return EFBIG;
	if (s->subtype == _IO_SPACE_FREESP) {
		if (!s->len || end >= (uint64_t)n->attr.nbytes) {
			r = tmpfs_set_size(n, from);
		} else {
			fdata_punch(&n->file, from, end);
			node_touch(n, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
		}
	} else if (s->subtype == _IO_SPACE_ALLOCSP) {
		r = fdata_reserve(&n->file, from, end);
		if (r)
			fdata_punch(&n->file, (uint64_t)n->attr.nbytes, UINT64_MAX);
		else if (end > (uint64_t)n->attr.nbytes)
			r = tmpfs_set_size(n, end);
	} else {
		r = EINVAL;
	}
	if (r)
		return r;
	msg->o = (uint64_t)n->attr.nbytes;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

static int dir_space(resmgr_context_t *ctp, io_space_t *msg, iofunc_ocb_t *ocb)
{
	return EISDIR;
}

static int node_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	if (msg->i.dcmd != DCMD_FSYS_STATFS)
		return iofunc_devctl_default(ctp, msg, ocb);
	struct statfs st;
	memset(&st, 0, sizeof(st));
	st.f_type = TMPFS_MAGIC;
	st.f_bsize = TMPFS_PAGE;
	st.f_frsize = TMPFS_PAGE;
	st.f_blocks = pages_limit();
	st.f_bfree = st.f_bavail = pages_limit() - pages_used();
	st.f_namelen = TMPFS_NAME_MAX;
	memcpy(&st.f_fsid, &tmpfs_mount.dev, sizeof(st.f_fsid));
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = sizeof(st);
	memcpy(&msg->o + 1, &st, sizeof(st));
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + sizeof(st));
}

static int node_pathconf(resmgr_context_t *ctp, io_pathconf_t *msg, iofunc_ocb_t *ocb)
{
	switch (msg->i.name) {
	case _PC_LINK_MAX: ctp->status = TMPFS_LINK_MAX; return EOK;
	case _PC_NAME_MAX: ctp->status = TMPFS_NAME_MAX; return EOK;
	case _PC_FILESIZEBITS: ctp->status = 44; return EOK;
	case _PC_SYMLINK_MAX: ctp->status = TMPFS_PATH_MAX - 1; return EOK;
	}
	return iofunc_pathconf_default(ctp, msg, ocb);
}

/* The attribute defaults mark times for update; make them take now. */
static int node_chmod(resmgr_context_t *ctp, io_chmod_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_chmod_default(ctp, msg, ocb);
	iofunc_time_update(ocb->attr);
	return r;
}

static int node_chown(resmgr_context_t *ctp, io_chown_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_chown_default(ctp, msg, ocb);
	iofunc_time_update(ocb->attr);
	return r;
}

/* Files and directories can always be read and written without waiting. */
static int node_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	static iofunc_notify_t none[3];
	return iofunc_notify(ctp, msg, none, _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT, NULL, NULL);
}

static int node_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	struct tnode *n = node_of(ocb);
	iofunc_ocb_detach(ctp, ocb);
	iofunc_ocb_free(ocb);
	node_release(n);
	return EOK;
}

void tmpfs_io_init(void)
{
	resmgr_io_funcs_t *t = &tmpfs_io_other;
	iofunc_func_init(0, NULL, _RESMGR_IO_NFUNCS, t);
	t->stat = node_stat;
	t->devctl = node_devctl;
	t->pathconf = node_pathconf;
	t->chmod = node_chmod;
	t->chown = node_chown;
	t->notify = node_notify;
	t->close_ocb = node_close_ocb;
	tmpfs_io_file = tmpfs_io_dir = tmpfs_io_other;
	tmpfs_io_file.read = file_read;
	tmpfs_io_file.write = file_write;
	tmpfs_io_file.space = file_space;
	tmpfs_io_dir.read = dir_read;
	tmpfs_io_dir.space = dir_space;
}
