/*
 * devc-ser8250: the terminal as a controlling terminal, over the kernel's
 * sessions (SessionCtl, sys/nto_session.h). The kernel records which
 * session the tty controls (identity: the device number, with this
 * driver's pid) and its foreground group; the driver asks and acts on
 * behalf of the client of each request (its pid and tid from the message
 * info), with Linux's rules:
 *   - an open without O_NOCTTY by a session leader with no terminal makes
 *     the tty its controlling terminal if no other session has it;
 *   - TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID only through the
 *     caller's own controlling terminal (ENOTTY otherwise);
 *   - job control: a member of a background group of the tty's session that
 *     reads (SIGTTIN), changes the terminal or writes with TOSTOP (SIGTTOU)
 *     has its group signalled and the request fails with EINTR, which the
 *     client's kernel restarts once the group is continued; with the
 *     signal ignored or blocked a read fails with EIO and a change goes
 *     ahead; an orphaned group gets EIO.
 * The driver remembers the session it gave the tty to (ser.sid) only to
 * find the terminal's foreground group for the signal characters; the
 * kernel's record decides. Called by io.c, devctl.c and tty_in.c.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "ser.h"

static pid_t self_pid;

static uint64_t ctty_id(void)
{
	return (uint64_t)ser.attr.rdev;
}

static pid_t self(void)
{
	if (!self_pid)
		self_pid = getpid();
	return self_pid;
}

static bool is_ours(const struct _session_info *si)
{
	return si->ctty == ctty_id() && si->ctty_server == self();
}

/* pid's session if this tty is its controlling terminal (tid: the thread
 * whose blocked signals to report, 0: none). */
static bool ctty_of(pid_t pid, int tid, struct _session_info *si)
{
	return SessionCtl(_NTO_SESSION_GET, pid, (uint64_t)(unsigned)tid, si) == 0 && is_ours(si);
}

/* The foreground group of the session the tty controls, 0: none. */
static pid_t fg_pgrp(struct ser *s)
{
	struct _session_info si;
	if (s->sid > 0 && ctty_of(s->sid, 0, &si))
		return si.fg_pgrp;
	s->sid = 0; /* the session ended or gave the tty up */
	return 0;
}

void tty_open_ctty(resmgr_context_t *ctp)
{
	pid_t pid = ctp->info.pid;
	/* EPERM: not a leader, or it has a terminal; EBUSY: another session
	 * has this one. Either way the open goes ahead. */
	if (SessionCtl(_NTO_SESSION_SET_CTTY, pid, ctty_id(), NULL) == 0) {
		ser.sid = pid;
		ser_log("controlling tty of session %d", pid);
	}
}

int tty_set_ctty(resmgr_context_t *ctp, bool steal)
{
	pid_t pid = ctp->info.pid;
	struct _session_info si;
	if (SessionCtl(_NTO_SESSION_GET, pid, 0, &si) == -1)
		return errno;
	if (si.sid == pid && is_ours(&si))
		return EOK;
	if (si.sid != pid || si.ctty)
		return EPERM;
	if (SessionCtl(_NTO_SESSION_SET_CTTY, pid, ctty_id(), NULL) == -1) {
		if (errno != EBUSY || !steal || ser.sid <= 0)
			return EPERM;
		/* root takes it from the session that has it */
		if (SessionCtl(_NTO_SESSION_CLEAR_CTTY, ser.sid, ctty_id(), NULL) == -1 ||
		    SessionCtl(_NTO_SESSION_SET_CTTY, pid, ctty_id(), NULL) == -1)
			return EPERM;
	}
	ser.sid = pid;
	return EOK;
}

int tty_give_up(resmgr_context_t *ctp)
{
	pid_t pid = ctp->info.pid;
	struct _session_info si;
	if (!ctty_of(pid, 0, &si))
		return ENOTTY;
	if (si.sid != pid)
		return EOK; /* a member stays in its session: terminals are per session */
	if (si.fg_pgrp > 0) {
		kill(-si.fg_pgrp, SIGHUP);
		kill(-si.fg_pgrp, SIGCONT);
	}
	if (SessionCtl(_NTO_SESSION_CLEAR_CTTY, pid, ctty_id(), NULL) == -1)
		return errno;
	if (ser.sid == pid)
		ser.sid = 0;
	return EOK;
}

int tty_get_pgrp(resmgr_context_t *ctp, bool session, int32_t *out)
{
	struct _session_info si;
	if (!ctty_of(ctp->info.pid, 0, &si))
		return ENOTTY;
	*out = session ? si.sid : si.fg_pgrp;
	return EOK;
}

int tty_set_pgrp(resmgr_context_t *ctp, pid_t pgrp)
{
	int r = tty_job_check(ctp, SIGTTOU);
	if (r)
		return r == EIO ? ENOTTY : r;
	if (SessionCtl(_NTO_SESSION_SET_FG, ctp->info.pid, (uint64_t)(int64_t)pgrp, NULL) == -1)
		return errno;
	return EOK;
}

bool tty_is_ctty_of(resmgr_context_t *ctp)
{
	struct _session_info si;
	return ctty_of(ctp->info.pid, 0, &si);
}

int tty_job_check(resmgr_context_t *ctp, int signo)
{
	struct _session_info si;
	if (!ctty_of(ctp->info.pid, ctp->info.tid, &si))
		return EOK; /* not its controlling terminal: no job control */
	if (!si.fg_pgrp || si.pgid == si.fg_pgrp)
		return EOK;
	uint64_t bit = 1ull << (signo - 1);
	if ((si.sig_ignored | si.sig_blocked) & bit)
		return signo == SIGTTIN ? EIO : EOK;
	if (si.flags & _NTO_SESSION_F_ORPHANED)
		return EIO;
	kill(-si.pgid, signo);
	return EINTR;
}

void tty_signal(struct ser *s, int signo)
{
	pid_t pg = fg_pgrp(s);
	if (pg > 0)
		kill(-pg, signo);
	else if (s->last_reader > 0)
		kill(s->last_reader, signo);
}

void tty_signal_fg(struct ser *s, int signo)
{
	pid_t pg = fg_pgrp(s);
	if (pg > 0)
		kill(-pg, signo);
}
