/*
 * The scheduler core: picking the next thread, switching to it, readying,
 * blocking, preemption and round-robin slices. One CPU today; every datum is
 * in struct cpu. All entry points run with interrupts off (see sched.h).
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/platform.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/vm.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <sched/pi.h>
#include <sys/neutrino.h>
#include <sched/sched.h>
#include <signal/signal.h>
#include <sched/waitq.h>

void arch_switch(uint64_t *prev_ksp, uint64_t next_ksp);

static uint64_t slice_tsc;

void sched_init(void)
{
	slice_tsc = ns_to_tsc(RR_SLICE_NS);
	struct cpu *c = this_cpu();
	c->idle = thread_create_idle();
	c->current = c->idle;
}

static struct thread *pick_next(struct cpu *c)
{
	struct thread *h = c->handoff;
	if (h) {
		c->handoff = NULL;
		if ((int)h->prio >= rq_highest(&c->rq))
			return h; /* straight to the thread we just woke: no queueing */
		rq_insert_tail(&c->rq, &h->rq, h->prio);
	}
	struct rq_node *n = rq_pop_highest(&c->rq);
	return n ? container_of(n, struct thread, rq) : c->idle;
}

void sched_handoff_flush(void)
{
	struct cpu *c = this_cpu();
	struct thread *h = c->handoff;
	if (h) {
		c->handoff = NULL;
		rq_insert_tail(&c->rq, &h->rq, h->prio);
	}
}

/* Frees the thread that died just before we switched in. */
void thread_first_run(void)
{
	struct cpu *c = this_cpu();
	struct thread *dead = c->reap;
	if (dead && dead != c->current) {
		c->reap = NULL;
		thread_free(dead);
	}
}

static void switch_to(struct cpu *c, struct thread *prev, struct thread *next)
{
	c->need_resched = false;
	c->slice_expired = false;
	next->state = STATE_RUNNING;
	/* A round-robin slice only matters while a peer of the same priority is
	 * ready; sched_ready() starts one when a peer arrives. */
	uint64_t slice = (next->policy != SCHED_FIFO && next != c->idle &&
			  rq_peek(&c->rq, next->prio)) ? rdtsc() + slice_tsc : 0;
	if (slice || c->slice_deadline) {
		c->slice_deadline = slice;
		timer_reprogram();
	}
	if (next == prev)
		return;
	c->nr_switches++;
	if (!(prev->flags & TF_KTHREAD) && prev->state != STATE_DEAD)
		fpu_save(prev->fpu);
	if (!(next->flags & TF_KTHREAD)) {
		aspace_activate(next->proc->as);
		fpu_restore(next->fpu);
		if (next->fs_base != prev->fs_base || (prev->flags & TF_KTHREAD))
			wrmsr(MSR_FS_BASE, next->fs_base);
	}
	uint64_t top = (uint64_t)next->kstack + KSTACK_SIZE;
	tss_set_rsp0(top);
	c->kstack_top = top;
	c->current = next;
	arch_switch(&prev->ksp, next->ksp);
	thread_first_run();
}

void sched_ready(struct thread *t)
{
	struct cpu *c = this_cpu();
	t->state = STATE_READY;
	rq_insert_tail(&c->rq, &t->rq, t->prio);
	if (t->prio > c->current->prio)
		c->need_resched = true;
}

void sched_slice_check(void)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current;
	if (!c->slice_deadline && cur->policy != SCHED_FIFO && rq_peek(&c->rq, cur->prio)) {
		c->slice_deadline = rdtsc() + slice_tsc; /* a peer is ready: share the CPU */
		timer_reprogram();
	}
}

long sched_block(enum thread_state state)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	self->state = state;
	switch_to(c, self, pick_next(c));
	return self->wake_result;
}

static void block_timer_fired(struct ktimer *k)
{
	struct thread *t = container_of(k, struct thread, timer);
	thread_unblock(t, t->timer_result, false);
}

long sched_block_timeout(enum thread_state state, uint64_t deadline, long deadline_result)
{
	struct thread *self = this_cpu()->current;
	long result = deadline_result;
	if (self->timeout_states & (1u << state)) {
		uint64_t td = self->timeout_tsc;
		self->timeout_states = 0;
		if (self->timeout_notify == SIGEV_UNBLOCK) {
			if (!td || td <= rdtsc()) {
				self->state = state; /* so the unblock function sees it blocked */
				if (self->unblock)
					self->unblock(self, -ETIMEDOUT, true);
				else
					waitq_remove(self);
				pi_revoke(self);
				self->state = STATE_RUNNING;
				return -ETIMEDOUT;
			}
			if (!deadline || td < deadline) {
				deadline = td;
				result = -ETIMEDOUT;
			}
		}
	}
	if (!signal_quiet(self) && state != STATE_SIGSUSPEND && state != STATE_SIGWAITINFO &&
	    signal_interrupts(self)) {
		/* a signal arrived since the call started: don't sleep through it */
		self->state = state;
		bool out = self->unblock ? self->unblock(self, -EINTR, false) : (waitq_remove(self), true);
		if (out) {
			pi_revoke(self);
			self->state = STATE_RUNNING;
			self->unblock = NULL;
			return -EINTR;
		}
	}
	if (deadline) {
		self->timer.fn = block_timer_fired;
		self->timer_result = result;
		ktimer_arm(&self->timer, deadline);
	}
	return sched_block(state);
}

bool thread_unblock(struct thread *t, long err, bool force)
{
	switch (t->state) {
	case STATE_STOPPED:
		if (!(force && t->blocked_on)) /* job-control stop (signal/) yields to kills */
			return false;
		break;
	case STATE_READY:
	case STATE_RUNNING:
	case STATE_DEAD:
		return false;
	default:
		break;
	}
	if (t->unblock) {
		if (!t->unblock(t, err, force))
			return false;
	} else {
		waitq_remove(t);
	}
	pi_revoke(t);
	sched_wake(t, err);
	return true;
}

void sched_wake_handoff(struct thread *t, long result)
{
	if (t->state == STATE_READY || t->state == STATE_RUNNING || t->state == STATE_DEAD)
		return;
	struct cpu *c = this_cpu();
	t->wake_result = result;
	t->unblock = NULL;
	t->blocked_on = NULL;
	ktimer_cancel(&t->timer);
	sched_handoff_flush();
	t->state = STATE_READY;
	c->handoff = t;
	if (t->prio > c->current->prio)
		c->need_resched = true;
}

void sched_wake(struct thread *t, long result)
{
	if (t->state == STATE_READY || t->state == STATE_RUNNING || t->state == STATE_DEAD)
		return;
	t->wake_result = result;
	t->unblock = NULL;
	t->blocked_on = NULL;
	ktimer_cancel(&t->timer);
	sched_ready(t);
}

void sched_preempt(void)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	if (self != c->idle) {
		self->state = STATE_READY;
		if (c->slice_expired)
			rq_insert_tail(&c->rq, &self->rq, self->prio);
		else
			rq_insert_head(&c->rq, &self->rq, self->prio);
	}
	switch_to(c, self, pick_next(c));
}

void sched_yield(void)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	self->state = STATE_READY;
	rq_insert_tail(&c->rq, &self->rq, self->prio);
	switch_to(c, self, pick_next(c));
}

void sched_set_param(struct thread *t, uint8_t prio, uint8_t policy)
{
	t->policy = policy;
	t->real_prio = t->base_prio = prio;
	pi_recompute(t);
}

void sched_exit_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	self->state = STATE_DEAD;
	c->reap = self;
	switch_to(c, self, pick_next(c));
	panic("a dead thread was scheduled");
}

static void idle_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		irq_disable();
		if (c->need_resched || rq_count(&c->rq) || c->handoff)
			sched_preempt();
		else
			__asm__ volatile("sti; hlt" ::: "memory");
	}
}

void sched_start(void)
{
	irq_enable();
	idle_loop();
	__builtin_unreachable();
}
