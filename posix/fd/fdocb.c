/*
 * posix's view of the OCB behind an fd (struct fd_ocb, fdpriv.h): the open
 * flags and the offset, followed as the fd's calls move them, so that a
 * reopen after a server restart (recover.c) can put them back. One view is
 * shared, like the OCB itself, by every fd that shares the OCB: dup'ed fds
 * and the fds a child inherits (state.c). Callers: open.c (fdi_opened),
 * rw.c and dir.c (fdi_moved, fdi_seeked), fdutil.c (F_SETFL).
 */
#include <mm/kmem.h>

#include "fdpriv.h"

struct fd_ocb *fd_ocb_new(uint32_t oflags, uint64_t pos, uint8_t flags)
{
	struct fd_ocb *o = kzalloc(sizeof(*o));
	if (!o)
		return NULL;
	o->refs = 1;
	o->oflags = oflags;
	o->pos = pos;
	o->flags = flags;
	return o;
}

void fd_ocb_get(struct fd_ocb *o)
{
	__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
}

void fd_ocb_put(struct fd_ocb *o)
{
	if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(o);
}

void fdi_opened(int fd, uint32_t oflags)
{
	struct fd_info *fi = fdi_get(fd);
	if (!fi || fi->ocb)
		return;
	fi->ocb = fd_ocb_new(oflags & ~(uint32_t)(L_O_CREAT | L_O_EXCL | L_O_TRUNC | L_O_CLOEXEC),
			     0, 0);
	if (fi->ocb && fi->path)
		fi->flags |= FDI_RECOVER;
}

void fdi_moved(int fd, uint16_t type, long n)
{
	struct fd_info *fi = fdi_get(fd);
	struct fd_ocb *o = fi ? fi->ocb : NULL;
	if (!o || n < 0)
		return;
	if (fi->flags & FDI_DIR)
		o->flags |= OCB_POS_LOST; /* a directory's offset is the server's cookie */
	else if (type == _IO_WRITE && (o->oflags & L_O_APPEND))
		o->flags |= OCB_POS_END;
	else if (!(o->flags & OCB_POS_END))
		__atomic_add_fetch(&o->pos, (uint64_t)n, __ATOMIC_RELAXED);
	else if (n)
		o->flags |= OCB_POS_LOST; /* moved on from the end: where that was is unknown */
}

void fdi_seeked(int fd, uint64_t pos)
{
	struct fd_info *fi = fdi_get(fd);
	struct fd_ocb *o = fi ? fi->ocb : NULL;
	if (!o)
		return;
	o->pos = pos;
	o->flags &= (uint8_t)~(OCB_POS_END | OCB_POS_LOST);
}
