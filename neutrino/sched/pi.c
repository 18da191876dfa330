/*
 * Priority inheritance (see sched/pi.h). Donor lists are short in practice
 * (the waiters of the mutexes a thread holds, the clients whose messages it
 * serves), so the maximum is recomputed by a walk; the walk along a chain
 * is bounded by PI_MAX_CHAIN.
 */
#include <kernel/percpu.h>
#include <sched/pi.h>
#include <sched/sched.h>
#include <sched/waitq.h>

static uint8_t compute_prio(const struct thread *t)
{
	uint8_t p = MAX(t->base_prio, MAX(t->boost_prio, t->ceiling_prio));
	list_for_each(pos, &t->donors) {
		const struct thread *d = list_entry(pos, struct thread, donor_link);
		if (d->prio > p)
			p = d->prio;
	}
	return p;
}

/* Moves t to the place its new priority gives it. */
static void requeue(struct thread *t, uint8_t old)
{
	struct cpu *c = this_cpu();
	if (t == c->handoff || (t->state == STATE_READY && rq_node_queued(&t->rq))) {
		if (t == c->handoff) { /* READY, not queued (sched.c): queued like the others */
			c->handoff = NULL;
			c->handoff_kept = false;
		}
		rq_remove(&c->rq, &t->rq);
		rq_insert_tail(&c->rq, &t->rq, t->prio);
		if (t->prio > c->current->prio)
			c->need_resched = true;
	} else if (t == c->current) {
		struct thread *h = c->handoff;
		if (t->prio < old && (rq_highest(&c->rq) > (int)t->prio || (h && h->prio > t->prio)))
			c->need_resched = true;
	} else if (t->waitq) {
		struct waitq *q = t->waitq;
		list_del(&t->wq_link);
		struct list_node *pos = q->head.next;
		while (pos != &q->head && list_entry(pos, struct thread, wq_link)->prio >= t->prio)
			pos = pos->next;
		list_insert_before(pos, &t->wq_link);
	}
}

void pi_recompute(struct thread *t)
{
	for (int hops = 0; t && hops < PI_MAX_CHAIN; hops++) {
		uint8_t old = t->prio, now = compute_prio(t);
		if (now == old)
			return;
		t->prio = now;
		requeue(t, old);
		t = t->donee;
	}
}

void pi_donate(struct thread *t, struct thread *owner)
{
	if (t->donee)
		pi_revoke(t);
	if (!owner || owner == t)
		return;
	t->donee = owner;
	list_add_tail(&owner->donors, &t->donor_link);
	if (t->prio > owner->prio)
		pi_recompute(owner);
}

void pi_revoke(struct thread *t)
{
	struct thread *owner = t->donee;
	if (!owner)
		return;
	list_del(&t->donor_link);
	t->donee = NULL;
	/* Only a donor that set the owner's priority can lower it. */
	if (t->prio >= owner->prio &&
	    owner->prio > MAX(owner->base_prio, MAX(owner->boost_prio, owner->ceiling_prio)))
		pi_recompute(owner);
}
