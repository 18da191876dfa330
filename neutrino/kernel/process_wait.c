/*
 * Parents and children: what a parent learns and when. A child that ends
 * becomes a zombie holding its wait status until the parent collects it
 * (or is freed at once when the parent ignores SIGCHLD or set
 * SA_NOCLDWAIT); job-control stops and continues are recorded in
 * p->job_status until waited for. Each event wakes the parent's waiters
 * and sends it SIGCHLD with Linux's siginfo (si_code CLD_*, si_pid, si_uid,
 * si_status). Called by process.c (exit), signal/ (stop, continue) and the
 * wait calls: ProcWait, wait4, waitid.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/process.h>
#include <sched/sched.h>
#include <signal/signal.h>

enum { CLD_EXITED = 1, CLD_KILLED, CLD_DUMPED, CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED };

#define JOB_CONTINUED 0xffff

static uint64_t chld_flags(const struct process *parent, uint64_t *handler)
{
	const struct sig_proc *sp = parent->sig;
	*handler = sp ? sp->act[SIGCHLD - 1].handler : SIG_DFL;
	return sp ? sp->act[SIGCHLD - 1].flags : 0;
}

static int status_code(int status, int *si_status)
{
	if ((status & 0x7f) == 0) {
		*si_status = (status >> 8) & 0xff;
		return CLD_EXITED;
	}
	*si_status = status & 0x7f;
	return (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
}

/* Wakes parent's waiters and queues SIGCHLD about child. Interrupts off. */
static void tell_parent(struct process *parent, struct process *child, int code, int si_status)
{
	waitq_wake_all(&parent->child_wait, 0);
	struct sigq info = {
		.signo = SIGCHLD, .code = code, .pid = child->pid, .uid = child->ruid,
		.value = (uint32_t)si_status,
	};
	signal_post_info(parent, NULL, &info);
}

void process_notify_parent(struct process *p)
{
	struct process *parent = p->parent;
	if (!parent) {
		process_reap(p);
		return;
	}
	uint64_t handler, flags = chld_flags(parent, &handler);
	irqflags_t f = irq_save();
	if (handler == SIG_IGN || (flags & SA_NOCLDWAIT)) {
		/* nobody will wait: no zombie (wait then reports ECHILD) */
		waitq_wake_all(&parent->child_wait, 0);
		irq_restore(f);
		process_reap(p);
		return;
	}
	int si_status, code = status_code(p->exit_status, &si_status);
	tell_parent(parent, p, code, si_status);
	irq_restore(f);
}

static void job_event(struct process *p, int status, int code, int si_status)
{
	struct process *parent = p->parent;
	irqflags_t f = irq_save();
	p->job_status = status;
	if (parent) {
		uint64_t handler, flags = chld_flags(parent, &handler);
		if (flags & SA_NOCLDSTOP)
			waitq_wake_all(&parent->child_wait, 0);
		else
			tell_parent(parent, p, code, si_status);
	}
	irq_restore(f);
}

void process_job_stopped(struct process *p, int signo)
{
	job_event(p, 0x7f | (signo << 8), CLD_STOPPED, signo);
}

void process_job_continued(struct process *p)
{
	job_event(p, JOB_CONTINUED, CLD_CONTINUED, SIGCONT);
}

static bool selected(const struct process *c, pid_t sel, unsigned flags)
{
	if (flags & PW_PGID)
		return c->pgid == sel;
	return sel == -1 || c->pid == sel;
}

/* The event child c has for a waiter with flags, consumed unless
 * PW_NOWAIT. false if none. Interrupts off. */
static bool take_event(struct process *c, unsigned flags, struct proc_wait_result *res)
{
	res->pid = c->pid;
	res->uid = c->ruid;
	if (c->state == PROC_ZOMBIE) {
		if (!(flags & PW_EXITED))
			return false;
		int si_status;
		res->status = c->exit_status;
		res->code = status_code(c->exit_status, &si_status);
		res->cpu_tsc = c->cpu_tsc + c->child_cpu_tsc;
		if (!(flags & PW_NOWAIT)) {
			c->parent->child_cpu_tsc += res->cpu_tsc; /* times(), RUSAGE_CHILDREN */
			process_reap(c);
		}
		return true;
	}
	int js = c->job_status;
	bool stop = (js & 0xff) == 0x7f, cont = js == JOB_CONTINUED;
	bool take = (stop && (flags & PW_STOPPED)) || (cont && (flags & PW_CONTINUED));
	if (take && !(flags & PW_NOWAIT))
		c->job_status = 0;
	if (!take)
		return false;
	res->status = js;
	res->cpu_tsc = 0;
	res->code = stop ? CLD_STOPPED : CLD_CONTINUED;
	return true;
}

long process_wait_ex(struct process *self, pid_t sel, unsigned flags, struct proc_wait_result *res)
{
	/* interrupts stay off from the scan to the sleep: a stop or continue
	 * posted by an interrupt handler in between would be missed */
	irqflags_t f = irq_save();
	for (;;) {
		bool have_child = false;
		list_for_each_safe(pos, tmp, &self->children) {
			struct process *c = list_entry(pos, struct process, sibling);
			if (!selected(c, sel, flags))
				continue;
			have_child = true;
			if (take_event(c, flags, res)) {
				irq_restore(f);
				return res->pid;
			}
		}
		long r = !have_child ? -ECHILD : (flags & PW_NOHANG) ? 0 : 1;
		if (r == 1) {
			r = waitq_sleep(&self->child_wait, STATE_WAITCHILD, 0);
			if (r != -EINTR && r != -ETIMEDOUT)
				continue;
		}
		irq_restore(f);
		return r;
	}
}

long process_wait(struct process *self, pid_t pid, int *status, bool nohang)
{
	struct proc_wait_result res;
	if (pid == 0 || pid < -1)
		return -EINVAL;
	long r = process_wait_ex(self, pid, PW_EXITED | (nohang ? PW_NOHANG : 0), &res);
	if (r > 0)
		*status = res.status;
	return r;
}
