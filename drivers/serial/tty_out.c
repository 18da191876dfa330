/*
 * The output side of devc-ser8250: the output queue (a ring addressed by
 * running totals, so that a writer can be told when its last byte has left
 * it), termios output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET,
 * OLCUC, TAB3 and the column it needs), output stop/start, and the
 * loopback bookkeeping that keeps echoes apart from written bytes.
 * Called by the line discipline (echo), wait.c (writers) and uart.c.
 */
#include <ctype.h>
#include <termios.h>

#include "ser.h"

#define OMASK (OBUF_SIZE - 1)

size_t out_queued(const struct ser *s)
{
	return (size_t)(s->oenq - s->osent);
}

size_t out_room(const struct ser *s)
{
	return OBUF_SIZE - out_queued(s);
}

static void put_raw(struct ser *s, uint8_t c, bool echo)
{
	uint32_t i = (uint32_t)s->oenq & OMASK;
	s->obuf[i] = c;
	if (echo)
		s->oecho[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		s->oecho[i / 8] &= (uint8_t)~(1u << (i % 8));
	s->oenq++;
}

/* What byte c becomes on output (at most 8 bytes, into seq); *col is the
 * column, updated. */
static unsigned expand(const struct ser *s, uint8_t c, uint8_t *seq, unsigned *col)
{
	uint32_t of = s->tio.c_oflag;
	if (!(of & OPOST)) {
		seq[0] = c;
		return 1;
	}
	switch (c) {
	case '\n':
		if (of & ONLCR) {
			*col = 0;
			seq[0] = '\r';
			seq[1] = '\n';
			return 2;
		}
		if (of & ONLRET)
			*col = 0;
		seq[0] = c;
		return 1;
	case '\r':
		if ((of & ONOCR) && *col == 0)
			return 0;
		if (of & OCRNL) {
			if (of & ONLRET)
				*col = 0;
			seq[0] = '\n';
			return 1;
		}
		*col = 0;
		seq[0] = c;
		return 1;
	case '\t': {
		unsigned spaces = 8 - (*col % 8);
		*col += spaces;
		if ((of & TABDLY) != TAB3) {
			seq[0] = c;
			return 1;
		}
		for (unsigned i = 0; i < spaces; i++)
			seq[i] = ' ';
		return spaces;
	}
	case '\b':
		if (*col)
			(*col)--;
		seq[0] = c;
		return 1;
	}
	if (!iscntrl(c)) {
		if (of & OLCUC)
			c = (uint8_t)toupper(c);
		/* a UTF-8 continuation byte takes no column of its own */
		if (!((s->tio.c_iflag & IUTF8) && (c & 0xc0) == 0x80))
			(*col)++;
	}
	seq[0] = c;
	return 1;
}

/* Queues the processing of c if it all fits; false otherwise. */
static bool put(struct ser *s, uint8_t c, bool echo)
{
	uint8_t seq[8];
	unsigned col = s->column;
	unsigned n = expand(s, c, seq, &col);
	if (n > out_room(s))
		return false;
	for (unsigned i = 0; i < n; i++)
		put_raw(s, seq[i], echo);
	s->column = col;
	return true;
}

size_t out_write(struct ser *s, const uint8_t *data, size_t n)
{
	size_t i = 0;
	while (i < n && put(s, data[i], false))
		i++;
	return i;
}

void out_echo(struct ser *s, uint8_t c)
{
	put(s, c, true);
}

size_t out_take(struct ser *s, uint8_t *buf, bool *echo, size_t max)
{
	if (s->stopped || s->tco_stopped)
		return 0;
	size_t n = out_queued(s);
	if (n > max)
		n = max;
	for (size_t k = 0; k < n; k++) {
		uint32_t i = (uint32_t)s->osent & OMASK;
		buf[k] = s->obuf[i];
		echo[k] = (s->oecho[i / 8] >> (i % 8)) & 1;
		s->osent++;
	}
	return n;
}

/* Discards the queue: its bytes count as gone, so writers whose data was
 * all queued complete (as on Linux, their writes succeeded). */
void out_flush(struct ser *s)
{
	s->osent = s->oenq;
}

void out_stop(struct ser *s)
{
	s->stopped = true;
}

void out_start(struct ser *s)
{
	s->stopped = false;
}

void loop_sent(struct ser *s, bool echo)
{
	s->ltag[s->lt_head++ % LTAG_SIZE] = echo;
}

bool loop_received(struct ser *s, uint8_t c)
{
	if (s->lt_head == s->lt_tail)
		return false; /* not ours (the kernel console): input */
	bool echo = s->ltag[s->lt_tail++ % LTAG_SIZE];
	if (echo && s->ecap_len < sizeof(s->ecap))
		s->ecap[s->ecap_len++] = c;
	return echo;
}
