/*
 * Kernel timers on the per-CPU timer queue, driving the one-shot hardware
 * timer (tickless). Deadlines are absolute TSC values. A timer's function
 * runs from the timer interrupt with interrupts off: it may ready threads and
 * re-arm timers, nothing else.
 */
#pragma once
#include <kernel/types.h>
#include <sched/timerq.h>

struct ktimer {
	struct timerq_node node;
	void (*fn)(struct ktimer *t);
};

void timer_init(void);
/* Arms (or re-arms) t for deadline_tsc. Interrupts must be off. */
void ktimer_arm(struct ktimer *t, uint64_t deadline_tsc);
/* Disarms t if it is pending. Interrupts must be off. */
void ktimer_cancel(struct ktimer *t);
/* Reprograms the hardware for the earliest of the queue head and the RR slice end. */
void timer_reprogram(void);
