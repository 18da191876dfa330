/*
 * Wait queues: threads blocked on an event, in priority order (FIFO among
 * equals). All operations need interrupts off.
 */
#pragma once
#include <kernel/list.h>
#include <sched/thread.h>

struct waitq {
	struct list_node head;
};

static inline void waitq_init(struct waitq *q) { list_init(&q->head); }
/* Blocks the running thread on q in state; timeout_tsc 0 = none (else an
 * absolute TSC deadline giving -ETIMEDOUT). Returns the wake result, or
 * -EINTR if the thread is being killed. */
long waitq_sleep(struct waitq *q, enum thread_state state, uint64_t timeout_tsc);
/* Wakes the first (highest-priority) waiter with result; false if none. */
bool waitq_wake_one(struct waitq *q, long result);
void waitq_wake_all(struct waitq *q, long result);
/* Removes t from whatever it waits on (timeout, kill). */
void waitq_remove(struct thread *t);
