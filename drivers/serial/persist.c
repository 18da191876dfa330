/*
 * The terminal settings across a restart of the driver (docs/restart.md,
 * "State that survives a restart"): whenever a client changes them (termios
 * by TCSETS/TCSETSW/TCSETSF, the window size by TIOCSWINSZ), the driver
 * leaves a copy with restartd (restart_store.h); a driver restarted after
 * a crash starts with the copy its predecessor left instead of the
 * defaults, so that the clients that recover their fds (posix/fd/recover.c)
 * find the terminal as they had set it: a shell's line editor stays in its
 * raw mode, `stty` settings stay.
 *
 * Only what a client set comes back. Lost with the dead driver: typed input
 * not read yet, output not sent yet (a write in flight is sent again by its
 * client's recovery), a stopped output (^S), TIOCEXCL, breaks and modem
 * lines, and the session's controlling-terminal record (job.c). Without
 * restartd (or when the driver is not one of its entities) nothing is
 * kept. Called by main.c (restore), tty_in.c and devctl.c (save).
 */
#include <string.h>

#include "restart_store.h"
#include "ser.h"

#define SAVED_MAGIC 0x31524553u /* "SER1" */

struct saved {
	uint32_t magic;
	uint32_t size;
	struct _dcmd_termios tio;
	struct _dcmd_winsize ws;
};
_Static_assert(sizeof(struct saved) <= RESTART_STORE_MAX, "fits restartd's store");

static struct saved last; /* what restartd has; magic 0: unknown */

static void saved_of(const struct ser *s, struct saved *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->magic = SAVED_MAGIC;
	sv->size = sizeof(*sv);
	sv->tio = s->tio;
	sv->ws = s->ws;
}

void persist_restore(struct ser *s)
{
	struct saved sv;
	if (restart_store_get(&sv, sizeof(sv)) != (int)sizeof(sv) || sv.magic != SAVED_MAGIC ||
	    sv.size != sizeof(sv))
		return;
	s->tio = sv.tio; /* before uart_init, which programs the line from it */
	s->ws = sv.ws;
	last = sv;
	ser_log("terminal settings of the previous driver restored");
}

void persist_save(struct ser *s)
{
	struct saved sv;
	saved_of(s, &sv);
	if (!memcmp(&sv, &last, sizeof(sv)))
		return;
	if (restart_store_put(&sv, sizeof(sv)) == 0)
		last = sv;
}
