/*
 * Waiting for signals: sigsuspend (STATE_SIGSUSPEND) and sigwaitinfo /
 * sigtimedwait (STATE_SIGWAITINFO), shared by the native SignalSuspend and
 * SignalWaitinfo and posix/signal_wait.c; and the siginfo a waiter or a
 * handler receives. Both block on nothing but themselves: signal_post()
 * interrupts them (post.c finds a sigwaitinfo thread through blocked_on,
 * which points at the set it waits for). Thread context.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <sched/sched.h>
#include <signal/signal.h>

void signal_info_fill(struct linux_siginfo *si, const struct sigq *q)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = q->signo;
	si->si_code = q->code;
	if (q->code > 0 && q->code != SI_KERNEL && q->signo != SIGCHLD) {
		si->fault.addr = q->value;
	} else if (q->code == SI_TIMER) { /* pid, uid carry the timer id and overrun */
		si->timer.tid = q->pid;
		si->timer.overrun = (int32_t)q->uid;
		si->timer.value = q->value;
	} else {
		si->kill.pid = q->pid;
		si->kill.uid = q->uid;
		si->kill.value = q->value;
	}
}

static bool deliverable(const struct thread *t)
{
	return (sig_pending_set(t) & ~t->sig_blocked) != 0;
}

long signal_suspend(uint64_t mask)
{
	struct thread *t = cur_thread();
	irqflags_t f = irq_save();
	if (!t->sig_restore_mask)
		t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = mask & ~SIG_UNBLOCKABLE;
	long r = -EINTR;
	while (!deliverable(t) && !(t->flags & TF_KILL)) {
		t->unblock = NULL;
		t->blocked_on = NULL;
		r = sched_block_timeout(STATE_SIGSUSPEND, 0, 0);
		if (r == -ETIMEDOUT)
			break;
		r = -EINTR;
	}
	if (r != -EINTR) {
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
	irq_restore(f);
	return r;
}

long signal_wait(uint64_t set, uint64_t deadline_tsc, bool poll, struct sigq *out)
{
	struct thread *t = cur_thread();
	set &= ~SIG_UNBLOCKABLE;
	irqflags_t f = irq_save();
	long r, none = -EAGAIN;
	for (;;) {
		uint64_t ready = sig_pending_set(t) & set;
		if (ready) {
			int signo = __builtin_ctzll(ready) + 1;
			r = sigq_take(t, signo, out) ? signo : -EAGAIN;
			break;
		}
		if (t->flags & TF_KILL || deliverable(t)) {
			r = -EINTR;
			break;
		}
		if (poll) {
			r = none;
			break;
		}
		t->unblock = NULL;
		t->blocked_on = &set;
		r = sched_block_timeout(STATE_SIGWAITINFO, deadline_tsc, -EAGAIN);
		if (r == -EAGAIN || r == -ETIMEDOUT) {
			none = r;
			poll = true; /* one last look */
			continue;
		}
	}
	irq_restore(f);
	return r;
}
