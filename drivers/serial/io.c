/*
 * The resource-manager handlers of devc-ser8250: open (the device itself
 * only; TIOCEXCL keeps others out; the controlling-tty rule), read and
 * write (job control first, job.c; deferred replies in wait.c),
 * select/poll notification, the unblock pulse, close, and lseek (a
 * terminal cannot seek). Everything else is the iofunc default;
 * devctl is in devctl.c. Installed by main.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ser.h"

static bool client_is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	return iofunc_client_info(ctp, 0, &ci) == EOK && ci.cred.euid == 0;
}

static int ser_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, void *extra)
{
	if (msg->connect.path[0] != '\0')
		return ENOTDIR; /* nothing below a device */
	if (ser.exclusive && !client_is_root(ctp))
		return EBUSY;
	int r = iofunc_open_default(ctp, msg, attr, extra);
	if (r != EOK)
		return r;
	/* a session leader without a terminal opening this one, free, without
	 * O_NOCTTY gets it as its controlling terminal (job.c); a stat-like
	 * look-up (COMBINE_CLOSE, no access, e.g. the startup script's
	 * waitfor) is not an open */
	if (msg->connect.subtype == _IO_CONNECT_OPEN && (msg->connect.ioflag & _IO_FLAG_MASK) &&
	    !(msg->connect.ioflag & O_NOCTTY))
		tty_open_ctty(ctp);
	return EOK;
}

static int ser_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int nonblock;
	int r = iofunc_read_verify(ctp, msg, ocb, &nonblock);
	if (r)
		return r;
	switch (msg->i.xtype & _IO_XTYPE_MASK) {
	case _IO_XTYPE_NONE: break;
	case _IO_XTYPE_OFFSET: return ESPIPE;
	default: return ENOSYS;
	}
	r = tty_job_check(ctp, SIGTTIN);
	if (r)
		return r;
	if (msg->i.nbytes == 0) {
		_IO_SET_READ_NBYTES(ctp, 0);
		return EOK;
	}
	size_t n = (size_t)msg->i.nbytes;
	if (n > IBUF_SIZE)
		n = IBUF_SIZE; /* one read returns at most a queue-full */
	return read_start(ctp, ocb, n, nonblock != 0);
}

static int ser_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int nonblock;
	int r = iofunc_write_verify(ctp, msg, ocb, &nonblock);
	if (r)
		return r;
	switch (msg->i.xtype & _IO_XTYPE_MASK) {
	case _IO_XTYPE_NONE: break;
	case _IO_XTYPE_OFFSET: return ESPIPE;
	default: return ENOSYS;
	}
	if ((ser.tio.c_lflag & TOSTOP) && (r = tty_job_check(ctp, SIGTTOU)))
		return r;
	return write_start(ctp, ocb, (size_t)msg->i.nbytes, sizeof(msg->i), nonblock != 0);
}

static int ser_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	int trig = (ser_input_ready(&ser) ? (int)_NOTIFY_COND_INPUT : 0) |
		   (ser_output_ready(&ser) ? (int)_NOTIFY_COND_OUTPUT : 0);
	return iofunc_notify(ctp, msg, ser.notify, trig, NULL, NULL);
}

static int ser_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb)
{
	return wait_unblock(&ser, ctp, ctp->rcvid);
}

static int ser_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_notify_remove(ctp, ser.notify);
	return iofunc_close_dup_default(ctp, msg, ocb);
}

static int ser_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	wait_drop_ocb(&ser, ocb, EBADF);
	return iofunc_close_ocb_default(ctp, reserved, ocb);
}

static int ser_lseek(resmgr_context_t *ctp, io_lseek_t *msg, iofunc_ocb_t *ocb)
{
	return ESPIPE;
}

void io_funcs_init(resmgr_connect_funcs_t *c, resmgr_io_funcs_t *io)
{
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, c, _RESMGR_IO_NFUNCS, io);
	c->open = ser_open;
	io->read = ser_read;
	io->write = ser_write;
	io->notify = ser_notify;
	io->devctl = ser_devctl;
	io->unblock = ser_unblock;
	io->close_dup = ser_close_dup;
	io->close_ocb = ser_close_ocb;
	io->lseek = ser_lseek;
}
