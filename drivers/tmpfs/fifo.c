/*
 * FIFOs (named pipes) in fs-tmp. A FIFO node carries a pipe object (the
 * pipe server's drivers/pipe/pipe.c), set up when the first end opens and
 * freed, with any unread data, when the last end closes. Opening (POSIX):
 *  - for reading without O_NONBLOCK waits until a writer opens;
 *  - for writing waits until a reader opens; with O_NONBLOCK and no reader
 *    it fails ENXIO;
 *  - for reading and writing never waits (as Linux).
 * A waiting open is a deferred reply to the _IO_CONNECT: its OCB is bound
 * to the opener's connection only when the other end arrives, and a
 * signal ends the wait with EINTR (the connect unblock handler). A waiter
 * holds the node (attr.count) so that an unlink cannot free it. Called by
 * open.c, node.c and the resmgr library (tmpfs_io_fifo, the connect
 * unblock handler).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "tmpfs.h"

#include "pipe.h"

struct tfifo {
	struct pipe pipe;
	bool live; /* pipe set up: some end is open or waiting */
};

struct waiter {
	struct waiter *next;
	struct tnode *node;
	int rcvid;
	int id;                /* the attachment the open came through */
	struct _msg_info info; /* of the open: binds the OCB later */
	uint32_t ioflag;
	uint16_t sflag;
};

static struct waiter *waiters; /* every waiting open, oldest first */

resmgr_io_funcs_t tmpfs_io_fifo;

int fifo_new(struct tnode *n)
{
	n->fifo = calloc(1, sizeof(*n->fifo));
	return n->fifo ? EOK : ENOSPC;
}

void fifo_free(struct tnode *n)
{
	if (n->fifo && n->fifo->live)
		pipe_fini(&n->fifo->pipe);
	free(n->fifo);
}

/* Whether opens of n wait; acc 0: any, else only those with that access. */
static bool has_waiters(const struct tnode *n, uint32_t acc)
{
	for (struct waiter *w = waiters; w; w = w->next)
		if (w->node == n && (!acc || (w->ioflag & _IO_FLAG_MASK) == acc))
			return true;
	return false;
}

/* Frees the pipe when no end is open or waiting. */
static void fifo_idle(struct tnode *n)
{
	struct tfifo *f = n->fifo;
	if (f->live && !n->attr.rcount && !n->attr.wcount && !has_waiters(n, 0)) {
		pipe_fini(&f->pipe);
		f->live = false;
	}
}

/* Whether the open w is still waiting for its reply: its rcvid names the
 * same request (a dead client's rcvid may have been reused). */
static bool waiter_alive(const struct waiter *w)
{
	struct _msg_info cur;
	return MsgInfo(w->rcvid, &cur) == 0 && cur.pid == w->info.pid && cur.tid == w->info.tid &&
	       cur.scoid == w->info.scoid && cur.coid == w->info.coid;
}

/* Drops the waiters whose clients went away (killed while waiting: no
 * unblock pulse comes for them). */
static void purge_dead(void)
{
	for (struct waiter **pp = &waiters; *pp;) {
		struct waiter *w = *pp;
		if (waiter_alive(w)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		struct tnode *n = w->node;
		free(w);
		n->attr.count--;
		fifo_idle(n);
		node_release(n);
	}
}

/* Binds the OCB of a waiting open and answers it. */
static void waiter_finish(resmgr_context_t *ctp, struct waiter *w)
{
	struct tnode *n = w->node;
	n->attr.count--; /* the waiter's hold; the OCB counts from here */
	if (!waiter_alive(w))
		return;
	resmgr_context_t tmp = *ctp; /* the fixed part: the iov array is not used */
	tmp.rcvid = w->rcvid;
	tmp.info = w->info;
	tmp.id = w->id;
	io_open_t m;
	memset(&m, 0, sizeof(m));
	m.connect.type = _IO_CONNECT;
	m.connect.subtype = _IO_CONNECT_OPEN;
	m.connect.ioflag = w->ioflag;
	m.connect.sflag = w->sflag;
	int r = iofunc_ocb_attach(&tmp, &m, NULL, &n->attr, &tmpfs_io_fifo);
	if (r)
		MsgError(w->rcvid, r);
	else
		MsgReply(w->rcvid, 0, NULL, 0);
}

/* Answers the opens of n that the ends now open let through. */
static void fifo_wake(resmgr_context_t *ctp, struct tnode *n)
{
	for (struct waiter **pp = &waiters; *pp;) {
		struct waiter *w = *pp;
		bool rd = (w->ioflag & _IO_FLAG_MASK) == _IO_FLAG_RD;
		if (w->node != n || (rd ? !n->attr.wcount : !n->attr.rcount)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		waiter_finish(ctp, w);
		free(w);
	}
}

int fifo_open(resmgr_context_t *ctp, io_open_t *msg, struct tnode *n)
{
	struct tfifo *f = n->fifo;
	uint32_t ioflag = msg->connect.ioflag, acc = ioflag & _IO_FLAG_MASK;
	bool nonblock = ioflag & O_NONBLOCK;
	purge_dead();
	/* an open waiting for a writer is a reader already (as in Linux) */
	bool readers = n->attr.rcount || has_waiters(n, _IO_FLAG_RD);
	bool writers = n->attr.wcount || has_waiters(n, _IO_FLAG_WR);
	if (acc == _IO_FLAG_WR && !readers && nonblock)
		return ENXIO;
	int r;
	if (!f->live) {
		if ((r = pipe_init(&f->pipe, &n->attr)))
			return r;
		f->live = true;
	}
	bool wait = acc == _IO_FLAG_RD ? !writers && !nonblock : acc == _IO_FLAG_WR && !readers;
	if (wait) {
		struct waiter *w = calloc(1, sizeof(*w));
		if (!w) {
			fifo_idle(n);
			return ENOMEM;
		}
		*w = (struct waiter){.node = n, .rcvid = ctp->rcvid, .id = ctp->id, .info = ctp->info,
				     .ioflag = ioflag, .sflag = msg->connect.sflag};
		struct waiter **pp = &waiters;
		while (*pp)
			pp = &(*pp)->next;
		*pp = w;
		n->attr.count++;
		return _RESMGR_NOREPLY;
	}
	r = iofunc_ocb_attach(ctp, msg, NULL, &n->attr, &tmpfs_io_fifo);
	if (r) {
		fifo_idle(n);
		return r;
	}
	fifo_wake(ctp, n);
	return EOK;
}

int fifo_open_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_attr_t *handle,
		      void *reserved)
{
	for (struct waiter **pp = &waiters; *pp; pp = &(*pp)->next) {
		struct waiter *w = *pp;
		if (w->rcvid != ctp->rcvid)
			continue;
		*pp = w->next;
		struct tnode *n = w->node;
		free(w);
		n->attr.count--;
		fifo_idle(n);
		node_release(n);
		return EINTR;
	}
	return _RESMGR_DEFAULT;
}

/* The I/O handlers of an open end: the pipe object does the work. */
static struct pipe *pipe_of(iofunc_ocb_t *ocb)
{
	return &((struct tnode *)ocb->attr)->fifo->pipe;
}

static int f_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_read(ctp, msg, ocb, pipe_of(ocb));
}

static int f_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = pipe_write(ctp, msg, ocb, pipe_of(ocb));
	if (r == EOK || r == _RESMGR_NOREPLY)
		node_touch((struct tnode *)ocb->attr, IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME);
	return r;
}

static int f_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_unblock(ctp, msg, ocb, pipe_of(ocb));
}

static int f_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_notify(ctp, msg, ocb, pipe_of(ocb));
}

static int f_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_devctl(ctp, msg, ocb, pipe_of(ocb));
}

static int f_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_close_dup(ctp, msg, ocb, pipe_of(ocb));
}

static int f_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	struct tnode *n = (struct tnode *)ocb->attr;
	pipe_close_ocb(ctp, ocb, &n->fifo->pipe);
	fifo_idle(n);
	node_release(n);
	return EOK;
}

static int f_lseek(resmgr_context_t *ctp, io_lseek_t *msg, iofunc_ocb_t *ocb)
{
	return ESPIPE;
}

void fifo_io_init(void)
{
	tmpfs_io_fifo = tmpfs_io_other;
	tmpfs_io_fifo.read = f_read;
	tmpfs_io_fifo.write = f_write;
	tmpfs_io_fifo.unblock = f_unblock;
	tmpfs_io_fifo.notify = f_notify;
	tmpfs_io_fifo.devctl = f_devctl;
	tmpfs_io_fifo.close_dup = f_close_dup;
	tmpfs_io_fifo.close_ocb = f_close_ocb;
	tmpfs_io_fifo.lseek = f_lseek;
}
