/*
 * The scheduler: 256 priorities, strict preemption, FIFO and round-robin
 * (4 ms slice; SCHED_OTHER behaves as RR) among equals.
 *
 * The kernel is not preemptible: a thread switches only where it blocks, at
 * explicit preemption points, and on its way back to user mode. Interrupt
 * handlers that ready a higher-priority thread set need_resched, which those
 * points act on. All functions here need interrupts off unless they say
 * otherwise.
 */
#pragma once
#include <sched/thread.h>

#define RR_SLICE_NS 4000000ull

void sched_init(void);
/* Makes t READY (tail of its priority) and requests a switch if it outranks
 * the running thread. */
void sched_ready(struct thread *t);
/* Blocks the running thread in state (already queued wherever it waits) and
 * runs the next one; returns when the thread is readied, with its wake_result. */
long sched_block(enum thread_state state);
/* Like sched_block, with a deadline: absolute TSC (0 = none) at which the
 * thread is unblocked with deadline_result. An armed TimerTimeout for this
 * state applies too (the earlier wins, giving -ETIMEDOUT); an immediate one
 * unblocks at once. The caller must have queued the thread where it waits
 * and set t->unblock/blocked_on (or t->waitq) so it can be taken out. */
long sched_block_timeout(enum thread_state state, uint64_t deadline_tsc, long deadline_result);
/* Like sched_wake, for a thread the caller is about to hand the CPU to (it
 * blocks next): the thread is not queued, and the caller's next switch
 * takes it directly if nothing outranks it. Message passing uses it for the
 * client -> server -> client round trip. */
void sched_wake_handoff(struct thread *t, long result);
/* On the way to user mode (the caller did not block after all): a pending
 * handoff thread stays pending if no ready thread of its priority came
 * before it and the running thread needs no slice for it; else it is queued.
 * The next pick resolves it (sched.c). */
void sched_handoff_flush(void);
/* Readies a blocked thread with a result for its sched_block() call. */
void sched_wake(struct thread *t, long result);
/* Acts on need_resched: the running thread goes back to the head of its
 * priority (or the tail when its slice ended) and the best thread runs. */
void sched_preempt(void);
/* On the way to user mode: a round-robin thread with a ready peer of its
 * priority gets a slice timer (peers readied while it was in the kernel do
 * not arm one: the thread often blocks before returning). */
void sched_slice_check(void);
/* Yields to threads of the same priority (tail of its queue). */
void sched_yield(void);
/* Changes a thread's real and effective priority/policy, requeueing and
 * preempting as needed. */
void sched_set_param(struct thread *t, uint8_t prio, uint8_t policy);
/* A preemption point for long kernel loops; interrupts may be on. */
static inline void preempt_point(void);
/* Switches to the next thread for good (the caller is DEAD). */
__noreturn void sched_exit_switch(void);
/* The first switch at boot: becomes the idle thread. */
__noreturn void sched_start(void);

#include <kernel/percpu.h>
#include <arch/cpu.h>
static inline void preempt_point(void)
{
	if (unlikely(this_cpu()->need_resched)) {
		irqflags_t f = irq_save();
		sched_preempt();
		irq_restore(f);
	}
}
