/*
 * Wait queues in priority order, with optional absolute timeouts. A blocked
 * thread records its queue so that a timeout or a kill can take it out.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/sched.h>
#include <sched/waitq.h>

long waitq_sleep(struct waitq *q, enum thread_state state, uint64_t timeout_tsc)
{
	struct thread *self = cur_thread();
	if (self->flags & TF_KILL)
		return -EINTR;
	struct list_node *pos = q->head.next;
	while (pos != &q->head && list_entry(pos, struct thread, wq_link)->prio >= self->prio)
		pos = pos->next;
	list_insert_before(pos, &self->wq_link);
	self->waitq = q;
	return sched_block_timeout(state, timeout_tsc, -ETIMEDOUT);
}

void waitq_remove(struct thread *t)
{
	if (t->waitq) {
		list_del(&t->wq_link);
		t->waitq = NULL;
	}
}

bool waitq_wake_one(struct waitq *q, long result)
{
	struct thread *t = list_first(&q->head, struct thread, wq_link);
	if (!t)
		return false;
	waitq_remove(t);
	sched_wake(t, result);
	return true;
}

void waitq_wake_all(struct waitq *q, long result)
{
	while (waitq_wake_one(q, result))
		;
}
