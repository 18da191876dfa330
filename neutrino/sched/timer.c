/*
 * Kernel timers and the timer interrupt. Tickless: the one-shot hardware
 * timer is armed for the earliest of the timer-queue head and the running
 * round-robin thread's slice end, and only re-armed when that changes.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/percpu.h>
#include <sched/timer.h>

void timer_reprogram(void)
{
	struct cpu *c = this_cpu();
	struct timerq_node *n = tq_peek(&c->tq);
	uint64_t d = n ? n->deadline : 0;
	if (c->slice_deadline && (!d || c->slice_deadline < d))
		d = c->slice_deadline;
	if (d == c->armed_deadline)
		return;
	c->armed_deadline = d;
	if (d)
		timer_hw_arm(d);
	else
		timer_hw_disarm();
}

void ktimer_arm(struct ktimer *t, uint64_t deadline_tsc)
{
	struct cpu *c = this_cpu();
	tq_remove(&c->tq, &t->node);
	tq_insert(&c->tq, &t->node, deadline_tsc);
	timer_reprogram();
}

void ktimer_cancel(struct ktimer *t)
{
	if (tq_remove(&this_cpu()->tq, &t->node))
		timer_reprogram();
}

static void timer_interrupt(struct trapframe *tf, unsigned v)
{
	struct cpu *c = this_cpu();
	uint64_t now = rdtsc();
	struct timerq_node *n;
	c->armed_deadline = 0;
	while ((n = tq_pop_expired(&c->tq, now))) {
		struct ktimer *k = container_of(n, struct ktimer, node);
		k->fn(k);
	}
	if (c->slice_deadline && now >= c->slice_deadline) {
		c->slice_deadline = 0;
		c->slice_expired = true;
		c->need_resched = true;
	}
	timer_reprogram();
}

void timer_init(void)
{
	trap_set_handler(VEC_LAPIC_TIMER, timer_interrupt);
}
