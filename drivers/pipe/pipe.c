/*
 * The pipe object (pipe.h): ring buffer, blocked readers and writers kept
 * as deferred replies, poll lists. Data moves client -> ring with one
 * MsgReadv straight from the writer's message, ring -> client with one
 * MsgReplyv straight into the reader's buffer. Called by the pipe
 * server's handlers (main.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipe.h"

struct pipe_req {
	struct pipe_req *next;
	int rcvid;
	iofunc_ocb_t *ocb;
	size_t want;     /* bytes asked for */
	size_t done;     /* writers: bytes taken so far */
	size_t data_off; /* writers: offset of the data in the client's message */
};

int pipe_init(struct pipe *p, iofunc_attr_t *attr)
{
	memset(p, 0, sizeof(*p));
	p->buf = malloc(PIPE_CAPACITY);
	if (!p->buf)
		return ENOMEM;
	p->attr = attr;
	return EOK;
}

void pipe_fini(struct pipe *p)
{
	for (int i = 0; i < 3; i++) {
		while (p->notify[i].list) {
			iofunc_notify_event_t *e = p->notify[i].list;
			p->notify[i].list = e->next;
			free(e);
		}
		p->notify[i].cnt = 0;
	}
	free(p->buf);
	p->buf = NULL;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* The first n buffered bytes as 1 or 2 parts. */
static int ring_data(struct pipe *p, size_t n, iov_t iov[2])
{
	size_t first = min_sz(n, PIPE_CAPACITY - p->head);
	SETIOV(&iov[0], p->buf + p->head, first);
	if (n == first)
		return 1;
	SETIOV(&iov[1], p->buf, n - first);
	return 2;
}

/* n bytes of free space behind the data as 1 or 2 parts. */
static int ring_space(struct pipe *p, size_t n, iov_t iov[2])
{
	size_t tail = (p->head + p->len) % PIPE_CAPACITY;
	size_t first = min_sz(n, PIPE_CAPACITY - tail);
	SETIOV(&iov[0], p->buf + tail, first);
	if (n == first)
		return 1;
	SETIOV(&iov[1], p->buf, n - first);
	return 2;
}

static void ring_consume(struct pipe *p, size_t n)
{
	p->head = (p->head + n) % PIPE_CAPACITY;
	p->len -= n;
	if (!p->len)
		p->head = 0;
}

/* Takes up to k bytes of a writer's data at its offset into the ring.
 * Bytes taken, or -1 with errno when the writer's message cannot be read. */
static long ring_fill(struct pipe *p, int rcvid, size_t off, size_t k)
{
	iov_t iov[2];
	int parts = ring_space(p, k, iov);
	long got = MsgReadv(rcvid, iov, parts, off);
	if (got > 0)
		p->len += (size_t)got;
	return got;
}

static void req_append(struct pipe_req **list, struct pipe_req *r)
{
	while (*list)
		list = &(*list)->next;
	r->next = NULL;
	*list = r;
}

/* Blocked readers get what is buffered, oldest first. */
static bool serve_readers(struct pipe *p)
{
	bool progress = false;
	while (p->len && p->readers) {
		struct pipe_req *r = p->readers;
		p->readers = r->next;
		size_t n = min_sz(r->want, p->len);
		iov_t iov[2];
		int parts = ring_data(p, n, iov);
		if (MsgReplyv(r->rcvid, (long)n, iov, parts) == 0)
			ring_consume(p, n); /* a reader that went away takes nothing */
		free(r);
		progress = true;
	}
	return progress;
}

/* Blocked writers put in what fits, oldest first; an atomic write only
 * when all of it fits. */
static bool serve_writers(struct pipe *p)
{
	bool progress = false;
	while (p->writers) {
		struct pipe_req *w = p->writers;
		size_t space = PIPE_CAPACITY - p->len, rest = w->want - w->done;
		if (w->want <= PIPE_ATOMIC ? space < rest : space == 0)
			break;
		size_t k = min_sz(space, rest);
		long got = ring_fill(p, w->rcvid, w->data_off + w->done, k);
		progress = true;
		if (got < 0) {
			p->writers = w->next;
			MsgError(w->rcvid, errno); /* fails too if the writer is gone */
			free(w);
			continue;
		}
		w->done += (size_t)got;
		if (w->done == w->want || (size_t)got < k) {
			p->writers = w->next;
			MsgReply(w->rcvid, (long)w->done, NULL, 0);
			free(w);
		}
	}
	return progress;
}

static int cond_input(const struct pipe *p)
{
	return p->len || !p->attr->wcount;
}

static int cond_output(const struct pipe *p)
{
	return PIPE_CAPACITY - p->len >= PIPE_ATOMIC || !p->attr->rcount;
}

/* Moves data between blocked writers, the ring and blocked readers until
 * nothing more can move, then wakes pollers whose condition holds. */
static void pipe_pump(struct pipe *p)
{
	while (serve_readers(p) | serve_writers(p))
		;
	if (cond_input(p))
		iofunc_notify_trigger(p->notify, 1, IOFUNC_NOTIFY_INPUT);
	if (cond_output(p))
		iofunc_notify_trigger(p->notify, 1, IOFUNC_NOTIFY_OUTPUT);
}

static int check_xtype(uint32_t xtype)
{
	switch (xtype & _IO_XTYPE_MASK) {
	case _IO_XTYPE_NONE: return EOK;
	case _IO_XTYPE_OFFSET: return ESPIPE;
	default: return EINVAL;
	}
}

int pipe_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	int nonblock;
	int r = iofunc_read_verify(ctp, msg, ocb, &nonblock);
	if (r || (r = check_xtype(msg->i.xtype)))
		return r;
	size_t n = (size_t)msg->i.nbytes;
	if (n && p->len) {
		n = min_sz(n, p->len);
		iov_t iov[2];
		int parts = ring_data(p, n, iov);
		if (MsgReplyv(ctp->rcvid, (long)n, iov, parts) == 0)
			ring_consume(p, n);
		pipe_pump(p);
		return _RESMGR_NOREPLY;
	}
	if (!n || !p->attr->wcount) {
		_IO_SET_READ_NBYTES(ctp, 0); /* nothing asked, or end of file */
		return EOK;
	}
	if (nonblock)
		return EAGAIN;
	struct pipe_req *rq = calloc(1, sizeof(*rq));
	if (!rq)
		return ENOMEM;
	*rq = (struct pipe_req){.rcvid = ctp->rcvid, .ocb = ocb, .want = n};
	req_append(&p->readers, rq);
	return _RESMGR_NOREPLY;
}

int pipe_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	int nonblock;
	int r = iofunc_write_verify(ctp, msg, ocb, &nonblock);
	if (r || (r = check_xtype(msg->i.xtype)))
		return r;
	if (!p->attr->rcount)
		return EPIPE;
	size_t n = (size_t)msg->i.nbytes, done = 0;
	size_t off = ctp->offset + sizeof(msg->i);
	if (!n) {
		_IO_SET_WRITE_NBYTES(ctp, 0);
		return EOK;
	}
	/* a blocking write queues behind blocked ones, to keep their order */
	if (!p->writers || nonblock) {
		size_t space = PIPE_CAPACITY - p->len;
		if (n <= PIPE_ATOMIC ? space >= n : space > 0) {
			long got = ring_fill(p, ctp->rcvid, off, min_sz(space, n));
			if (got < 0)
				return errno;
			done = (size_t)got;
		}
	}
	if (done == n || (done && nonblock)) {
		pipe_pump(p);
		_IO_SET_WRITE_NBYTES(ctp, done);
		return EOK;
	}
	if (nonblock)
		return EAGAIN;
	struct pipe_req *w = calloc(1, sizeof(*w));
	if (!w) {
		if (!done)
			return ENOMEM;
		pipe_pump(p);
		_IO_SET_WRITE_NBYTES(ctp, done); /* a short write rather than lost data */
		return EOK;
	}
	*w = (struct pipe_req){.rcvid = ctp->rcvid, .ocb = ocb, .want = n, .done = done,
			       .data_off = off};
	req_append(&p->writers, w);
	pipe_pump(p);
	return _RESMGR_NOREPLY;
}

/* Removes the request rcvid from list; NULL when not there. */
static struct pipe_req *req_take(struct pipe_req **list, int rcvid)
{
	for (; *list; list = &(*list)->next) {
		struct pipe_req *r = *list;
		if (r->rcvid == rcvid) {
			*list = r->next;
			return r;
		}
	}
	return NULL;
}

int pipe_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	struct pipe_req *r = req_take(&p->readers, ctp->rcvid);
	if (r) {
		free(r);
		return EINTR;
	}
	r = req_take(&p->writers, ctp->rcvid);
	if (!r)
		return _RESMGR_DEFAULT; /* already answered */
	size_t done = r->done;
	free(r);
	pipe_pump(p); /* writers behind it may fit now */
	if (!done)
		return EINTR;
	_IO_SET_WRITE_NBYTES(ctp, done);
	return EOK;
}

int pipe_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	int trig = (cond_input(p) ? _NOTIFY_COND_INPUT : 0) |
		   (cond_output(p) ? _NOTIFY_COND_OUTPUT : 0);
	int r = iofunc_notify(ctp, msg, p->notify, trig, NULL, NULL);
	if (r != _RESMGR_NPARTS(1))
		return r;
	if ((ocb->ioflag & _IO_FLAG_RD) && !p->attr->wcount)
		msg->o.flags |= PIPE_COND_HUP;
	if ((ocb->ioflag & _IO_FLAG_WR) && !p->attr->rcount)
		msg->o.flags |= PIPE_COND_ERR;
	return r;
}

int pipe_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	if (msg->i.dcmd != PIPE_FIONREAD)
		return iofunc_devctl_default(ctp, msg, ocb);
	int avail = (int)p->len;
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = sizeof(avail);
	memcpy(&msg->o + 1, &avail, sizeof(avail));
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + sizeof(avail));
}

int pipe_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb, struct pipe *p)
{
	iofunc_notify_remove(ctp, p->notify);
	return EOK;
}

/* Answers and frees the requests in *list that match (ocb NULL: all):
 * readers get end of file (err 0) or err; writers their count or err. */
static void req_fail(struct pipe_req **list, iofunc_ocb_t *ocb, int err, bool writers)
{
	while (*list) {
		struct pipe_req *r = *list;
		if (ocb && r->ocb != ocb) {
			list = &r->next;
			continue;
		}
		*list = r->next;
		if (writers && r->done)
			MsgReply(r->rcvid, (long)r->done, NULL, 0);
		else if (err)
			MsgError(r->rcvid, err);
		else
			MsgReply(r->rcvid, 0, NULL, 0);
		free(r);
	}
}

unsigned pipe_close_ocb(resmgr_context_t *ctp, iofunc_ocb_t *ocb, struct pipe *p)
{
	req_fail(&p->readers, ocb, EBADF, false);
	req_fail(&p->writers, ocb, EBADF, true);
	int last = iofunc_ocb_detach(ctp, ocb);
	iofunc_ocb_free(ocb);
	if (last & IOFUNC_OCB_LAST_WRITER)
		req_fail(&p->readers, NULL, 0, false); /* end of file */
	if (last & IOFUNC_OCB_LAST_READER)
		req_fail(&p->writers, NULL, EPIPE, true);
	pipe_pump(p);
	return p->attr->count;
}
