/*
 * I/O on an open /dev/shmem object (memmgr/shmem.h). read and write move
 * the data once, between the client's buffer and the object's pages, by
 * MsgReply / MsgRead on a window of the object that procnto maps for the
 * call (MemobjMap) and unmaps after it; procnto never touches an object
 * beyond its end (only procnto resizes it), so the window never faults
 * with SIGBUS. ftruncate (_IO_SPACE) resizes the kernel object; _IO_MMAP
 * answers with the object's id. stat, lseek, chmod, chown, utimes,
 * F_GETFL/F_SETFL and sync are the iofunc defaults on the node's attribute
 * (its nbytes is the object's size).
 */
#include "memmgr/shmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/memobj.h>
#include <sys/mman.h>
#include <sys/neutrino.h>
#include <unistd.h>

#define WPAGE 4096ull

resmgr_io_funcs_t shm_io_funcs;

static struct shm_node *node_of(iofunc_ocb_t *ocb) { return (struct shm_node *)ocb->attr; }

struct window {
	void *base;
	size_t len;
};

/* Maps bytes [off, off + n) of n's object (n > 0); returns where byte off
 * is, or NULL with errno. Unmap with window_end(). */
static char *window_map(struct shm_node *node, uint64_t off, size_t n, int prot, struct window *w)
{
	uint64_t start = off & ~(WPAGE - 1), end = (off + n + WPAGE - 1) & ~(WPAGE - 1);
	long a = MemobjMap_r(node->memobj, NULL, end - start, prot, MEMOBJ_MAP_SHARED, start);
	if (a < 0) {
		errno = (int)-a;
		return NULL;
	}
	w->base = (void *)a;
	w->len = (size_t)(end - start);
	return (char *)a + (off - start);
}

static void window_end(struct window *w) { munmap(w->base, w->len); }

static int shm_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE &&
	    (msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET)
		return ENOSYS;
	struct shm_node *n = node_of(ocb);
	int64_t off;
	if ((r = iofunc_rw_offset(ctp, msg, ocb, &off)) != EOK)
		return r;
	size_t cnt = 0;
	if (off < n->attr.nbytes) {
		cnt = (size_t)(n->attr.nbytes - off);
		if (cnt > (size_t)msg->i.nbytes)
			cnt = (size_t)msg->i.nbytes;
	}
	bool move = (msg->i.xtype & _IO_XTYPE_MASK) == _IO_XTYPE_NONE;
	n->attr.flags |= IOFUNC_ATTR_ATIME;
	if (!cnt) {
		_IO_SET_READ_NBYTES(ctp, 0);
		return EOK;
	}
	struct window w;
	char *p = window_map(n, (uint64_t)off, cnt, PROT_READ, &w);
	if (!p)
		return ENOMEM;
	/* a failure on our side (no memory for a page) leaves the client blocked */
	if (MsgReply(ctp->rcvid, (long)cnt, p, cnt) == -1 && errno == EFAULT)
		MsgError(ctp->rcvid, ENOMEM);
	window_end(&w);
	if (move)
		ocb->offset = off + (int64_t)cnt;
	return _RESMGR_NOREPLY;
}

static int shm_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	uint32_t xtype = msg->i.xtype & _IO_XTYPE_MASK;
	if (xtype != _IO_XTYPE_NONE && xtype != _IO_XTYPE_OFFSET)
		return ENOSYS;
	struct shm_node *n = node_of(ocb);
	size_t hdr = sizeof(msg->i) + (xtype == _IO_XTYPE_OFFSET ? sizeof(struct _xtype_offset) : 0);
	int64_t off;
	if ((r = iofunc_rw_offset(ctp, msg, ocb, &off)) != EOK)
		return r;
	if (xtype == _IO_XTYPE_NONE && (ocb->ioflag & O_APPEND))
		off = n->attr.nbytes;
	size_t cnt = (size_t)msg->i.nbytes;
	if (!cnt) {
		_IO_SET_WRITE_NBYTES(ctp, 0);
		return EOK;
	}
	uint64_t end = (uint64_t)off + cnt, old = (uint64_t)n->attr.nbytes;
	if (end > MEMOBJ_SIZE_MAX)
		return EFBIG;
	if (end > old && (r = shm_set_size(n, end)) != EOK)
		return r;
	struct window w;
	char *p = window_map(n, (uint64_t)off, cnt, PROT_READ | PROT_WRITE, &w);
	if (!p) {
		if (end > old)
			shm_set_size(n, old);
		return ENOMEM;
	}
	long got = resmgr_msgread(ctp, p, cnt, hdr);
	window_end(&w);
	if (got != (long)cnt) {
		if (end > old)
			shm_set_size(n, old);
		return EFAULT;
	}
	n->attr.flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	if (xtype == _IO_XTYPE_NONE)
		ocb->offset = (int64_t)end;
	_IO_SET_WRITE_NBYTES(ctp, cnt);
	return EOK;
}

/* ftruncate (FREESP to the end of the file) and fallocate (ALLOCSP: the
 * object is sparse, so only the size changes); the reply is the new size. */
static int shm_space(resmgr_context_t *ctp, io_space_t *msg, iofunc_ocb_t *ocb)
{
	struct shm_node *n = node_of(ocb);
	const struct _io_space *s = &msg->i;
	uint64_t from, end;
	int r = iofunc_space_range(ocb, s, &from, &end);
	if (r)
		return r;
	if (end > MEMOBJ_SIZE_MAX)
		return EFBIG;
	if (s->subtype == _IO_SPACE_FREESP) {
		if (s->len && end < (uint64_t)n->attr.nbytes)
			return EOPNOTSUPP; /* punching a hole */
		r = shm_set_size(n, from);
	} else if (s->subtype == _IO_SPACE_ALLOCSP) {
		r = end > (uint64_t)n->attr.nbytes ? shm_set_size(n, end) : EOK;
	} else {
		r = EINVAL;
	}
	if (r)
		return r;
	msg->o = (uint64_t)n->attr.nbytes;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

/* mmap(): reading is always needed; a writable shared mapping needs an
 * fd open for writing (and not for appending only), as on Linux. */
static int shm_mmap(resmgr_context_t *ctp, io_mmap_t *msg, iofunc_ocb_t *ocb)
{
	uint32_t prot = msg->i.prot;
	bool writable = (ocb->ioflag & _IO_FLAG_WR) && !(ocb->ioflag & O_APPEND);
	if (!(ocb->ioflag & _IO_FLAG_RD) || ((prot & PROT_WRITE) && !writable))
		return EACCES;
	struct shm_node *n = node_of(ocb);
	struct _io_mmap_reply *o = &msg->o;
	o->zero = 0;
	o->allowed = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
	o->offset = 0;
	o->coid = -1;
	o->memobj = n->memobj;
	n->attr.flags |= IOFUNC_ATTR_ATIME;
	return _RESMGR_PTR(ctp, o, sizeof(*o));
}

static int shm_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	struct shm_node *n = node_of(ocb);
	iofunc_ocb_detach(ctp, ocb);
	iofunc_ocb_free(ocb);
	shm_node_release(n);
	return EOK;
}

void shm_io_init(void)
{
	iofunc_func_init(0, NULL, _RESMGR_IO_NFUNCS, &shm_io_funcs);
	shm_io_funcs.read = shm_read;
	shm_io_funcs.write = shm_write;
	shm_io_funcs.space = shm_space;
	shm_io_funcs.mmap = shm_mmap;
	shm_io_funcs.close_ocb = shm_close_ocb;
}
