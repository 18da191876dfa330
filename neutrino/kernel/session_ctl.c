/*
 * SessionCtl (sys/nto_session.h): the terminal driver's view of sessions,
 * over kernel/job.c. Decode (privilege, pid, command) then invoke.
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

long ker_session_ctl(int cmd, pid_t pid, uint64_t arg, uaddr_t info_u)
{
	struct process *self = cur_thread()->proc;
	if (!process_is_privileged(self))
		return -EPERM;
	struct process *p = pid ? process_lookup(pid) : self;
	if (!p || p->state != PROC_ALIVE || !p->session)
		return -ESRCH;
	struct session *s = p->session;
	switch (cmd) {
	case _NTO_SESSION_GET: {
		struct _session_info info = {
			.sid = s->sid, .pgid = p->pgid, .fg_pgrp = s->fg_pgrp,
			.ctty_server = s->ctty_server, .ctty = s->ctty,
		};
		return copy_to_user(info_u, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case _NTO_SESSION_SET_CTTY:
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
