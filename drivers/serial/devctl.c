/*
 * devctl of devc-ser8250: the terminal commands of sys/dcmd_chr.h (Linux
 * ioctl numbers and structures: termios, window size, process groups,
 * queues, flow, breaks, modem lines, line counters) and the port's own
 * DCMD_SER_* (loopback and its echo capture, root only). F_GETFL/F_SETFL are the
 * iofunc default's. Sessions and process groups are the kernel's (job.c):
 * TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID; a background group
 * changing the terminal gets SIGTTOU. Called through the handler table
 * (io.c).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ser.h"

static bool is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	return iofunc_client_info(ctp, 0, &ci) == EOK && ci.cred.euid == 0;
}

/* The reply: header then n bytes of data, built in the receive buffer. */
static int reply(resmgr_context_t *ctp, io_devctl_t *msg, const void *data, size_t n)
{
	if (n)
		memmove(&msg->o + 1, data, n);
	memset(&msg->o, 0, sizeof(msg->o));
	msg->o.nbytes = (int32_t)n;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + n);
}

static int reply_int(resmgr_context_t *ctp, io_devctl_t *msg, int32_t v)
{
	return reply(ctp, msg, &v, sizeof(v));
}

static int data_in(resmgr_context_t *ctp, io_devctl_t *msg, void *buf, size_t n)
{
	if (msg->i.nbytes < (int32_t)n)
		return EINVAL;
	if (resmgr_msgread(ctp, buf, n, sizeof(msg->i)) != (long)n)
		return EFAULT;
	return EOK;
}

union dcmd_data {
	struct _dcmd_termios tio;
	struct _dcmd_winsize ws;
	int32_t i;
	uint8_t c;
};

/* Commands that change the terminal: refused to a background group
 * (job.c) as Linux does. */
static bool is_change(unsigned cmd)
{
	switch (cmd) {
	case DCMD_CHR_TCSETS: case DCMD_CHR_TCSETSW: case DCMD_CHR_TCSETSF:
	case DCMD_CHR_TCSBRK: case DCMD_CHR_TCXONC: case DCMD_CHR_TCFLSH:
	case DCMD_CHR_TIOCSETD: case DCMD_CHR_TIOCSBRK: case DCMD_CHR_TIOCCBRK:
		return true;
	default:
		return false;
	}
}

static int flow(struct ser *s, int action)
{
	switch (action) {
	case TCOOFF: s->tco_stopped = true; break;
	case TCOON: s->tco_stopped = false; break;
	case TCIOFF: if (s->tio.c_cc[VSTOP]) s->xchar = s->tio.c_cc[VSTOP]; break;
	case TCION: if (s->tio.c_cc[VSTART]) s->xchar = s->tio.c_cc[VSTART]; break;
	default: return EINVAL;
	}
	return EOK;
}

static int flush(struct ser *s, int queue)
{
	switch (queue) {
	case TCIFLUSH: tty_flush_input(s); break;
	case TCOFLUSH: out_flush(s); break;
	case TCIOFLUSH: tty_flush_input(s); out_flush(s); break;
	default: return EINVAL;
	}
	return EOK;
}

/* The port's own commands. */
static int ser_cmd(resmgr_context_t *ctp, io_devctl_t *msg, struct ser *s, unsigned cmd)
{
	if (!is_root(ctp))
		return EPERM;
	if (cmd == (unsigned)DCMD_SER_LOOPBACK) {
		int32_t on;
		int r = data_in(ctp, msg, &on, sizeof(on));
		if (r)
			return r;
		uart_set_loopback(s, on != 0);
		s->ecap_len = 0;
		return reply(ctp, msg, NULL, 0);
	}
	uint8_t cap[sizeof(s->ecap)];
	size_t n = s->ecap_len;
	memcpy(cap, s->ecap, n);
	s->ecap_len = 0;
	return reply(ctp, msg, cap, n);
}

int ser_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_devctl_default(ctp, msg, ocb);
	if (r != _RESMGR_DEFAULT)
		return r;
	struct ser *s = &ser;
	unsigned cmd = (unsigned)msg->i.dcmd;
	if (cmd == (unsigned)DCMD_SER_LOOPBACK || cmd == (unsigned)DCMD_SER_ECHOCAP)
		return ser_cmd(ctp, msg, s, cmd);
	struct _dcmd_chr_info info;
	if (_dcmd_chr_lookup(cmd, &info) != 0)
		return ENOTTY;
	union dcmd_data in;
	memset(&in, 0, sizeof(in));
	if (info.arg == _DCMD_CHR_ARG_VALUE || info.arg == _DCMD_CHR_ARG_IN) {
		r = data_in(ctp, msg, &in, info.size);
		if (r)
			return r;
	}
	if (is_change(cmd) && (r = tty_job_check(ctp, SIGTTOU)))
		return r;
	r = EOK;
	int32_t v;
	switch (cmd) {
	case DCMD_CHR_TCGETS: return reply(ctp, msg, &s->tio, sizeof(s->tio));
	case DCMD_CHR_TCSETS: tty_set_termios(s, &in.tio); break;
	case DCMD_CHR_TCSETSW: return drain_start(ctp, ocb, DRAIN_SET, &in.tio);
	case DCMD_CHR_TCSETSF: return drain_start(ctp, ocb, DRAIN_SET_FLUSH, &in.tio);
	case DCMD_CHR_TCSBRK: return drain_start(ctp, ocb, in.i ? DRAIN_ONLY : DRAIN_BREAK, NULL);
	case DCMD_CHR_TCXONC: r = flow(s, in.i); break;
	case DCMD_CHR_TCFLSH: r = flush(s, in.i); break;
	case DCMD_CHR_TIOCEXCL: s->exclusive = true; break;
	case DCMD_CHR_TIOCNXCL: s->exclusive = false; break;
	case DCMD_CHR_TIOCSCTTY: r = tty_set_ctty(ctp, in.i == 1 && is_root(ctp)); break;
	case DCMD_CHR_TIOCNOTTY: r = tty_give_up(ctp); break;
	case DCMD_CHR_TIOCGPGRP:
	case DCMD_CHR_TIOCGSID:
		r = tty_get_pgrp(ctp, cmd == (unsigned)DCMD_CHR_TIOCGSID, &v);
		return r ? r : reply_int(ctp, msg, v);
	case DCMD_CHR_TIOCSPGRP: r = tty_set_pgrp(ctp, in.i); break;
	case DCMD_CHR_TIOCOUTQ: return reply_int(ctp, msg, (int32_t)out_queued(s));
	case DCMD_CHR_TIOCSTI:
		if (!is_root(ctp) && !tty_is_ctty_of(ctp))
			return EPERM;
		tty_rx(s, in.c, 0);
		break;
	case DCMD_CHR_TIOCGWINSZ: return reply(ctp, msg, &s->ws, sizeof(s->ws));
	case DCMD_CHR_TIOCGICOUNT: return reply(ctp, msg, &s->count, sizeof(s->count));
	case DCMD_CHR_TIOCSWINSZ:
		if (memcmp(&s->ws, &in.ws, sizeof(s->ws)) != 0) {
			s->ws = in.ws;
			persist_save(s);
			tty_signal_fg(s, SIGWINCH);
		}
		break;
	case DCMD_CHR_TIOCMGET: return reply_int(ctp, msg, uart_modem_get(s));
	case DCMD_CHR_TIOCMBIS: uart_modem_set(s, uart_modem_get(s) | in.i); break;
	case DCMD_CHR_TIOCMBIC: uart_modem_set(s, uart_modem_get(s) & ~in.i); break;
	case DCMD_CHR_TIOCMSET: uart_modem_set(s, in.i); break;
	case DCMD_CHR_FIONREAD: return reply_int(ctp, msg, (int32_t)tty_readable(s));
	case DCMD_CHR_TIOCGETD: return reply_int(ctp, msg, 0);
	case DCMD_CHR_TIOCSETD: r = in.i == 0 ? EOK : EINVAL; break;
	case DCMD_CHR_TIOCSBRK: uart_set_break(s, true); break;
	case DCMD_CHR_TIOCCBRK: uart_set_break(s, false); break;
	default: return ENOTTY;
	}
	return r ? r : reply(ctp, msg, NULL, 0);
}
