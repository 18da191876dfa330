/*
 * Process groups and sessions (kernel/job.c), POSIX rules. Every process
 * has a process group id (p->pgid) and a session (p->session, shared and
 * reference-counted by its members until they are reaped); both are
 * inherited at creation. A session records its controlling terminal, an
 * opaque identity chosen by the terminal's driver, and the terminal's
 * foreground process group, for the driver to consult (job control: which
 * group gets ^C, who may read). Thread context; [k] fields.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>

struct process;

struct session {
	pid_t sid;          /* [I] the leader's pid */
	unsigned refs;      /* [k] member processes, zombies included */
	uint64_t ctty;      /* [k] controlling terminal identity, 0 = none */
	pid_t ctty_server;  /* [k] the process that set it (the tty's driver) */
	pid_t fg_pgrp;      /* [k] foreground group on the ctty, 0 = none */
	struct list_node link; /* [k] in the list of all sessions */
};

/* Called by process_create: child joins parent's group and session; a
 * process without a parent (pid 1) leads a new session and group.
 * 0 or -ENOMEM. */
int job_inherit(struct process *child, struct process *parent);
/* Called when a process is reaped: drops its session reference. */
void job_release(struct process *p);
/* Called when a process's last thread is gone: a session leader with a
 * controlling terminal hangs its foreground group up (SIGHUP, SIGCONT) and
 * the session loses the terminal. */
void job_exit(struct process *p);

/* setpgid(pid, pgid) for self: 0, -EINVAL, -ESRCH, -EPERM, -EACCES. */
int job_setpgid(struct process *self, pid_t pid, pid_t pgid);
/* setsid for self: the new session id, or -EPERM (already a group leader). */
long job_setsid(struct process *self);
/* Whether a live process has group id pgid (in session s, or any if NULL). */
bool job_pgrp_exists(pid_t pgid, const struct session *s);
/* Whether group pgid of session s is orphaned (POSIX): no live member has
 * a parent in another group of the same session. */
bool job_pgrp_orphaned(pid_t pgid, const struct session *s);
/* Sends signo to every live process of group pgid the caller may signal:
 * 0 if at least one got it, else -EPERM (some existed) or -ESRCH. */
int job_signal_pgrp(pid_t pgid, int signo);

/* Controlling terminal, for the terminal's driver (see session struct):
 * makes identity ctty (non-zero) the controlling terminal of the session
 * led by leader: -EPERM if leader does not lead its session or the session
 * has one already, -EBUSY if ctty controls another session. The leader's
 * group becomes the foreground group. */
int session_set_ctty(struct process *leader, uint64_t ctty, pid_t server);
/* The session gives up its terminal (TIOCNOTTY by the leader, or the driver
 * closing the device). */
void session_clear_ctty(struct session *s);
/* tcsetpgrp: pgid must be a group of member's session, which must have a
 * controlling terminal: 0, -ENOTTY, -EPERM. */
int session_set_fg(struct process *member, pid_t pgid);
