/*
 * SessionCtl(): sessions and controlling terminals, for terminal drivers
 * (privileged callers only). Part of sys/neutrino.h. The kernel keeps, per
 * session, the identity of its controlling terminal (a non-zero number the
 * driver chooses, e.g. its device number, recorded with the driver's pid)
 * and the terminal's foreground process group; the driver asks on behalf
 * of the client that sent it an open or a devctl (its pid from
 * ConnectClientInfo / _msg_info).
 *
 *   SessionCtl(_NTO_SESSION_GET, pid, tid, &info)
 *       what the kernel knows about pid's session (pid 0: the caller), and
 *       what job control needs to know about pid's group and, with a
 *       non-zero tid, about that thread of pid (the client thread of a
 *       read or write: _msg_info.tid): the signals pid ignores, the ones
 *       tid blocks (0 if tid is 0 or no such thread), and, when pid is in
 *       a background group of a session with a terminal, whether that
 *       group is orphaned (no member has a parent in another group of the
 *       same session).
 *   SessionCtl(_NTO_SESSION_SET_CTTY, pid, ctty, NULL)
 *       open without O_NOCTTY / TIOCSCTTY: terminal ctty (served by the
 *       caller) becomes the controlling terminal of the session pid leads,
 *       and pid's group its foreground group. EPERM: pid does not lead its
 *       session, or the session has a terminal already; EBUSY: ctty
 *       controls another session.
 *   SessionCtl(_NTO_SESSION_CLEAR_CTTY, pid, ctty, NULL)
 *       TIOCNOTTY by a session leader, or the terminal going away: pid's
 *       session loses terminal ctty. ENOTTY if that is not its terminal.
 *   SessionCtl(_NTO_SESSION_SET_FG, pid, pgid, NULL)
 *       tcsetpgrp from pid: pgid becomes the foreground group of pid's
 *       controlling terminal. ENOTTY: pid's session has no terminal served
 *       by the caller; EPERM: pgid is not a group of that session.
 * Common errors: EPERM (caller not root), ESRCH (no such live process),
 * EINVAL (bad command), EFAULT.
 * When a session leader with a terminal ends, the kernel sends SIGHUP and
 * SIGCONT to the foreground group and the session loses its terminal.
 */
#pragma once

#define _NTO_SESSION_GET 0
#define _NTO_SESSION_SET_CTTY 1
#define _NTO_SESSION_CLEAR_CTTY 2
#define _NTO_SESSION_SET_FG 3

struct _session_info {
	int32_t sid;          /* the session (its leader's pid) */
	int32_t pgid;         /* pid's process group */
	int32_t fg_pgrp;      /* foreground group of the terminal, 0 = none */
	int32_t ctty_server;  /* pid of the terminal's driver, 0 = no terminal */
	uint64_t ctty;        /* the terminal's identity, 0 = none */
	uint64_t sig_ignored; /* bit signo - 1: pid's action is SIG_IGN */
	uint64_t sig_blocked; /* bit signo - 1: thread tid blocks it */
	uint32_t flags;       /* _NTO_SESSION_F_* */
	uint32_t reserved;
};
_Static_assert(sizeof(struct _session_info) == 48, "_session_info layout");

/* _session_info.flags */
#define _NTO_SESSION_F_ORPHANED 0x1 /* pid's background group is orphaned */
