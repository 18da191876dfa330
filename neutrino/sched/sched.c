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
	c->run_since = c->counted_since = rdtsc();
}

/*
 * The handoff thread (c->handoff) is READY but not queued. Woken in the
 * current kernel call, it comes before the ready threads of its priority
 * (the waker blocks next: a direct switch) and after them once queued. Kept
 * pending through a return to user mode (sched_handoff_flush), it is the
 * oldest ready thread of its priority: every thread queued there since came
 * after it, so it is queued at the head.
 */
static void handoff_queue(struct cpu *c)
{
	struct thread *h = c->handoff;
	c->handoff = NULL;
	if (c->handoff_kept) {
		c->handoff_kept = false;
		rq_insert_head(&c->rq, &h->rq, h->prio);
	} else {
		rq_insert_tail(&c->rq, &h->rq, h->prio);
	}
}

/* No ready thread is queued above priority p. */
static inline bool rq_none_above(const struct readyq *q, unsigned p)
{
	unsigned w = p / 64;
	if (q->summary >> (w + 1))
		return false;
	return !((q->map[w] >> (p % 64)) >> 1);
}

static __attribute__((always_inline)) inline struct thread *pick_next(struct cpu *c)
{
	struct thread *h = c->handoff;
	if (h) {
		if (rq_none_above(&c->rq, h->prio)) {
			c->handoff = NULL; /* straight to the thread we woke: no queueing */
			c->handoff_kept = false;
			return h;
		}
		handoff_queue(c);
	}
	struct rq_node *n = rq_pop_highest(&c->rq);
	return n ? container_of(n, struct thread, rq) : c->idle;
}

void sched_handoff_flush(void)
{
	struct cpu *c = this_cpu();
	struct thread *h = c->handoff, *cur = c->current;
	if (!h || c->handoff_kept)
		return;
	/* It may stay pending if no ready thread of its priority came before it
	 * and the running thread needs no round-robin slice on its account. */
	if (!c->rq.list[h->prio].first && (h->prio < cur->prio || cur->policy == SCHED_FIFO))
		c->handoff_kept = true;
	else
		handoff_queue(c);
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

static __attribute__((always_inline)) inline void switch_to(struct cpu *c, struct thread *prev,
							      struct thread *next)
{
	c->need_resched = false;
	c->slice_expired = false;
	next->state = STATE_RUNNING;
	/* A round-robin slice only matters while a peer of the same priority is
	 * ready; sched_ready() starts one when a peer arrives. */
	if (unlikely(next->policy != SCHED_FIFO || c->slice_deadline)) {
		uint64_t slice = (next->policy != SCHED_FIFO && next != c->idle &&
				  rq_peek(&c->rq, next->prio)) ? rdtsc() + slice_tsc : 0;
		if (slice || c->slice_deadline) {
			c->slice_deadline = slice;
			timer_reprogram();
		}
	}
	if (next == prev)
		return;
	c->nr_switches++;
	uint64_t now = rdtsc(); /* CPU time: prev ran since run_since */
	prev->cpu_tsc += now - c->run_since;
	c->run_since = now;
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
	bool peer = rq_peek(&c->rq, cur->prio) || (c->handoff && c->handoff->prio == cur->prio);
	if (!c->slice_deadline && cur->policy != SCHED_FIFO && peer) {
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

/* sched_block_timeout with a deadline, a TimerTimeout or a signal to look at. */
static __attribute__((noinline)) long block_timeout_slow(struct thread *self,
							 enum thread_state state,
							 uint64_t deadline, long deadline_result)
{
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

long sched_block_timeout(enum thread_state state, uint64_t deadline, long deadline_result)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	if (unlikely((self->timeout_states & (1u << state)) || deadline || !signal_quiet(self)))
		return block_timeout_slow(self, state, deadline, deadline_result);
	self->state = state;
	switch_to(c, self, pick_next(c));
	return self->wake_result;
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
	if (t->timer.node.queued)
		ktimer_cancel(&t->timer);
	if (c->handoff)
		handoff_queue(c);
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
	if (t->timer.node.queued)
		ktimer_cancel(&t->timer);
	sched_ready(t);
}

void sched_preempt(void)
{
	struct cpu *c = this_cpu();
	struct thread *self = c->current;
	if (self != c->idle) {
		if (c->handoff && c->handoff->prio == self->prio)
			handoff_queue(c); /* first, so that self, which was running, goes ahead */
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
