/*
 * Process groups and sessions (see kernel/job.h). Groups are not objects:
 * a group exists while some live process carries its id, so group queries
 * scan the pid table (bounded by PID_MAX, with preemption points; no
 * process is freed while a scan is preempted because scans never hold a
 * process across one). Sessions are small reference-counted objects.
 */
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <sched/sched.h>
#include <signal/signal.h>

static struct list_node sessions = LIST_INIT(sessions);

static struct session *session_new(pid_t sid)
{
	struct session *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->sid = sid;
	s->refs = 1;
	list_add_tail(&sessions, &s->link);
	return s;
}

static void session_put(struct session *s)
{
	if (--s->refs)
		return;
	list_del(&s->link);
	kfree(s);
}

int job_inherit(struct process *child, struct process *parent)
{
	if (parent) {
		child->pgid = parent->pgid;
		child->session = parent->session;
		child->session->refs++;
		return 0;
	}
	child->session = session_new(child->pid);
	if (!child->session)
		return -ENOMEM;
	child->pgid = child->pid;
	return 0;
}

void job_release(struct process *p)
{
	if (p->session)
		session_put(p->session);
	p->session = NULL;
}

/* The next process after *pos in pid order (live or zombie), or NULL. */
static struct process *scan_next(pid_t *pos)
{
	while (++*pos < PID_MAX) {
		if ((*pos & 1023) == 0)
			preempt_point();
		struct process *p = process_lookup(*pos);
		if (p)
			return p;
	}
	return NULL;
}

bool job_pgrp_exists(pid_t pgid, const struct session *s)
{
	pid_t pos = 0;
	for (struct process *p; (p = scan_next(&pos));)
		if (p->state == PROC_ALIVE && p->pgid == pgid && (!s || p->session == s))
			return true;
	return false;
}

bool job_pgrp_orphaned(pid_t pgid, const struct session *s)
{
	pid_t pos = 0;
	for (struct process *p; (p = scan_next(&pos));) {
		if (p->state != PROC_ALIVE || p->pgid != pgid || p->session != s)
			continue;
		struct process *q = p->parent;
		if (q && q->state == PROC_ALIVE && q->pgid != pgid && q->session == s)
			return false;
	}
	return true;
}

int job_signal_pgrp(pid_t pgid, int signo)
{
	int r = -ESRCH;
	pid_t pos = 0;
	for (struct process *p; (p = scan_next(&pos));) {
		if (p->state != PROC_ALIVE || p->pgid != pgid)
			continue;
		int e = signal_send(p, NULL, signo, SI_USER, 0);
		if (e == 0)
			r = 0;
		else if (r == -ESRCH)
			r = e;
	}
	return r;
}

int job_setpgid(struct process *self, pid_t pid, pid_t pgid)
{
	if (pgid < 0 || pid < 0)
		return -EINVAL;
	struct process *p = pid ? process_lookup(pid) : self;
	if (!p || p->state != PROC_ALIVE || (p != self && p->parent != self))
		return -ESRCH;
	if (p->session != self->session)
		return -EPERM;
	if (p != self && p->did_exec)
		return -EACCES;
	if (p->pid == p->session->sid)
		return -EPERM; /* a session leader stays in its group */
	if (!pgid)
		pgid = p->pid;
	if (pgid != p->pid && !job_pgrp_exists(pgid, self->session))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

long job_setsid(struct process *self)
{
	if (job_pgrp_exists(self->pid, NULL))
		return -EPERM; /* it leads a group (or its id is some group's) */
	struct session *s = session_new(self->pid);
	if (!s)
		return -ENOMEM;
	session_put(self->session);
	self->session = s;
	self->pgid = self->pid;
	return self->pid;
}

void job_exit(struct process *p)
{
	struct session *s = p->session;
	if (!s || s->sid != p->pid || !s->ctty)
		return;
	pid_t fg = s->fg_pgrp;
	session_clear_ctty(s);
	if (!fg)
		return;
	pid_t pos = 0;
	for (struct process *q; (q = scan_next(&pos));) {
		if (q->state == PROC_ALIVE && q->pgid == fg && q != p && signal_post) {
			signal_post(q, NULL, SIGHUP, SI_KERNEL, 0);
			signal_post(q, NULL, SIGCONT, SI_KERNEL, 0);
		}
	}
}

int session_set_ctty(struct process *leader, uint64_t ctty, pid_t server)
{
	struct session *s = leader->session;
	if (!ctty || s->sid != leader->pid || s->ctty)
		return -EPERM;
	list_for_each(pos, &sessions) {
		struct session *o = list_entry(pos, struct session, link);
		if (o->ctty == ctty && o->ctty_server == server)
			return -EBUSY;
	}
	s->ctty = ctty;
	s->ctty_server = server;
	s->fg_pgrp = leader->pgid;
	return 0;
}

void session_clear_ctty(struct session *s)
{
	s->ctty = 0;
	s->ctty_server = 0;
	s->fg_pgrp = 0;
}

int session_set_fg(struct process *member, pid_t pgid)
{
	struct session *s = member->session;
	if (!s->ctty)
		return -ENOTTY;
	if (pgid <= 0)
		return -EINVAL;
	if (!job_pgrp_exists(pgid, s))
		return -EPERM;
	s->fg_pgrp = pgid;
	return 0;
}
