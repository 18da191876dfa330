/*
 * pfd_server: the resource manager of t_posixfd (tests/kernel/posixfd).
 * Started by the test with ImageSpawn; attaches PFD_DIR ("/test/fd") as a
 * flat directory of in-memory files and serves them until killed:
 *  - open of "" is the directory (getdents lists ".", ".." and the files);
 *    open of a name creates it with O_CREAT; "name/x" is ENOTDIR;
 *  - read, write (O_APPEND, pread/pwrite offsets), lseek, stat, ftruncate
 *    (_IO_SPACE FREESP), unlink, F_GETFL/F_SETFL (the iofunc defaults);
 *  - poll: input while the OCB's offset is below the file size, output
 *    always; every write wakes the armed readers;
 *  - ioctl: PFD_IOC_DOUBLE (an _IOWR int, doubled) and TIOCGWINSZ (24x80);
 *    others ENOTTY;
 *  - a file named PFD_LIAR answers reads and writes with a count 4096 more
 *    than was asked (a broken or hostile server).
 * It also attaches PFD_CONS, whose writes it copies to its own fd 1 (the
 * kernel console while it has no fd 1): the test's stdout and stderr while
 * the opens of the test would otherwise take fds 1 and 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/resmgr_ext.h>

#include "pfd.h"

#define NFILES 16

struct pfile {
	iofunc_attr_t attr; /* first: OCBs point here */
	char name[PFD_NAME_MAX];
	char *data;
	size_t cap;
	iofunc_notify_t notify[3];
	bool used;
};

static iofunc_mount_t mount = {.dev = 0x5a5a};
static iofunc_attr_t dir_attr, cons_attr;
static struct pfile files[NFILES];
static resmgr_connect_funcs_t connect_funcs;
static resmgr_connect_funcs_t cons_connect;
static resmgr_io_funcs_t dir_io, file_io, cons_io;

static struct pfile *file_of(iofunc_ocb_t *ocb) { return (struct pfile *)ocb->attr; }

static struct pfile *find(const char *name)
{
	for (int i = 0; i < NFILES; i++)
		if (files[i].used && files[i].attr.nlink && !strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

static int create(const char *name, mode_t mode, struct pfile **out)
{
	if (strlen(name) >= PFD_NAME_MAX)
		return ENAMETOOLONG;
	for (int i = 0; i < NFILES; i++) {
		struct pfile *f = &files[i];
		if (f->used)
			continue;
		memset(f, 0, sizeof(*f));
		iofunc_attr_init(&f->attr, S_IFREG | (mode & 07777), NULL, NULL);
		f->attr.mount = &mount;
		f->attr.inode = (uint64_t)i + 2;
		f->attr.nlink = 1;
		strcpy(f->name, name);
		f->used = true;
		*out = f;
		return EOK;
	}
	return ENOSPC;
}

static int pfd_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *dir, void *extra)
{
	struct _io_connect *c = &msg->connect;
	const char *path = c->path;
	if (!*path) {
		int r = iofunc_open(ctp, msg, &dir_attr, NULL, NULL);
		return r ? r : iofunc_ocb_attach(ctp, msg, NULL, &dir_attr, &dir_io);
	}
	const char *slash = strchr(path, '/');
	if (slash) {
		char first[PFD_NAME_MAX] = "";
		size_t n = (size_t)(slash - path);
		if (n < sizeof(first))
			memcpy(first, path, n);
		return find(first) ? ENOTDIR : ENOENT;
	}
	struct pfile *f = find(path);
	uint32_t ioflag = c->ioflag;
	if (f && (ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return EEXIST;
	if (!f) {
		if (!(ioflag & O_CREAT))
			return ENOENT;
		int r = create(path, c->mode, &f);
		if (r)
			return r;
	}
	c->ioflag &= ~(uint32_t)(O_CREAT | O_EXCL); /* handled */
	int r = iofunc_open(ctp, msg, &f->attr, NULL, NULL);
	if (r)
		return r;
	if ((ioflag & O_TRUNC) && (ioflag & _IO_FLAG_WR))
		f->attr.nbytes = 0;
	return iofunc_ocb_attach(ctp, msg, NULL, &f->attr, &file_io);
}

static int pfd_unlink(resmgr_context_t *ctp, io_unlink_t *msg, iofunc_attr_t *dir, void *reserved)
{
	struct pfile *f = find(msg->connect.path);
	if (!f)
		return ENOENT;
	f->attr.nlink = 0;
	if (!f->attr.count) {
		free(f->data);
		f->used = false;
	}
	return EOK;
}

static int file_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	struct pfile *f = file_of(ocb);
	iofunc_close_ocb_default(ctp, reserved, ocb);
	if (!f->attr.nlink && !f->attr.count) {
		free(f->data);
		f->used = false;
	}
	return EOK;
}

static int file_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_notify_remove(ctp, file_of(ocb)->notify);
	return iofunc_close_dup_default(ctp, msg, ocb);
}

static int file_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	struct pfile *f = file_of(ocb);
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	int64_t off;
	if (r || (r = iofunc_rw_offset(ctp, msg, ocb, &off)))
		return r;
	size_t size = (size_t)f->attr.nbytes;
	size_t n = (size_t)off < size ? size - (size_t)off : 0;
	if (n > (size_t)msg->i.nbytes)
		n = (size_t)msg->i.nbytes;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET)
		ocb->offset = off + (int64_t)n;
	_IO_SET_READ_NBYTES(ctp, n + (strcmp(f->name, PFD_LIAR) ? 0 : 4096));
	return n ? _RESMGR_PTR(ctp, f->data + off, n) : EOK;
}

static int grow(struct pfile *f, size_t size)
{
	if (size > PFD_FILE_MAX)
		return EFBIG;
	if (size > f->cap) {
		char *d = realloc(f->data, size);
		if (!d)
			return ENOSPC;
		memset(d + f->cap, 0, size - f->cap);
		f->data = d;
		f->cap = size;
	}
	if (size > (size_t)f->attr.nbytes)
		memset(f->data + f->attr.nbytes, 0, size - (size_t)f->attr.nbytes);
	return EOK;
}

static int file_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	struct pfile *f = file_of(ocb);
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	int64_t off;
	if (r || (r = iofunc_rw_offset(ctp, msg, ocb, &off)))
		return r;
	bool pos = (msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_OFFSET;
	if ((ocb->ioflag & O_APPEND) && !pos)
		off = f->attr.nbytes;
	size_t n = (size_t)msg->i.nbytes, end = (size_t)off + n;
	if ((r = grow(f, end)))
		return r;
	size_t hdr = sizeof(msg->i) + (pos ? sizeof(struct _xtype_offset) : 0);
	if (n && resmgr_msgread(ctp, f->data + off, n, hdr) != (long)n)
		return EFAULT;
	if (end > (size_t)f->attr.nbytes)
		f->attr.nbytes = (int64_t)end;
	if (!pos)
		ocb->offset = (int64_t)end;
	f->attr.flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	iofunc_notify_trigger(f->notify, 1, IOFUNC_NOTIFY_INPUT);
	_IO_SET_WRITE_NBYTES(ctp, n + (strcmp(f->name, PFD_LIAR) ? 0 : 4096));
	return EOK;
}

static int file_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	struct pfile *f = file_of(ocb);
	int trig = _NOTIFY_COND_OUTPUT;
	if (ocb->offset < f->attr.nbytes)
		trig |= _NOTIFY_COND_INPUT;
	return iofunc_notify(ctp, msg, f->notify, trig, NULL, NULL);
}

static int file_space(resmgr_context_t *ctp, io_space_t *msg, iofunc_ocb_t *ocb)
{
	struct pfile *f = file_of(ocb);
	if (!(ocb->ioflag & _IO_FLAG_WR))
		return EINVAL;
	if (msg->i.subtype != _IO_SPACE_FREESP || msg->i.whence != SEEK_SET || msg->i.len ||
	    msg->i.start < 0)
		return EINVAL;
	int r = grow(f, (size_t)msg->i.start);
	if (r)
		return r;
	f->attr.nbytes = msg->i.start;
	msg->o = (uint64_t)f->attr.nbytes;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

static int file_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	struct {
		struct _io_devctl_reply h;
		union {
			int32_t v;
			uint16_t ws[4];
		} d;
	} *rep = (void *)msg;
	switch ((unsigned)msg->i.dcmd) {
	case PFD_IOC_DOUBLE: {
		int32_t v;
		if (msg->i.nbytes != sizeof(v) ||
		    resmgr_msgread(ctp, &v, sizeof(v), sizeof(msg->i)) != (long)sizeof(v))
			return EINVAL;
		memset(&rep->h, 0, sizeof(rep->h));
		rep->h.nbytes = sizeof(v);
		rep->d.v = v * 2;
		return _RESMGR_PTR(ctp, rep, sizeof(rep->h) + sizeof(v));
	}
	case PFD_TIOCGWINSZ:
		memset(rep, 0, sizeof(*rep));
		rep->h.nbytes = 8;
		rep->d.ws[0] = 24;
		rep->d.ws[1] = 80;
		return _RESMGR_PTR(ctp, rep, sizeof(rep->h) + 8);
	}
	int r = iofunc_devctl_default(ctp, msg, ocb);
	return r == _RESMGR_DEFAULT ? ENOTTY : r;
}

static int dir_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	static char buf[4096];
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t room = (size_t)msg->i.nbytes < sizeof(buf) ? (size_t)msg->i.nbytes : sizeof(buf);
	size_t used = 0;
	for (int64_t i = ocb->offset; i < NFILES + 2; i++) {
		const char *name = i == 0 ? "." : i == 1 ? ".." : files[i - 2].name;
		uint64_t ino = i < 2 ? 1 : (uint64_t)i;
		if (i >= 2 && (!files[i - 2].used || !files[i - 2].attr.nlink)) {
			ocb->offset = i + 1;
			continue;
		}
		size_t n = resmgr_dirent_put(buf + used, room - used, ino, i + 1,
					     i < 2 ? DT_DIR : DT_REG, name, strlen(name));
		if (!n) {
			if (!used)
				return EINVAL; /* the buffer cannot take one record */
			break;
		}
		used += n;
		ocb->offset = i + 1;
	}
	_IO_SET_READ_NBYTES(ctp, used);
	return used ? _RESMGR_PTR(ctp, buf, used) : EOK;
}

static int cons_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	char buf[512];
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t n = (size_t)msg->i.nbytes, done = 0;
	while (done < n) {
		size_t c = n - done < sizeof(buf) ? n - done : sizeof(buf);
		long k = resmgr_msgread(ctp, buf, c, sizeof(msg->i) + done);
		if (k <= 0)
			return EFAULT;
		write(1, buf, (size_t)k);
		done += (size_t)k;
	}
	_IO_SET_WRITE_NBYTES(ctp, n);
	return EOK;
}

int main(void)
{
	dispatch_t *dpp = dispatch_create();
	if (!dpp)
		return 1;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &file_io);
	connect_funcs.open = pfd_open;
	connect_funcs.unlink = pfd_unlink;
	dir_io = file_io;
	dir_io.read = dir_read;
	file_io.read = file_read;
	file_io.write = file_write;
	file_io.notify = file_notify;
	file_io.space = file_space;
	file_io.devctl = file_devctl;
	file_io.close_ocb = file_close_ocb;
	file_io.close_dup = file_close_dup;
	iofunc_attr_init(&dir_attr, S_IFDIR | 0755, NULL, NULL);
	dir_attr.mount = &mount;
	dir_attr.inode = 1;
	dir_attr.nlink = 2;
	if (resmgr_attach(dpp, NULL, PFD_DIR, _FTYPE_ANY, _RESMGR_FLAG_DIR, &connect_funcs, &dir_io,
			  &dir_attr) < 0)
		return 2;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &cons_connect, _RESMGR_IO_NFUNCS, &cons_io);
	cons_io.write = cons_write;
	iofunc_attr_init(&cons_attr, S_IFCHR | 0666, NULL, NULL);
	if (resmgr_attach(dpp, NULL, PFD_CONS, _FTYPE_ANY, 0, &cons_connect, &cons_io,
			  &cons_attr) < 0)
		return 2;
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		return 3;
	for (;;) {
		if (dispatch_block(ctp))
			dispatch_handler(ctp);
	}
}
