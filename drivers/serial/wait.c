/*
 * Clients blocked in devc-ser8250 (deferred replies) and the step that
 * moves everything along:
 *   readers   canonical: a line (or EOF) is there; raw: VMIN/VTIME rules
 *             (MIN bytes, or TIME tenths of a second from the read with
 *             MIN 0, or since the last byte once one came with MIN > 0);
 *   writers   their data is copied into the output queue in order (the
 *             first unfinished writer only), and each is replied to once
 *             its last byte has been handed to the UART;
 *   drainers  tcdrain, TCSETSW/TCSETSF and breaks wait until the queue is
 *             empty and the transmitter idle.
 * A signal on a blocked client arrives as the unblock pulse: the request
 * fails with EINTR (a writer that has queued bytes returns that count).
 * ser_progress() runs after every message and pulse (main.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "ser.h"

#define DECISECOND 100000000ull
#define BREAK_NS 250000000ull
#define DRAIN_POLL_NS 1000000ull

static uint8_t xfer[IBUF_SIZE];

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static bool raw_immediate(const struct ser *s)
{
	return !(s->tio.c_lflag & ICANON) && s->tio.c_cc[VMIN] == 0 && s->tio.c_cc[VTIME] == 0;
}

static bool reader_ready(const struct ser *s, const struct reader *r, uint64_t now)
{
	if (s->tio.c_lflag & ICANON)
		return tty_line_ready(s);
	unsigned vmin = s->tio.c_cc[VMIN];
	if (raw_immediate(s))
		return true;
	size_t need = vmin ? min_size(vmin, r->nbytes) : 1;
	if (tty_raw_avail(s) >= need)
		return true;
	return r->deadline && now >= r->deadline;
}

/* Replies what a read may take now; if the client is gone the bytes stay. */
static void reader_reply(struct ser *s, const struct reader *r)
{
	uint32_t tail = s->itail;
	size_t n = tty_take(s, xfer, r->nbytes);
	if (MsgReply(r->rcvid, (long)n, xfer, n) == -1)
		s->itail = tail;
	else if (n)
		s->attr.flags |= IOFUNC_ATTR_ATIME;
}

int read_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, size_t nbytes, bool nonblock)
{
	struct ser *s = &ser;
	uint64_t now = ser_now();
	struct reader r0 = {.rcvid = ctp->rcvid, .ocb = ocb, .nbytes = nbytes};
	s->last_reader = ctp->info.pid;
	bool canon = s->tio.c_lflag & ICANON;
	bool have = canon ? tty_line_ready(s) : tty_raw_avail(s) > 0;
	if (!s->readers && (reader_ready(s, &r0, now) || (nonblock && have))) {
		size_t n = tty_take(s, xfer, nbytes);
		if (n)
			s->attr.flags |= IOFUNC_ATTR_ATIME;
		_IO_SET_READ_NBYTES(ctp, n);
		return _RESMGR_PTR(ctp, xfer, n);
	}
	if (nonblock)
		return raw_immediate(s) ? (_IO_SET_READ_NBYTES(ctp, 0), EOK) : EAGAIN;
	struct reader *r = malloc(sizeof(*r));
	if (!r)
		return ENOMEM;
	*r = r0;
	unsigned vtime = s->tio.c_cc[VTIME];
	if (!canon && vtime && (s->tio.c_cc[VMIN] == 0 || have))
		r->deadline = now + vtime * DECISECOND;
	r->seen_rx = s->rx_seq;
	struct reader **pp = &s->readers;
	while (*pp)
		pp = &(*pp)->next;
	*pp = r;
	return _RESMGR_NOREPLY;
}

static void readers_serve(struct ser *s, uint64_t now)
{
	bool canon = s->tio.c_lflag & ICANON;
	unsigned vmin = s->tio.c_cc[VMIN], vtime = s->tio.c_cc[VTIME];
	for (struct reader **pp = &s->readers; *pp;) {
		struct reader *r = *pp;
		if (!canon && vmin && vtime && r->seen_rx != s->rx_seq && tty_raw_avail(s)) {
			r->seen_rx = s->rx_seq; /* a byte came: the inter-byte timer restarts */
			r->deadline = now + vtime * DECISECOND;
		}
		if (reader_ready(s, r, now)) {
			*pp = r->next;
			reader_reply(s, r);
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

/* Copies writer w's data (avail bytes of it already in data) into the
 * output queue while there is room. */
static void writer_copy(struct ser *s, struct writer *w, const uint8_t *data, size_t avail)
{
	avail = min_size(avail, w->nbytes - w->copied);
	size_t took = out_write(s, data, avail);
	w->copied += took;
	if (took == avail) {
		while (w->copied < w->nbytes && out_room(s)) {
			size_t want = min_size(min_size(w->nbytes - w->copied, sizeof(xfer)), out_room(s));
			long got = MsgRead(w->rcvid, xfer, want, w->msg_off + w->copied);
			if (got <= 0) {
				w->nbytes = w->copied; /* the client went away: stop here */
				break;
			}
			took = out_write(s, xfer, (size_t)got);
			w->copied += took;
			if (took < (size_t)got)
				break;
		}
	}
	if (w->copied == w->nbytes)
		w->done_at = s->oenq;
}

static struct writer *first_unfinished(const struct ser *s)
{
	for (struct writer *w = s->writers; w; w = w->next)
		if (w->copied < w->nbytes)
			return w;
	return NULL;
}

static bool writers_fill(struct ser *s)
{
	struct writer *w = first_unfinished(s);
	if (!w)
		return false;
	size_t before = w->copied;
	writer_copy(s, w, NULL, 0);
	return w->copied != before;
}

int write_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, size_t nbytes, size_t hdr,
		bool nonblock)
{
	struct ser *s = &ser;
	if (nbytes == 0) {
		_IO_SET_WRITE_NBYTES(ctp, 0);
		return EOK;
	}
	bool first = !first_unfinished(s);
	if (nonblock && !first)
		return EAGAIN;
	struct writer w0 = {
		.rcvid = ctp->rcvid, .ocb = ocb, .nbytes = nbytes, .msg_off = ctp->offset + hdr,
	};
	if (first) /* the part of the data that came with the message */
		writer_copy(s, &w0, (const uint8_t *)ctp->msg + hdr, ctp->size > hdr ? ctp->size - hdr : 0);
	if (w0.copied)
		s->attr.flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	if (nonblock) {
		if (!w0.copied)
			return EAGAIN;
		_IO_SET_WRITE_NBYTES(ctp, w0.copied);
		return EOK;
	}
	struct writer *w = malloc(sizeof(*w));
	if (!w)
		return ENOMEM;
	*w = w0;
	struct writer **pp = &s->writers;
	while (*pp)
		pp = &(*pp)->next;
	*pp = w;
	return _RESMGR_NOREPLY;
}

static void writers_complete(struct ser *s)
{
	for (struct writer **pp = &s->writers; *pp;) {
		struct writer *w = *pp;
		if (w->copied == w->nbytes && s->osent >= w->done_at) {
			*pp = w->next;
			MsgReply(w->rcvid, (long)w->nbytes, NULL, 0);
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

int drain_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, enum drain_kind kind,
		const struct _dcmd_termios *tio)
{
	struct ser *s = &ser;
	struct drainer *d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->rcvid = ctp->rcvid;
	d->ocb = ocb;
	d->kind = kind;
	if (tio)
		d->tio = *tio;
	d->done_at = s->oenq;
	struct drainer **pp = &s->drainers;
	while (*pp)
		pp = &(*pp)->next;
	*pp = d;
	return _RESMGR_NOREPLY;
}

static void devctl_ok(int rcvid)
{
	struct _io_devctl_reply rep;
	memset(&rep, 0, sizeof(rep));
	MsgReply(rcvid, 0, &rep, sizeof(rep));
}

/* Advances drainer d; true when it is finished (replied to). */
static bool drainer_step(struct ser *s, struct drainer *d, uint64_t now)
{
	if (d->breaking) {
		if (now < d->deadline)
			return false;
		uart_set_break(s, false);
		devctl_ok(d->rcvid);
		return true;
	}
	d->deadline = 0;
	if (s->osent < d->done_at)
		return false;
	if (!uart_tx_idle(s)) {
		d->deadline = now + DRAIN_POLL_NS; /* the last bytes are still being shifted out */
		return false;
	}
	switch (d->kind) {
	case DRAIN_ONLY:
		break;
	case DRAIN_SET_FLUSH:
		tty_flush_input(s);
		/* fall through */
	case DRAIN_SET:
		tty_set_termios(s, &d->tio);
		break;
	case DRAIN_BREAK:
		uart_set_break(s, true);
		d->breaking = true;
		d->deadline = now + BREAK_NS;
		return false;
	}
	devctl_ok(d->rcvid);
	return true;
}

static void drainers_check(struct ser *s, uint64_t now)
{
	for (struct drainer **pp = &s->drainers; *pp;) {
		struct drainer *d = *pp;
		if (drainer_step(s, d, now)) {
			*pp = d->next;
			free(d);
		} else {
			pp = &d->next;
		}
	}
}

int wait_unblock(struct ser *s, resmgr_context_t *ctp, int rcvid)
{
	for (struct reader **pp = &s->readers; *pp; pp = &(*pp)->next) {
		struct reader *r = *pp;
		if (r->rcvid == rcvid) {
			*pp = r->next;
			free(r);
			return EINTR;
		}
	}
	for (struct writer **pp = &s->writers; *pp; pp = &(*pp)->next) {
		struct writer *w = *pp;
		if (w->rcvid == rcvid) {
			size_t copied = w->copied;
			*pp = w->next;
			free(w);
			if (!copied)
				return EINTR;
			_IO_SET_WRITE_NBYTES(ctp, copied); /* those bytes will go out */
			return EOK;
		}
	}
	for (struct drainer **pp = &s->drainers; *pp; pp = &(*pp)->next) {
		struct drainer *d = *pp;
		if (d->rcvid == rcvid) {
			if (d->breaking)
				uart_set_break(s, false);
			*pp = d->next;
			free(d);
			return EINTR;
		}
	}
	return _RESMGR_DEFAULT;
}

void wait_drop_ocb(struct ser *s, iofunc_ocb_t *ocb, int err)
{
	for (struct reader **pp = &s->readers; *pp;) {
		struct reader *r = *pp;
		if (r->ocb != ocb) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		MsgError(r->rcvid, err);
		free(r);
	}
	for (struct writer **pp = &s->writers; *pp;) {
		struct writer *w = *pp;
		if (w->ocb != ocb) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		MsgError(w->rcvid, err);
		free(w);
	}
	for (struct drainer **pp = &s->drainers; *pp;) {
		struct drainer *d = *pp;
		if (d->ocb != ocb) {
			pp = &d->next;
			continue;
		}
		if (d->breaking)
			uart_set_break(s, false);
		*pp = d->next;
		MsgError(d->rcvid, err);
		free(d);
	}
}

bool ser_input_ready(const struct ser *s)
{
	if (s->tio.c_lflag & ICANON)
		return tty_line_ready(s);
	unsigned vmin = s->tio.c_cc[VMIN];
	size_t need = (s->tio.c_cc[VTIME] == 0 && vmin) ? vmin : 1;
	return tty_raw_avail(s) >= need;
}

bool ser_output_ready(const struct ser *s)
{
	return out_queued(s) < OUT_LOW_WATER && !first_unfinished(s);
}

static void timer_rearm(struct ser *s)
{
	uint64_t at = 0;
	for (struct reader *r = s->readers; r; r = r->next)
		if (r->deadline && (!at || r->deadline < at))
			at = r->deadline;
	for (struct drainer *d = s->drainers; d; d = d->next)
		if (d->deadline && (!at || d->deadline < at))
			at = d->deadline;
	if (at == s->timer_at)
		return;
	struct _itimer it = {.nsec = at, .interval_nsec = 0};
	if (TimerSettime(s->timer_id, at ? TIMER_ABSTIME : 0, &it, NULL) == 0)
		s->timer_at = at;
}

void ser_progress(struct ser *s)
{
	for (int i = 0; i < 64; i++) {
		bool filled = writers_fill(s);
		uint64_t sent = s->osent;
		uart_poll(s);
		if (!filled && s->osent == sent)
			break;
	}
	uint64_t now = ser_now();
	writers_complete(s);
	drainers_check(s, now);
	readers_serve(s, now);
	if (s->notify[IOFUNC_NOTIFY_INPUT].cnt && ser_input_ready(s))
		iofunc_notify_trigger(s->notify, 1, IOFUNC_NOTIFY_INPUT);
	if (s->notify[IOFUNC_NOTIFY_OUTPUT].cnt && ser_output_ready(s))
		iofunc_notify_trigger(s->notify, 1, IOFUNC_NOTIFY_OUTPUT);
	timer_rearm(s);
}
