/*
 * rsm_server: the sample resource manager of the resmgr tests, started by
 * t_resmgr with ImageSpawn as
 *   rsm_server <test pid> <test chid>
 * It serves three devices on one channel, attached without names
 * (resmgr_attach with path NULL; clients put the id in _IO_CONNECT.handle):
 *   null: reads give end of file, writes are swallowed (S_IFCHR 0666);
 *   zero: reads give zeros and advance the shared offset (S_IFCHR 0444);
 *   pipe: a 256-byte buffer; a read with no data blocks (deferred reply)
 *         until a write arrives, honours the unblock pulse with EINTR, and
 *         select/poll notification is supported (S_IFIFO 0666).
 * It sends the test a struct rsm_report when ready, answers RSM_STATS with
 * its counters and exits 0 on RSM_QUIT. Only library defaults are used
 * where the device has nothing special to do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

#include "rsm.h"

#define PIPE_CAP 256

static dispatch_t *dpp;
static iofunc_attr_t attrs[3];
static iofunc_mount_t mount;
static int live_ocbs;
static int quit;

static char pipe_buf[PIPE_CAP];
static size_t pipe_len;
static iofunc_notify_t pipe_notify[3];

struct waiter {
	struct waiter *next;
	int rcvid;
	iofunc_ocb_t *ocb;
	int nbytes;
};
static struct waiter *waiters; /* FIFO */

static iofunc_ocb_t *ocb_calloc(resmgr_context_t *ctp, iofunc_attr_t *attr)
{
	iofunc_ocb_t *o = calloc(1, sizeof(*o));
	if (o)
		live_ocbs++;
	return o;
}

static void ocb_free(iofunc_ocb_t *ocb)
{
	live_ocbs--;
	free(ocb);
}

static iofunc_funcs_t ocb_funcs = {_IOFUNC_NFUNCS, ocb_calloc, ocb_free};

/* null */
static int null_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	_IO_SET_READ_NBYTES(ctp, 0);
	return EOK;
}

static int null_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	ocb->attr->flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	_IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes);
	return EOK;
}

/* zero */
static const char zeros[4096];

static int zero_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	int n = msg->i.nbytes < (int)sizeof(zeros) ? msg->i.nbytes : (int)sizeof(zeros);
	ocb->offset += n;
	_IO_SET_READ_NBYTES(ctp, n);
	return _RESMGR_PTR(ctp, zeros, (size_t)n);
}

/* pipe */
static void pipe_consume(size_t n)
{
	memmove(pipe_buf, pipe_buf + n, pipe_len - n);
	pipe_len -= n;
}

/* Serves blocked readers in order while there is data. */
static void pipe_serve(void)
{
	while (pipe_len && waiters) {
		struct waiter *w = waiters;
		waiters = w->next;
		size_t n = (size_t)w->nbytes < pipe_len ? (size_t)w->nbytes : pipe_len;
		if (MsgReply(w->rcvid, (long)n, pipe_buf, n) == 0)
			pipe_consume(n);
		free(w); /* a reader that died meanwhile just drops out */
	}
}

static int pipe_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int nonblock;
	int r = iofunc_read_verify(ctp, msg, ocb, &nonblock);
	if (r)
		return r;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return ENOSYS;
	if (msg->i.nbytes == 0) {
		_IO_SET_READ_NBYTES(ctp, 0);
		return EOK;
	}
	if (pipe_len == 0) {
		if (nonblock)
			return EAGAIN;
		struct waiter *w = calloc(1, sizeof(*w));
		if (!w)
			return ENOMEM;
		*w = (struct waiter){NULL, ctp->rcvid, ocb, msg->i.nbytes};
		struct waiter **pp = &waiters;
		while (*pp)
			pp = &(*pp)->next;
		*pp = w;
		return _RESMGR_NOREPLY;
	}
	size_t n = (size_t)msg->i.nbytes < pipe_len ? (size_t)msg->i.nbytes : pipe_len;
	MsgReply(ctp->rcvid, (long)n, pipe_buf, n);
	pipe_consume(n);
	return _RESMGR_NOREPLY;
}

static int pipe_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t room = PIPE_CAP - pipe_len;
	size_t n = (size_t)msg->i.nbytes < room ? (size_t)msg->i.nbytes : room;
	if (msg->i.nbytes && !n)
		return EAGAIN;
	long got = resmgr_msgread(ctp, pipe_buf + pipe_len, n, sizeof(msg->i));
	if (got < 0)
		return errno;
	pipe_len += (size_t)got;
	pipe_serve();
	if (pipe_len)
		iofunc_notify_trigger(pipe_notify, 1, IOFUNC_NOTIFY_INPUT);
	_IO_SET_WRITE_NBYTES(ctp, got);
	return EOK;
}

static int pipe_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb)
{
	for (struct waiter **pp = &waiters; *pp; pp = &(*pp)->next) {
		struct waiter *w = *pp;
		if (w->rcvid == ctp->rcvid) {
			*pp = w->next;
			free(w);
			return EINTR; /* the library replies it to ctp->rcvid */
		}
	}
	return iofunc_unblock_default(ctp, msg, ocb);
}

static int pipe_notify_fn(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	int trig = _NOTIFY_COND_OUTPUT * (pipe_len < PIPE_CAP) + _NOTIFY_COND_INPUT * (pipe_len > 0);
	return iofunc_notify(ctp, msg, pipe_notify, trig, NULL, NULL);
}

static int pipe_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_notify_remove(ctp, pipe_notify);
	return iofunc_close_dup_default(ctp, msg, ocb);
}

static int pipe_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	for (struct waiter **pp = &waiters; *pp;) {
		struct waiter *w = *pp;
		if (w->ocb == ocb) {
			*pp = w->next;
			MsgError(w->rcvid, EBADF); /* fails harmlessly if the reader is gone */
			free(w);
		} else {
			pp = &w->next;
		}
	}
	return iofunc_close_ocb_default(ctp, reserved, ocb);
}

/* RSM_STATS / RSM_QUIT */
static int control(message_context_t *ctp, int type, unsigned flags, void *handle)
{
	if (type == RSM_QUIT) {
		quit = 1;
		return EOK;
	}
	static struct rsm_stats st;
	struct dispatch_stats ds;
	dispatch_stats(dpp, &ds);
	memset(&st, 0, sizeof(st));
	st.live_ocbs = live_ocbs;
	st.bindings = ds.bindings;
	st.ocbs = ds.ocbs;
	for (struct waiter *w = waiters; w; w = w->next)
		st.waiters++;
	for (int i = 0; i < 3; i++) {
		st.count[i] = (int32_t)attrs[i].count;
		st.armed += pipe_notify[i].cnt;
	}
	return _RESMGR_PTR(ctp, &st, sizeof(st));
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
	dpp = chid >= 0 ? dispatch_create_channel(chid, DISPATCH_FLAG_NOLOCK) : NULL;
	if (!dpp)
		return 3;

	static resmgr_connect_funcs_t connect_funcs;
	static resmgr_io_funcs_t io[3];
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &io[0]);
	io[2] = io[1] = io[0];
	io[RSM_NULL].read = null_read;
	io[RSM_NULL].write = null_write;
	io[RSM_ZERO].read = zero_read;
	io[RSM_ZERO].write = null_write;
	io[RSM_PIPE].read = pipe_read;
	io[RSM_PIPE].write = pipe_write;
	io[RSM_PIPE].unblock = pipe_unblock;
	io[RSM_PIPE].notify = pipe_notify_fn;
	io[RSM_PIPE].close_dup = pipe_close_dup;
	io[RSM_PIPE].close_ocb = pipe_close_ocb;

	mount.funcs = &ocb_funcs;
	const mode_t modes[3] = {S_IFCHR | 0666, S_IFCHR | 0444, S_IFIFO | 0666};
	struct rsm_report rep = {.tag = "rsm", .chid = chid};
	resmgr_attr_t rattr = {.nparts_max = 2, .msg_max_size = 2048};
	for (int i = 0; i < 3; i++) {
		iofunc_attr_init(&attrs[i], modes[i], NULL, NULL);
		attrs[i].mount = &mount;
		attrs[i].inode = (uint64_t)i + 1;
		rep.ids[i] = resmgr_attach(dpp, &rattr, NULL, _FTYPE_ANY, 0, &connect_funcs, &io[i],
					   &attrs[i]);
		if (rep.ids[i] < 0)
			return 4;
	}
	errno = 0;
	if (resmgr_attach(dpp, &rattr, "/dev/rsm", _FTYPE_ANY, 0, &connect_funcs, &io[0],
			  &attrs[0]) == -1)
		rep.path_errno = errno;
	if (message_attach(dpp, NULL, RSM_STATS, RSM_QUIT, control, NULL) == -1)
		return 5;
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		return 6;

	int coid = ConnectAttach(0, atoi(argv[1]), atoi(argv[2]), _NTO_SIDE_CHANNEL, 0);
	if (coid < 0 || MsgSend(coid, &rep, sizeof(rep), NULL, 0) != 0)
		return 7;
	ConnectDetach(coid);

	while (!quit) {
		if (!dispatch_block(ctp)) {
			if (errno == EINTR)
				continue;
			return 8;
		}
		dispatch_handler(ctp);
	}
	dispatch_context_free(ctp);
	dispatch_destroy(dpp);
	return 0;
}
