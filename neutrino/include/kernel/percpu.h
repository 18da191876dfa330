/*
 * Per-CPU data. The kernel's GS base points at the running CPU's struct cpu
 * (user GS is swapped in with swapgs at every user/kernel crossing). Only the
 * boot CPU exists today; everything per-CPU lives here so SMP can follow.
 * Fields are touched only by their own CPU; those marked [i] are also written
 * by interrupt handlers, so thread code changes them with interrupts off.
 */
#pragma once
#include <kernel/types.h>
#include <sched/readyq.h>
#include <sched/timerq.h>

struct thread;

struct cpu {
	struct cpu *self;          /* [I] must stay first: this_cpu() reads gs:0 */
	uint64_t kstack_top;       /* top of the current thread's kernel stack (syscall entry) */
	uint64_t user_rsp;         /* syscall entry scratch */
	struct thread *current;    /* the running thread */
	struct thread *idle;       /* [I] this CPU's idle thread (priority 0) */
	struct thread *reap;       /* a dead thread to free once we are off its stack */
	uint32_t id;               /* [I] */
	bool need_resched;         /* [i] a higher-priority thread became ready, or a slice ended */
	bool slice_expired;        /* [i] the current RR thread used up its slice */
	uint64_t slice_deadline;   /* [i] TSC at which the current RR slice ends, 0 = none */
	uint64_t armed_deadline;   /* [i] TSC the one-shot timer is armed for, 0 = none */
	struct readyq rq;          /* [i] ready threads (not the running one) */
	struct thread *handoff;    /* [i] a READY thread not queued: the next pick takes it
	                              unless something outranks it (sched_wake_handoff) */
	bool handoff_kept;         /* [i] handoff outlived a return to user mode: it is the
	                              oldest ready thread of its priority (sched.c) */
	struct timerq tq;          /* [i] pending kernel timers */
	uint64_t nr_switches;
	uint64_t run_since;        /* [i] TSC when the current thread was switched in */
	uint64_t counted_since;    /* [I] TSC from which threads' CPU time is counted */
	uint64_t nr_irqs;
};

extern struct cpu cpu0;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline struct thread *cur_thread(void) { return this_cpu()->current; }

void percpu_init_boot(void);
