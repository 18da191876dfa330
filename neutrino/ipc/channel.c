/*
 * Channels: creation, destruction (blocked clients get ESRCH, connections
 * go stale, COIDDEATH pulses), and the send queue shared by SEND-blocked
 * clients and pulses, kept in priority order then FIFO.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>
#include <sched/pi.h>
#include <sched/sched.h>

/* Inserts e behind every entry of the same or higher priority. Interrupts off. */
void sendq_insert(struct channel *ch, struct msgq_entry *e)
{
	struct list_node *pos = ch->sendq.next;
	while (pos != &ch->sendq && list_entry(pos, struct msgq_entry, link)->prio >= e->prio)
		pos = pos->next;
	list_insert_before(pos, &e->link);
}

/* Raises the threads that last received on ch (and are not waiting to
 * receive) to prio: QNX "server boost". Interrupts off. */
void channel_boost(struct channel *ch, uint8_t prio)
{
	if (ch->flags & _NTO_CHF_FIXED_PRIORITY)
		return;
	list_for_each(pos, &ch->owner->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->ipc.last_chan == ch && t->state != STATE_RECEIVE && t->boost_prio < prio) {
			t->boost_prio = prio;
			pi_recompute(t);
		}
	}
}

/* A receiver will take the head of the queue: wake one, at the head's
 * priority. Interrupts off. */
void channel_wake_receiver(struct channel *ch)
{
	struct thread *r = list_first(&ch->receivers.head, struct thread, wq_link);
	if (!r) {
		struct msgq_entry *e = list_first(&ch->sendq, struct msgq_entry, link);
		if (e)
			channel_boost(ch, e->prio);
		return;
	}
	struct msgq_entry *e = list_first(&ch->sendq, struct msgq_entry, link);
	waitq_remove(r);
	if (e && !(ch->flags & _NTO_CHF_FIXED_PRIORITY) && r->base_prio != e->prio) {
		r->base_prio = e->prio; /* it runs at the priority of what it will receive */
		pi_recompute(r);
	}
	sched_wake_handoff(r, 0);
}

void channel_enqueue_pulse(struct channel *ch, struct pulse *p)
{
	sendq_insert(ch, &p->qe);
	channel_wake_receiver(ch);
}

int pulse_send(struct channel *ch, int prio, int code, uint64_t value, int scoid)
{
	struct pulse *p = kmalloc(sizeof(*p));
	if (!p)
		return -EAGAIN;
	p->qe.prio = (uint8_t)(prio < 1 ? 1 : prio > 255 ? 255 : prio);
	p->qe.is_pulse = true;
	p->code = (int8_t)code;
	p->value = value;
	p->scoid = scoid;
	p->preallocated = false;
	irqflags_t f = irq_save();
	channel_enqueue_pulse(ch, p);
	irq_restore(f);
	return 0;
}

int pulse_send_coid(struct process *p, int coid, int prio, int code, uint64_t value)
{
	struct connection *c = connection_lookup(p, coid);
	if (!c || !c->chan || c->chan->dead)
		return -EBADF;
	if (prio == SIGEV_PULSE_PRIO_INHERIT)
		prio = c->chan->owner->base_prio; /* the receiving process's initial priority */
	return pulse_send(c->chan, prio, code, value, c->scoid ? c->scoid->id : -1);
}

/* Releases every thread queued on or served from ch with -ESRCH, and drops
 * queued pulses. Interrupts off. */
static void channel_flush(struct channel *ch)
{
	list_for_each_safe(pos, tmp, &ch->sendq) {
		struct msgq_entry *e = list_entry(pos, struct msgq_entry, link);
		list_del(&e->link);
		if (e->is_pulse) {
			struct pulse *p = container_of(e, struct pulse, qe);
			if (!p->preallocated)
				kfree(p);
			continue;
		}
		struct thread *t = container_of(e, struct thread, ipc.qe);
		t->ipc.chan = NULL;
		sched_wake(t, -ESRCH);
	}
	list_for_each_safe(pos, tmp, &ch->replying) {
		struct thread *t = container_of(list_entry(pos, struct msgq_entry, link), struct thread,
						ipc.qe);
		list_del(&t->ipc.qe.link);
		t->ipc.chan = NULL;
		t->ipc.server = NULL;
		pi_revoke(t);
		if (t->ipc.busy) { /* a server is copying its buffers: released at unpin */
			t->ipc.deferred = true;
			t->ipc.deferred_result = -ESRCH;
			continue;
		}
		sched_wake(t, -ESRCH);
	}
	waitq_wake_all(&ch->receivers, -ESRCH);
}

/* c, a connection of process cp, has just gone stale (its channel died):
 * COIDDEATH to cp's death channel if it asked for them, and posix told
 * (a poll() of cp waiting on that fd must wake up: posix/fd/poll.c). */
static void connection_went_stale(struct process *cp, struct connection *c)
{
	struct channel *dc = cp && cp->ipc ? cp->ipc->death_chan : NULL;
	if (dc && (dc->flags & _NTO_CHF_COID_DISCONNECT))
		pulse_send(dc, 10, _PULSE_CODE_COIDDEATH, (uint64_t)(uint32_t)c->coid, -1);
	if (cp)
		CALL_HOOK(posix_conn_stale, cp, c->coid);
}

void channel_destroy(struct channel *ch)
{
	struct process *owner = ch->owner;
	ch->dead = true;
	owner->ipc->chans[ch->chid - 1] = NULL;
	if (owner->ipc->death_chan == ch)
		owner->ipc->death_chan = NULL;
	irqflags_t f = irq_save();
	channel_flush(ch);
	irq_restore(f);
	/* client connections go stale: EBADF from now on, COIDDEATH to their owners */
	list_for_each_safe(pos, tmp, &ch->conns) {
		struct connection *c = list_entry(pos, struct connection, chan_link);
		list_del(&c->chan_link);
		c->chan = NULL;
		connection_went_stale(c->scoid ? c->scoid->client : NULL, c);
	}
	list_for_each_safe(pos, tmp, &ch->scoids) {
		struct scoid *s = list_entry(pos, struct scoid, chan_link);
		list_del(&s->chan_link);
		s->chan = NULL;
		scoid_free_slot(owner, s->id);
		if (!s->nconns)
			kfree(s);
	}
	/* Threads that last received here forget it. */
	list_for_each(pos, &owner->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->ipc.last_chan == ch)
			t->ipc.last_chan = NULL;
	}
	kfree(ch);
}
