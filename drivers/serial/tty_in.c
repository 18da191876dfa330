/*
 * The input side of devc-ser8250's line discipline, with Linux's termios
 * semantics: input flags (IGNBRK, BRKINT, INPCK, IGNPAR, PARMRK, ISTRIP,
 * INLCR, IGNCR, ICRNL, IXON, IXANY, IMAXBEL, IUTF8), signal characters
 * (ISIG), canonical editing (ERASE, KILL, WERASE, EOF, EOL, EOL2, REPRINT,
 * LNEXT) with echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), switching
 * between canonical and raw, and the input queue reads take from.
 * ^H erases as well as DEL while VERASE is either of them (serial
 * terminals send both). Called by uart.c for each received byte and by the
 * read and devctl paths.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "ser.h"

#define IMASK (IBUF_SIZE - 1)

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

void tty_init_termios(struct _dcmd_termios *t)
{
	*t = (struct _dcmd_termios){
		.c_iflag = ICRNL | IXON,
		.c_oflag = OPOST | ONLCR,
		.c_cflag = B115200 | CS8 | CREAD | CLOCAL,
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	};
	uint8_t *cc = t->c_cc;
	cc[VINTR] = 0x03;    /* ^C */
	cc[VQUIT] = 0x1c;    /* ^\ */
	cc[VERASE] = 0x7f;   /* DEL */
	cc[VKILL] = 0x15;    /* ^U */
	cc[VEOF] = 0x04;     /* ^D */
	cc[VTIME] = 0;
	cc[VMIN] = 1;
	cc[VSTART] = 0x11;   /* ^Q */
	cc[VSTOP] = 0x13;    /* ^S */
	cc[VSUSP] = 0x1a;    /* ^Z */
	cc[VREPRINT] = 0x12; /* ^R */
	cc[VDISCARD] = 0x0f; /* ^O */
	cc[VWERASE] = 0x17;  /* ^W */
	cc[VLNEXT] = 0x16;   /* ^V */
}

static bool mark(const uint8_t *m, uint32_t i)
{
	i &= IMASK;
	return (m[i / 8] >> (i % 8)) & 1;
}

static void set_mark(uint8_t *m, uint32_t i, bool v)
{
	i &= IMASK;
	if (v)
		m[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		m[i / 8] &= (uint8_t)~(1u << (i % 8));
}

static uint8_t at(const struct ser *s, uint32_t i)
{
	return s->ibuf[i & IMASK];
}

static bool is_ctl(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

static bool is_cont(const struct ser *s, uint8_t c)
{
	return (s->tio.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* c is the special character cc[idx] (a NUL entry is disabled). */
static bool is_cc(const struct ser *s, uint8_t c, int idx)
{
	uint8_t v = s->tio.c_cc[idx];
	return v != 0 && c == v;
}

static bool is_erase(const struct ser *s, uint8_t c)
{
	uint8_t v = s->tio.c_cc[VERASE];
	if (v == 0x7f || v == '\b')
		return c == 0x7f || c == '\b';
	return is_cc(s, c, VERASE);
}

static size_t queued(const struct ser *s)
{
	return s->ihead - s->itail;
}

static void store(struct ser *s, uint8_t c, bool eol, bool eof)
{
	uint32_t i = s->ihead++;
	s->ibuf[i & IMASK] = c;
	set_mark(s->ieol, i, eol);
	set_mark(s->ieof, i, eof);
}

/* The bytes just stored are readable (raw mode, or a line end). */
static void commit(struct ser *s)
{
	s->rx_seq += s->ihead - s->icanon;
	s->icanon = s->ihead;
}

/* Shows c as echoed: with ECHOCTL a control byte (not TAB or NL) as ^X. */
static void echo_char(struct ser *s, uint8_t c)
{
	if ((s->tio.c_lflag & ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n') {
		out_echo(s, '^');
		out_echo(s, c ^ 0x40);
	} else {
		out_echo(s, c);
	}
}

static void rub(struct ser *s, unsigned cols)
{
	for (unsigned i = 0; i < cols; i++) {
		out_echo(s, '\b');
		out_echo(s, ' ');
		out_echo(s, '\b');
	}
}

/* The column the echo of the edited line reaches at byte end. */
static unsigned line_column(const struct ser *s, uint32_t end)
{
	unsigned col = s->canon_col;
	for (uint32_t i = s->icanon; i != end; i++) {
		uint8_t c = at(s, i);
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctl(c))
			col += (s->tio.c_lflag & ECHOCTL) ? 2 : 0;
		else if (!is_cont(s, c))
			col++;
	}
	return col;
}

/* Removes the last character of the edited line (all its UTF-8 bytes)
 * and, with echo, rubs it out on the screen. */
static uint8_t erase_one(struct ser *s, bool visual)
{
	uint32_t start = s->ihead - 1;
	while (start != s->icanon && is_cont(s, at(s, start)))
		start--;
	uint8_t c = at(s, start);
	s->ihead = start;
	if (!visual)
		return c;
	if (c == '\t') {
		unsigned before = line_column(s, start);
		for (unsigned col = s->column; col > before; col--)
			out_echo(s, '\b');
	} else if (is_ctl(c)) {
		rub(s, (s->tio.c_lflag & ECHOCTL) ? 2 : 0);
	} else {
		rub(s, 1);
	}
	return c;
}

static void erase(struct ser *s, enum erase_kind kind, uint8_t c)
{
	uint32_t lf = s->tio.c_lflag;
	if (s->ihead == s->icanon)
		return;
	bool echo = lf & ECHO;
	if (kind == ERASE_LINE && echo && !((lf & ECHOK) && (lf & ECHOKE) && (lf & ECHOE))) {
		s->ihead = s->icanon;
		echo_char(s, c);
		if (lf & ECHOK)
			out_echo(s, '\n');
		return;
	}
	if (kind == ERASE_CHAR && echo && !(lf & ECHOE)) {
		erase_one(s, false);
		echo_char(s, c);
		return;
	}
	bool in_word = false;
	while (s->ihead != s->icanon) {
		if (kind == ERASE_WORD) {
			uint8_t last = at(s, s->ihead - 1);
			bool word = isalnum(last) || last == '_' || (last & 0x80);
			if (word)
				in_word = true;
			else if (in_word)
				break; /* the word and the blanks after it are gone */
		}
		erase_one(s, echo);
		if (kind == ERASE_CHAR)
			break;
	}
}

static void reprint(struct ser *s, uint8_t c)
{
	if (!(s->tio.c_lflag & ECHO))
		return;
	echo_char(s, c);
	out_echo(s, '\n');
	s->canon_col = s->column;
	for (uint32_t i = s->icanon; i != s->ihead; i++)
		echo_char(s, at(s, i));
}

/* Ends the edited line with c (an EOF mark when eof). */
static void line_end(struct ser *s, uint8_t c, bool eof)
{
	if (queued(s) >= IBUF_SIZE) {
		s->count.buf_overrun++;
		return;
	}
	store(s, c, true, eof);
	commit(s);
}

/* An ordinary byte (or one taken literally): echo and queue. */
static void normal(struct ser *s, uint8_t c)
{
	uint32_t lf = s->tio.c_lflag;
	bool canon = lf & ICANON;
	bool twice = c == 0xff && (s->tio.c_iflag & PARMRK) && !(s->tio.c_iflag & ISTRIP);
	size_t limit = canon ? IBUF_SIZE - 1 : IBUF_SIZE; /* canonical: room for the line end */
	if (queued(s) + 1 + twice > limit) {
		s->count.buf_overrun++;
		if ((s->tio.c_iflag & IMAXBEL) && (lf & ECHO))
			out_echo(s, '\a');
		return;
	}
	if (lf & ECHO) {
		if (c == '\n') {
			out_echo(s, '\n');
		} else {
			if (s->ihead == s->icanon)
				s->canon_col = s->column;
			echo_char(s, c);
		}
	}
	if (twice)
		store(s, c, false, false);
	store(s, c, false, false);
	if (!canon)
		commit(s);
}

/* Queues a PARMRK sequence or a NUL for a break or bad byte. */
static void marked(struct ser *s, uint8_t c)
{
	if (!(s->tio.c_iflag & PARMRK)) {
		normal(s, 0);
		return;
	}
	if (queued(s) + 3 > IBUF_SIZE - 1)
		return;
	store(s, 0xff, false, false);
	store(s, 0, false, false);
	store(s, c, false, false);
	if (!(s->tio.c_lflag & ICANON))
		commit(s);
}

/* A signal character c (or a break, c < 0): flush, echo, signal. */
static void signal_char(struct ser *s, int signo, int c)
{
	if (!(s->tio.c_lflag & NOFLSH)) {
		tty_flush_input(s);
		out_flush(s);
	}
	if (s->tio.c_iflag & IXON)
		out_start(s);
	if ((s->tio.c_lflag & ECHO) && c >= 0)
		echo_char(s, (uint8_t)c);
	tty_signal(s, signo);
}

/* Canonical-mode specials; false if c is an ordinary byte. */
static bool canon_char(struct ser *s, uint8_t c)
{
	uint32_t lf = s->tio.c_lflag;
	bool ext = lf & IEXTEN;
	if (is_erase(s, c)) {
		erase(s, ERASE_CHAR, c);
	} else if (is_cc(s, c, VKILL)) {
		erase(s, ERASE_LINE, c);
	} else if (ext && is_cc(s, c, VWERASE)) {
		erase(s, ERASE_WORD, c);
	} else if (ext && is_cc(s, c, VLNEXT)) {
		s->lnext = true;
		if ((lf & ECHO) && (lf & ECHOCTL)) {
			out_echo(s, '^');
			out_echo(s, '\b');
		}
	} else if (ext && is_cc(s, c, VREPRINT)) {
		reprint(s, c);
	} else if (c == '\n') {
		if (lf & (ECHO | ECHONL))
			out_echo(s, '\n');
		line_end(s, c, false);
	} else if (is_cc(s, c, VEOF)) {
		line_end(s, c, true);
	} else if (is_cc(s, c, VEOL) || is_cc(s, c, VEOL2)) {
		if (lf & ECHO) {
			if (s->ihead == s->icanon)
				s->canon_col = s->column;
			echo_char(s, c);
		}
		line_end(s, c, false);
	} else {
		return false;
	}
	return true;
}

void tty_rx(struct ser *s, uint8_t c, int flags)
{
	uint32_t inf = s->tio.c_iflag, lf = s->tio.c_lflag;
	if (flags & RX_BREAK) {
		if (inf & IGNBRK)
			return;
		if (inf & BRKINT) {
			signal_char(s, SIGINT, -1);
			return;
		}
		marked(s, 0);
		return;
	}
	if ((flags & (RX_PARITY | RX_FRAMING)) && (inf & INPCK)) {
		if (!(inf & IGNPAR))
			marked(s, c);
		return;
	}
	if (inf & ISTRIP)
		c &= 0x7f;
	if (s->lnext) {
		s->lnext = false;
		normal(s, c);
		return;
	}
	if (inf & IXON) {
		bool start = is_cc(s, c, VSTART), stop = is_cc(s, c, VSTOP);
		if (start && stop) {
			s->stopped ? out_start(s) : out_stop(s);
			return;
		}
		if (start || stop) {
			start ? out_start(s) : out_stop(s);
			return;
		}
		if ((inf & IXANY) && s->stopped)
			out_start(s);
	}
	if (lf & ISIG) {
		int signo = is_cc(s, c, VINTR) ? SIGINT : is_cc(s, c, VQUIT) ? SIGQUIT
			  : is_cc(s, c, VSUSP) ? SIGTSTP : 0;
		if (signo) {
			signal_char(s, signo, c);
			return;
		}
	}
	if (c == '\r') {
		if (inf & IGNCR)
			return;
		if (inf & ICRNL)
			c = '\n';
	} else if (c == '\n' && (inf & INLCR)) {
		c = '\r';
	}
	if ((lf & ICANON) && canon_char(s, c))
		return;
	normal(s, c);
}

bool tty_line_ready(const struct ser *s)
{
	return s->icanon != s->itail;
}

size_t tty_raw_avail(const struct ser *s)
{
	return s->ihead - s->itail;
}

size_t tty_readable(const struct ser *s)
{
	if (!(s->tio.c_lflag & ICANON))
		return tty_raw_avail(s);
	size_t n = 0;
	for (uint32_t i = s->itail; i != s->icanon; i++)
		n += !mark(s->ieof, i);
	return n;
}

size_t tty_take(struct ser *s, uint8_t *buf, size_t n)
{
	size_t got = 0;
	if (!(s->tio.c_lflag & ICANON)) {
		while (got < n && s->itail != s->ihead)
			buf[got++] = at(s, s->itail++);
		s->icanon = s->ihead;
		return got;
	}
	while (s->itail != s->icanon) {
		uint32_t i = s->itail;
		if (mark(s->ieof, i)) {
			s->itail++; /* EOF: ends the read, is never read itself */
			break;
		}
		if (got == n)
			break;
		buf[got++] = at(s, i);
		s->itail++;
		if (mark(s->ieol, i))
			break;
	}
	return got;
}

void tty_flush_input(struct ser *s)
{
	s->itail = s->icanon = s->ihead;
	s->lnext = false;
}

/* ICANON changed: raw -> canonical makes what is queued one line;
 * canonical -> raw makes the edited line readable and drops EOF marks. */
static void canon_switch(struct ser *s, bool canon)
{
	if (canon) {
		if (s->ihead != s->itail)
			set_mark(s->ieol, s->ihead - 1, true);
		s->icanon = s->ihead;
		return;
	}
	uint32_t w = s->itail;
	for (uint32_t r = s->itail; r != s->ihead; r++) {
		if (mark(s->ieof, r))
			continue;
		uint8_t c = at(s, r);
		s->ibuf[w & IMASK] = c;
		set_mark(s->ieol, w, false);
		set_mark(s->ieof, w, false);
		w++;
	}
	s->ihead = w;
	commit(s);
	s->lnext = false;
}

void tty_set_termios(struct ser *s, const struct _dcmd_termios *t)
{
	struct _dcmd_termios old = s->tio;
	s->tio = *t;
	if ((old.c_lflag ^ t->c_lflag) & ICANON)
		canon_switch(s, t->c_lflag & ICANON);
	if ((old.c_cflag ^ t->c_cflag) & (CBAUD | CSIZE | CSTOPB | PARENB | PARODD))
		uart_apply_cflag(s);
	if (!(t->c_iflag & IXON) && s->stopped)
		out_start(s);
	persist_save(s);
}
