/* Timed sleeps (see sched/sleep.h): blocked in STATE_NANOSLEEP on nothing
 * but the thread's own timer; a TimerTimeout(NANOSLEEP) can cut it short. */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/sched.h>
#include <sched/sleep.h>

long thread_sleep_ns(uint64_t ns)
{
	struct thread *self = cur_thread();
	/* round up so that a sleep never ends early */
	uint64_t deadline = rdtsc() + ns_to_tsc(ns) + 1;
	irqflags_t f = irq_save();
	long r = -EINTR;
	if (!(self->flags & TF_KILL))
		r = sched_block_timeout(STATE_NANOSLEEP, deadline, 0);
	irq_restore(f);
	return r;
}
