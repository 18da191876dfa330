/*
 * SessionCtl (sys/nto_session.h): the terminal driver's view of sessions,
 * over kernel/job.c, and of a client's signal state for job control (the
 * driver stops background readers and writers with SIGTTIN/SIGTTOU unless
 * they ignore or block them). Decode (privilege, pid, command) then invoke.
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

/* What job control asks about a client: ignored and blocked signals. */
static void sig_state(struct process *p, tid_t tid, struct _session_info *info)
{
	const struct sig_proc *sp = p->sig;
	for (int signo = 1; sp && signo <= SIG_MAX; signo++)
		if (sp->act[signo - 1].handler == SIG_IGN)
			info->sig_ignored |= SIG_BIT(signo);
	struct thread *t = tid > 0 ? thread_lookup(p, tid) : NULL;
	info->sig_blocked = t ? t->sig_blocked : 0;
}

/* A terminal whose server died belongs to the next server that acts on the
 * session: the restarted driver (docs/restart.md) keeps the session's
 * terminal and foreground group. Only privileged callers get here. */
static void adopt_if_server_dead(struct session *s, const struct process *self)
{
	if (!s->ctty || s->ctty_server == self->pid)
		return;
	struct process *d = process_lookup(s->ctty_server);
	if (!d || d->state != PROC_ALIVE)
		s->ctty_server = self->pid;
}

long ker_session_ctl(int cmd, pid_t pid, uint64_t arg, uaddr_t info_u)
{
	struct process *self = cur_thread()->proc;
	if (!process_is_privileged(self))
		return -EPERM;
	struct process *p = pid ? process_lookup(pid) : self;
	if (!p || p->state != PROC_ALIVE || !p->session)
		return -ESRCH;
	struct session *s = p->session;
	if (cmd != _NTO_SESSION_GET)
		adopt_if_server_dead(s, self);
	switch (cmd) {
	case _NTO_SESSION_GET: {
		struct _session_info info = {
			.sid = s->sid, .pgid = p->pgid, .fg_pgrp = s->fg_pgrp,
			.ctty_server = s->ctty_server, .ctty = s->ctty,
		};
		sig_state(p, (tid_t)arg, &info);
		/* a scan of every process (with preemption points: p and s are
		 * not used after it), only where job control asks */
		if (s->ctty && p->pgid != s->fg_pgrp && job_pgrp_orphaned(p->pgid, s))
			info.flags |= _NTO_SESSION_F_ORPHANED;
		return copy_to_user(info_u, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case _NTO_SESSION_SET_CTTY:
		if (s->ctty && s->ctty == arg && s->ctty_server == self->pid && s->sid == p->pid)
			return 0; /* already its terminal (e.g. adopted after a restart) */
		return session_set_ctty(p, arg, self->pid);
	case _NTO_SESSION_CLEAR_CTTY:
		if (!s->ctty || s->ctty != arg || s->ctty_server != self->pid)
			return -ENOTTY;
		session_clear_ctty(s);
		return 0;
	case _NTO_SESSION_SET_FG:
		if (s->ctty_server != self->pid)
			return -ENOTTY;
		return session_set_fg(p, (pid_t)arg);
	default:
		return -EINVAL;
	}
}
