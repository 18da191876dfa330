/*
 * read / write / lseek with POSIX semantics: access-mode and request checks,
 * blocking mode, explicit offsets (pread/pwrite), the default handlers and
 * seek arithmetic. Called through the handler tables and by servers' own
 * read and write handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <sys/iofunc.h>

static int nonblocking(const iofunc_ocb_t *ocb, uint32_t xtype)
{
	if (xtype & _IO_XFLAG_NONBLOCK)
		return 1;
	if (xtype & _IO_XFLAG_BLOCK)
		return 0;
	return (ocb->ioflag & O_NONBLOCK) != 0;
}

int iofunc_read_verify(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb, int *nonblock)
{
	if (!(ocb->ioflag & _IO_FLAG_RD))
		return EBADF;
	if (msg->i.nbytes < 0)
		return EINVAL;
	if (nonblock)
		*nonblock = nonblocking(ocb, msg->i.xtype);
	return EOK;
}

int iofunc_write_verify(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb, int *nonblock)
{
	if (!(ocb->ioflag & _IO_FLAG_WR))
		return EBADF;
	if (msg->i.nbytes < 0)
		return EINVAL;
	size_t hdr = sizeof(msg->i);
	if ((msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_OFFSET)
		hdr += sizeof(struct _xtype_offset);
	size_t src = ctp->info.srcmsglen > 0 ? (size_t)ctp->info.srcmsglen : 0;
	if (src < ctp->offset + hdr || (size_t)msg->i.nbytes > src - ctp->offset - hdr)
		return EBADMSG; /* the client sent less data than it announced */
	if (nonblock)
		*nonblock = nonblocking(ocb, msg->i.xtype);
	return EOK;
}

int iofunc_rw_offset(resmgr_context_t *ctp, const void *msg, const iofunc_ocb_t *ocb,
		     int64_t *offset)
{
	const struct _io_read *m = msg; /* same header for _IO_WRITE */
	if ((m->xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET) {
		*offset = ocb->offset;
		return EOK;
	}
	struct _xtype_offset x;
	if (resmgr_msgread(ctp, &x, sizeof(x), sizeof(*m)) != (long)sizeof(x))
		return EBADMSG;
	if (x.offset < 0)
		return EINVAL;
	*offset = x.offset;
	return EOK;
}

int iofunc_space_range(const iofunc_ocb_t *ocb, const struct _io_space *s, uint64_t *from,
		       uint64_t *end)
{
	if (!(ocb->ioflag & _IO_FLAG_WR))
		return s->subtype == _IO_SPACE_FREESP ? EINVAL : EBADF;
	int64_t start = s->start, base;
	switch (s->whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = ocb->offset; break;
	case SEEK_END: base = ocb->attr->nbytes; break;
	default: return EINVAL;
	}
	if (__builtin_add_overflow(start, base, &start) || start < 0 || s->len < 0 ||
	    (uint64_t)start + (uint64_t)s->len < (uint64_t)start)
		return EINVAL;
	*from = (uint64_t)start;
	*end = *from + (uint64_t)s->len;
	return EOK;
}

int iofunc_read_default(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	_IO_SET_READ_NBYTES(ctp, 0); /* end of file */
	return EOK;
}

int iofunc_write_default(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	return r ? r : ENOSYS;
}

int iofunc_lseek_default(resmgr_context_t *ctp, io_lseek_t *msg, iofunc_ocb_t *ocb)
{
	int64_t base;
	switch (msg->i.whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = ocb->offset; break;
	case SEEK_END: base = ocb->attr->nbytes; break;
	default: return EINVAL;
	}
	int64_t off = msg->i.offset, pos;
	if (__builtin_add_overflow(base, off, &pos))
		return EOVERFLOW;
	if (pos < 0)
		return EINVAL;
	ocb->offset = pos;
	msg->o = (uint64_t)pos;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}
