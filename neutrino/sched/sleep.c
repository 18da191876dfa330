/* Timed sleeps on the per-thread kernel timer (see sched/sleep.h). */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/sched.h>
#include <sched/sleep.h>

static void sleep_expired(struct ktimer *k)
{
	sched_wake(container_of(k, struct thread, timer), 0);
}

long thread_sleep_ns(uint64_t ns)
{
	struct thread *self = cur_thread();
	/* round up so that a sleep never ends early */
	uint64_t ticks = ns_to_tsc(ns) + 1;
	irqflags_t f = irq_save();
	if (self->flags & TF_KILL) {
		irq_restore(f);
		return -EINTR;
	}
	self->timer.fn = sleep_expired;
	ktimer_arm(&self->timer, rdtsc() + ticks);
	long r = sched_block(STATE_NANOSLEEP);
	irq_restore(f);
	return r;
}
