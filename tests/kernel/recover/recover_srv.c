/*
 * recover_srv: the server of the client-recovery test (t_recover). Under
 * the prefix given as its argument it serves three files:
 *   <prefix>/pid   read: its pid as text
 *   <prefix>/slow  read: sleeps RECOVER_SLOW_MS in the handler, then the
 *                  pattern (a client is blocked in it when the server dies)
 *   <prefix>/wait  not readable (poll) until something is written to it
 *                  in this incarnation; always writable
 *   <prefix>/gen   read: the incarnation's number as text, kept across
 *                  restarts in restartd's store (restart_store.h): 1 for
 *                  the first, one more for each restart
 *   <prefix>/data  RECOVER_SIZE bytes, read and write at the OCB's offset;
 *                  starts as the pattern ('a' + offset % 26) in every
 *                  incarnation; attached last: restartd's entity path
 * The other files are always ready for poll. lseek, stat, close and dup
 * are the iofunc defaults. Heartbeats and fault points come from the
 * resmgr library.
 * Usage: recover_srv /prefix
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sys/dispatch.h>
#include <sys/iofunc.h>

#include "recover.h"
#include "restart_store.h"

static char data[RECOVER_SIZE];
static char pid_text[32], gen_text[32];
static iofunc_attr_t a_pid, a_slow, a_wait, a_gen, a_data;
static iofunc_notify_t wait_notify[3];
static bool wait_ready;

static int srv_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	const char *src = data;
	size_t size = sizeof(data);
	if (ocb->attr == &a_pid || ocb->attr == &a_gen) {
		src = ocb->attr == &a_pid ? pid_text : gen_text;
		size = strlen(src);
	} else if (ocb->attr == &a_slow) {
		struct timespec ts = {0, RECOVER_SLOW_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	size_t off = ocb->offset < 0 ? 0 : (size_t)ocb->offset;
	size_t n = off < size ? size - off : 0;
	if (n > (size_t)msg->i.nbytes)
		n = (size_t)msg->i.nbytes;
	if (msg->i.xtype & _IO_XTYPE_MASK) { /* pread: the offset follows the header */
		if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET)
			return ENOSYS;
		struct _xtype_offset xo;
		if (resmgr_msgread(ctp, &xo, sizeof(xo), sizeof(msg->i)) != (long)sizeof(xo))
			return EFAULT;
		off = xo.offset < 0 ? size : (size_t)xo.offset;
		n = off < size ? size - off : 0;
		if (n > (size_t)msg->i.nbytes)
			n = (size_t)msg->i.nbytes;
	} else {
		ocb->offset += (int64_t)n;
	}
	_IO_SET_READ_NBYTES(ctp, n);
	return _RESMGR_PTR(ctp, src + off, n);
}

static int srv_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	if (ocb->attr == &a_wait) {
		wait_ready = true;
		iofunc_notify_trigger(wait_notify, 1, IOFUNC_NOTIFY_INPUT);
		_IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes);
		return EOK;
	}
	if (ocb->attr != &a_data)
		return EACCES;
	size_t hdr = sizeof(msg->i);
	int64_t at = ocb->offset;
	if (msg->i.xtype & _IO_XTYPE_MASK) {
		if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET)
			return ENOSYS;
		struct _xtype_offset xo;
		if (resmgr_msgread(ctp, &xo, sizeof(xo), hdr) != (long)sizeof(xo))
			return EFAULT;
		at = xo.offset;
		hdr += sizeof(xo);
	}
	if (at < 0 || (size_t)at >= sizeof(data))
		return ENOSPC;
	size_t n = (size_t)msg->i.nbytes;
	if (n > sizeof(data) - (size_t)at)
		n = sizeof(data) - (size_t)at;
	if (resmgr_msgread(ctp, data + at, n, hdr) != (long)n)
		return EFAULT;
	if (!(msg->i.xtype & _IO_XTYPE_MASK))
		ocb->offset = at + (int64_t)n;
	_IO_SET_WRITE_NBYTES(ctp, n);
	return EOK;
}

static int srv_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	int trig = _NOTIFY_COND_OUTPUT | _NOTIFY_COND_INPUT;
	if (ocb->attr == &a_wait && !wait_ready)
		trig = _NOTIFY_COND_OUTPUT;
	return iofunc_notify(ctp, msg, wait_notify, trig, NULL, NULL);
}

static int srv_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_notify_remove(ctp, wait_notify);
	return iofunc_close_dup_default(ctp, msg, ocb);
}

int main(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] != '/' || strlen(argv[1]) > 200) {
		fprintf(stderr, "usage: recover_srv /prefix\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = RECOVER_BYTE(i);
	snprintf(pid_text, sizeof(pid_text), "%d\n", getpid());
	uint32_t gen = 0;
	if (restart_store_get(&gen, sizeof(gen)) != (int)sizeof(gen))
		gen = 0;
	gen++;
	restart_store_put(&gen, sizeof(gen)); /* without restartd: 1 each time */
	snprintf(gen_text, sizeof(gen_text), "%u\n", (unsigned)gen);
	dispatch_t *dpp = dispatch_create();
	if (!dpp)
		return 1;
	static resmgr_connect_funcs_t cf;
	static resmgr_io_funcs_t io;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &cf, _RESMGR_IO_NFUNCS, &io);
	io.read = srv_read;
	io.write = srv_write;
	io.notify = srv_notify;
	io.close_dup = srv_close_dup;
	iofunc_attr_init(&a_pid, S_IFREG | 0444, NULL, NULL);
	iofunc_attr_init(&a_slow, S_IFREG | 0444, NULL, NULL);
	iofunc_attr_init(&a_wait, S_IFCHR | 0666, NULL, NULL);
	iofunc_attr_init(&a_gen, S_IFREG | 0444, NULL, NULL);
	iofunc_attr_init(&a_data, S_IFREG | 0666, NULL, NULL);
	a_data.nbytes = sizeof(data);
	static const char *const names[] = {"pid", "slow", "wait", "gen", "data"};
	iofunc_attr_t *attrs[] = {&a_pid, &a_slow, &a_wait, &a_gen, &a_data};
	for (int i = 0; i < 5; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		if (resmgr_attach(dpp, NULL, path, _FTYPE_ANY, 0, &cf, &io, attrs[i]) == -1) {
			fprintf(stderr, "recover_srv: cannot attach %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		return 1;
	for (;;)
		if (dispatch_block(ctp))
			dispatch_handler(ctp);
}
