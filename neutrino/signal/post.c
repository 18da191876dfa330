/*
 * Posting signals: the generation side. signal_post() (kernel/event.h) is
 * the entry for events (timers, interrupts, MsgDeliverEvent) and may run in
 * an interrupt handler; signal_send() is kill/tkill/SignalKill from a
 * thread, with the permission check.
 *
 * A process-directed signal stays in the process's pending set; one thread
 * that can take it is chosen and, if blocked in a kernel call, interrupted
 * with EINTR (a thread in sigwaitinfo for it first, then the caller, then
 * any thread not blocking it). Side effects at posting time: a stop signal
 * discards a pending SIGCONT; SIGCONT discards pending stop signals and
 * resumes a stopped process; SIGKILL resumes it too and forces its victim
 * out of any blocking state. A signal whose action is to ignore it, sent
 * to a thread that does not block it, is discarded. signal_fault() lets
 * trap.c hand a synchronous fault to a handler.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <sched/sched.h>
#include <signal/signal.h>

static bool waits_for(const struct thread *t, uint64_t bit)
{
	return t->state == STATE_SIGWAITINFO && t->blocked_on &&
	       (*(const uint64_t *)t->blocked_on & bit);
}

static struct thread *pick_thread(struct process *p, uint64_t bit)
{
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (waits_for(t, bit))
			return t;
	}
	struct thread *self = cur_thread();
	if (self->proc == p && !(self->sig_blocked & bit))
		return self;
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->state != STATE_DEAD && !(t->sig_blocked & bit))
			return t;
	}
	return NULL;
}

static bool ignored(const struct process *p, int signo)
{
	if (signo == SIGKILL || signo == SIGSTOP)
		return false;
	const struct sig_proc *sp = p->sig;
	uint64_t h = sp ? sp->act[signo - 1].handler : SIG_DFL;
	return h == SIG_IGN || (h == SIG_DFL && signal_is_default_ignored(signo));
}

void signal_continue(struct process *p)
{
	struct sig_proc *sp = p->sig;
	if (!sp || !sp->stopped)
		return;
	sp->stopped = false;
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->state == STATE_STOPPED && t->blocked_on == sp)
			sched_wake(t, 0);
	}
}

int signal_post_info(struct process *p, struct thread *t, const struct sigq *info)
{
	int signo = info->signo;
	uint64_t bit = SIG_BIT(signo);
	if (p->state != PROC_ALIVE || p->exiting || !p->nthreads)
		return 0; /* dying: nothing more to deliver */
	if (bit & SIG_STOPS)
		sigq_discard(p, SIG_BIT(SIGCONT));
	if (signo == SIGCONT) {
		sigq_discard(p, SIG_STOPS);
		if (p->sig && p->sig->stopped)
			process_job_continued(p); /* the parent learns of it (wait, SIGCHLD) */
		signal_continue(p);
	}
	if (signo == SIGKILL)
		signal_continue(p);

	struct thread *target = t ? t : pick_thread(p, bit);
	bool blocked = target ? (target->sig_blocked & bit) || waits_for(target, bit) : true;
	if (!blocked && ignored(p, signo))
		return 0;

	struct sig_proc *sp = p->sig;
	int e;
	if (t)
		e = sigq_add(sp, &t->sig_pending, &t->sig_queue, info);
	else if (sp)
		e = sigq_add(sp, &sp->pending, &sp->queue, info);
	else if (target)
		e = sigq_add(NULL, &target->sig_pending, &target->sig_queue, info);
	else
		return 0; /* no state and every thread blocks it: cannot be kept */
	if (e)
		return e;
	if (target && (!(target->sig_blocked & bit) || waits_for(target, bit)))
		thread_unblock(target, -EINTR, signo == SIGKILL);
	return 0;
}

int signal_post(struct process *p, struct thread *t, int signo, int code, uint64_t value)
{
	if (!sig_valid(signo))
		return -EINVAL;
	struct sigq info = { .signo = signo, .code = code, .value = value };
	irqflags_t f = irq_save();
	int e = signal_post_info(p, t, &info);
	irq_restore(f);
	return e;
}

int signal_send(struct process *p, struct thread *t, int signo, int code, uint64_t value)
{
	struct process *self = cur_thread()->proc;
	if (signo < 0 || signo > SIG_MAX)
		return -EINVAL;
	if (self->uid != 0 && self->uid != p->uid)
		return -EPERM;
	if (signo == 0)
		return 0;
	if (!signal_proc_get(p))
		return -ENOMEM;
	struct sigq info = {
		.signo = signo, .code = code, .pid = self->pid, .uid = self->uid, .value = value,
	};
	irqflags_t f = irq_save();
	int e = signal_post_info(p, t, &info);
	irq_restore(f);
	return e;
}

bool signal_fault(struct thread *t, int signo, int code, uint64_t addr)
{
	struct sig_proc *sp = t->proc->sig;
	if (!sp || !sig_valid(signo) || (t->sig_blocked & SIG_BIT(signo)))
		return false;
	uint64_t h = sp->act[signo - 1].handler;
	if (h == SIG_DFL || h == SIG_IGN)
		return false;
	struct sigq info = { .signo = signo, .code = code, .value = addr };
	irqflags_t f = irq_save();
	int e = sigq_add(sp, &t->sig_pending, &t->sig_queue, &info);
	irq_restore(f);
	return e == 0;
}
