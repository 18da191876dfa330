/*
 * InterruptWait and the SIGEV_INTR end of event delivery. A thread waits in
 * STATE_INTR for a SIGEV_INTR from one of its attachments; one that arrives
 * while it is not waiting is latched (one bit, not a count) in
 * t->intr_pending and consumed by the next InterruptWait.
 */
#include <arch/cpu.h>
#include <intr/intr.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/sched.h>

/* STATE_INTR waits on nothing: any signal, timeout or kill may end it. */
static bool intr_unblock(struct thread *t, long err, bool force)
{
	return true;
}

void intr_event_wake(struct thread *t)
{
	if (t->state == STATE_INTR)
		thread_unblock(t, 0, true);
	else
		t->intr_pending = true;
}

long ker_interrupt_wait(int flags, uaddr_t timeout)
{
	if (flags || timeout)
		return -EINVAL; /* no flags defined; timeout is reserved (TimerTimeout instead) */
	struct thread *self = cur_thread();
	long r = 0;
	irqflags_t f = irq_save();
	if (self->intr_pending) {
		self->intr_pending = false;
	} else {
		self->unblock = intr_unblock;
		self->blocked_on = NULL;
		r = sched_block_timeout(STATE_INTR, 0, 0);
		self->unblock = NULL;
	}
	irq_restore(f);
	return r;
}
