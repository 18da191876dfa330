/*
 * Send, receive, reply: the message-passing hot path, kept in one file.
 *
 * A client queues itself on the channel (priority order) and blocks in
 * SEND; a waiting receiver is woken at the client's priority and takes the
 * head of the queue in its own context: it copies the message straight from
 * the client's address space into its own, moves the client to REPLY and
 * becomes the thread the client's priority flows into (priority
 * inheritance). The reply copies straight back and readies the client.
 * Pulses use the same queue. Nothing is copied with interrupts off or from
 * an interrupt handler.
 *
 * rcvid = (client tid << 16) | (scoid & 0xffff): it names the client thread
 * through the server's scoid, so it stays usable for MsgDeliverEvent after
 * the reply while the client keeps its connection.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <sched/pi.h>
#include <sched/sched.h>

int rcvid_make(const struct thread *client)
{
	return (int)(((uint32_t)client->tid << 16) | ((uint32_t)client->ipc.scoid->id & SCOID_MAX));
}

struct thread *rcvid_lookup(struct process *server, int rcvid)
{
	if (rcvid <= 0)
		return NULL;
	struct scoid *s = scoid_lookup(server, (int)(SCOID_FLAG | ((uint32_t)rcvid & SCOID_MAX)));
	if (!s || !s->client)
		return NULL;
	tid_t tid = (tid_t)((uint32_t)rcvid >> 16);
	list_for_each(pos, &s->client->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->tid == tid)
			return t->ipc.scoid == s ? t : NULL;
	}
	return NULL;
}

/* The client thread behind rcvid if it is REPLY-blocked on server's process. */
static struct thread *replying_client(struct process *server, int rcvid)
{
	if (rcvid <= 0)
		return NULL;
	/* Usually it is the client whose message the caller received last: the
	 * newest of its donors. A REPLY-blocked client keeps a connection open
	 * (connection_close() releases it first, unless a copy defers that), so
	 * its scoid is live and is the one in the server's table: then the tid
	 * and the scoid index name it. */
	struct thread *self = cur_thread();
	if (!list_empty(&self->donors)) {
		struct thread *t = list_entry(self->donors.prev, struct thread, donor_link);
		if (t->state == STATE_REPLY && t->ipc.chan && !t->ipc.deferred &&
		    t->ipc.chan->owner == server &&
		    t->tid == (tid_t)((uint32_t)rcvid >> 16) &&
		    ((uint32_t)t->ipc.scoid->id & SCOID_MAX) == ((uint32_t)rcvid & SCOID_MAX))
			return t;
	}
	struct thread *t = rcvid_lookup(server, rcvid);
	if (!t || t->state != STATE_REPLY || !t->ipc.chan || t->ipc.chan->owner != server)
		return NULL;
	return t;
}

static inline int32_t clamp_len(uint64_t n) { return n > INT32_MAX ? INT32_MAX : (int32_t)n; }

static inline void fill_info(struct _msg_info *mi, const struct thread *c, uint64_t msglen)
{
	mi->nd = 0;
	mi->srcnd = 0;
	mi->pid = c->proc->pid;
	mi->tid = c->tid;
	mi->chid = c->ipc.chan->chid;
	mi->scoid = c->ipc.scoid->id;
	mi->coid = c->ipc.coid;
	mi->msglen = clamp_len(msglen);
	mi->srcmsglen = clamp_len(c->ipc.siov->total);
	mi->dstmsglen = clamp_len(c->ipc.riov->total);
	mi->priority = c->prio;
	mi->flags = c->ipc.unblock_req ? _NTO_MI_UNBLOCK_REQ : 0;
	mi->reserved = 0;
}

void ipc_fill_info(struct _msg_info *mi, const struct thread *c, uint64_t msglen)
{
	fill_info(mi, c, msglen);
}

/* Takes a client out of SEND or REPLY; interrupts off. */
static void client_detach(struct thread *t)
{
	struct ipc_thread *ip = &t->ipc;
	if (ip->chan)
		list_del(&ip->qe.link);
	if (ip->unblock_req && ip->unblock_pulse.qe.link.next != &ip->unblock_pulse.qe.link)
		list_del(&ip->unblock_pulse.qe.link); /* its unblock pulse was not received yet */
	ip->server = NULL;
}

/* A release of a client whose buffers a server is copying waits for the
 * copy (see client_pin); returns true if deferred. Interrupts off. */
static bool defer_if_busy(struct thread *t, long result)
{
	if (!t->ipc.busy)
		return false;
	if (!t->ipc.deferred) {
		t->ipc.deferred = true;
		t->ipc.deferred_result = result;
	}
	return true;
}

/* t->unblock for SEND- and REPLY-blocked clients (see struct thread). */
static bool client_unblock(struct thread *t, long err, bool force)
{
	struct ipc_thread *ip = &t->ipc;
	struct channel *ch = ip->chan;
	if (t->state == STATE_REPLY && ch && (ch->flags & _NTO_CHF_UNBLOCK) && !force) {
		if (!ip->unblock_req) {
			ip->unblock_req = true;
			struct pulse *p = &ip->unblock_pulse;
			list_init(&p->qe.link);
			p->qe.prio = t->prio;
			p->qe.is_pulse = true;
			p->preallocated = true;
			p->code = _PULSE_CODE_UNBLOCK;
			p->value = (uint64_t)(uint32_t)rcvid_make(t);
			p->scoid = ip->scoid->id;
			channel_enqueue_pulse(ch, p);
		}
		return false;
	}
	if (defer_if_busy(t, err))
		return false; /* released when the copy in progress ends */
	client_detach(t);
	return true;
}

/* Releases a REPLY-blocked client with result; interrupts off. The server
 * usually blocks in MsgReceive right after: hand the CPU to the client. */
static void client_release(struct thread *t, long result)
{
	client_detach(t);
	pi_revoke(t);
	sched_wake_handoff(t, result);
}

/*
 * Copies of message data have preemption points (their length is the
 * user's). While a server copies a REPLY-blocked client's buffers, the
 * client is pinned: a signal, timeout, kill, reply or channel destruction
 * that would release it is deferred until the copy ends, so its buffers and
 * address space stay valid. Interrupts on.
 */
static bool client_pin(struct thread *c, uint64_t len)
{
	if (len < IPC_COPY_PREEMPT_MIN)
		return false; /* short: copied without preemption points, no pin */
	irqflags_t f = irq_save();
	c->ipc.busy++;
	irq_restore(f);
	return true;
}

static void client_unpin(struct thread *c, bool pinned)
{
	if (!pinned)
		return;
	irqflags_t f = irq_save();
	if (--c->ipc.busy == 0 && c->ipc.deferred) {
		c->ipc.deferred = false;
		if (c->state == STATE_REPLY)
			client_release(c, c->ipc.deferred_result);
	}
	irq_restore(f);
}

long msg_send(struct connection *c, struct ipc_iovs *siov, struct ipc_iovs *riov)
{
	struct thread *self = cur_thread();
	struct ipc_thread *ip = &self->ipc;
	if (self->timeout_states & _NTO_TIMEOUT_REPLY)
		self->timeout_states |= _NTO_TIMEOUT_SEND; /* one deadline for the whole send */
	for (;;) {
		struct channel *ch = c->chan;
		if (!ch || ch->dead)
			return -EBADF;
		ip->siov = siov;
		ip->riov = riov;
		ip->chan = ch;
		ip->scoid = c->scoid;
		ip->coid = c->coid;
		ip->unblock_req = false;
		ip->restart = false;
		ip->qe.prio = self->prio;
		ip->qe.is_pulse = false;

		irqflags_t f = irq_save();
		sendq_insert(ch, &ip->qe);
		channel_wake_receiver(ch);
		self->unblock = client_unblock;
		long r = sched_block_timeout(STATE_SEND, 0, 0);
		irq_restore(f);
		ip->chan = NULL;
		if (!ip->restart)
			return r;
	}
}

/* take_head() result: the message it took went away (the client's buffer
 * was bad, or the client was released during the copy): look again. */
#define TAKE_AGAIN (-EINTR)

/* Delivers the head of ch's queue to the calling server thread; interrupts
 * off on entry, on for the copy. Returns the rcvid, 0 for a pulse, -EAGAIN
 * if nothing is queued, TAKE_AGAIN, or -errno. */
static long take_head(struct channel *ch, struct ipc_iovs *rcv, uaddr_t info_u, bool pulses_only,
		      irqflags_t *f)
{
	struct thread *self = cur_thread();
	struct msgq_entry *e = NULL;
	list_for_each(pos, &ch->sendq) {
		struct msgq_entry *x = list_entry(pos, struct msgq_entry, link);
		if (x->is_pulse || !pulses_only) {
			e = x;
			break;
		}
	}
	if (!e)
		return -EAGAIN;
	list_del(&e->link);
	list_init(&e->link);
	self->ipc.last_chan = ch;
	self->boost_prio = 0;
	bool fixed = ch->flags & _NTO_CHF_FIXED_PRIORITY;
	if (!fixed)
		self->base_prio = e->prio;
	if (!list_empty(&ch->sendq) && list_empty(&ch->receivers.head))
		channel_boost(ch, list_entry(ch->sendq.next, struct msgq_entry, link)->prio);

	if (e->is_pulse) {
		pi_recompute(self);
		struct pulse *p = container_of(e, struct pulse, qe);
		struct _pulse msg = { .code = p->code, .scoid = p->scoid };
		msg.value.sival_u64 = p->value;
		struct _msg_info mi = { .scoid = p->scoid, .msglen = sizeof(msg), .priority = p->qe.prio };
		if (!p->preallocated)
			kfree(p);
		irq_restore(*f);
		long r = 0;
		if (rcv->total < sizeof(msg) || ipc_copy_out(self->proc, rcv, &msg, sizeof(msg)) < 0)
			r = -EFAULT;
		else if (info_u && copy_to_user(info_u, &mi, sizeof(mi)))
			r = -EFAULT;
		*f = irq_save();
		return r;
	}

	struct thread *c = container_of(e, struct thread, ipc.qe);
	c->state = STATE_REPLY;
	c->ipc.server = self;
	list_add_tail(&ch->replying, &c->ipc.qe.link);
	if (!fixed) { /* the client's priority flows to us while we hold its message */
		c->donee = self;
		list_add_tail(&self->donors, &c->donor_link);
	}
	/* Usually the server holds just this message and already runs at its
	 * priority: then nothing changes and the donor walk is skipped. */
	uint8_t want = MAX(MAX(self->base_prio, self->ceiling_prio), fixed ? 0 : c->prio);
	bool only = fixed ? list_empty(&self->donors) : self->donors.next == &c->donor_link &&
							    self->donors.prev == &c->donor_link;
	if (!only || self->prio != want)
		pi_recompute(self);
	irq_restore(*f);
	bool dst_fault = false;
	long n = 0, r;
	if (rcv->total && c->ipc.siov->total) {
		bool pin = client_pin(c, MIN(rcv->total, c->ipc.siov->total));
		n = ipc_copy(self->proc, rcv, 0, c->proc, c->ipc.siov, 0, &dst_fault, pin);
		if (n < 0 && !dst_fault) {
			*f = irq_save();
			if (!defer_if_busy(c, -EFAULT)) /* the client's buffer was bad: its error */
				client_release(c, -EFAULT);
			irq_restore(*f);
			client_unpin(c, pin);
			*f = irq_save();
			return TAKE_AGAIN; /* look for the next message */
		}
		client_unpin(c, pin);
		if (c->state != STATE_REPLY || c->ipc.chan != ch)
			n = -EINTR; /* released meanwhile (killed, channel gone) */
	}
	if (n == -EINTR) {
		*f = irq_save();
		return TAKE_AGAIN;
	}
	if (n < 0) {
		r = n; /* our buffer was bad; the client stays REPLY-blocked for MsgError */
	} else {
		r = rcvid_make(c);
		if (info_u) {
			struct _msg_info mi;
			fill_info(&mi, c, (uint64_t)n);
			if (copy_to_user(info_u, &mi, sizeof(mi)))
				r = -EFAULT;
		}
	}
	*f = irq_save();
	return r;
}

long msg_receive(struct channel *ch, int chid, struct ipc_iovs *rcv, uaddr_t info_u,
		 bool pulses_only)
{
	struct thread *self = cur_thread();
	irqflags_t f = irq_save();
	long r;
	for (;; ch = NULL) {
		/* looked up again after a copy or a sleep: it may be destroyed meanwhile */
		if (!ch && !(ch = channel_lookup(self->proc, chid))) {
			r = -ESRCH;
			break;
		}
		r = take_head(ch, rcv, info_u, pulses_only, &f);
		if (r == TAKE_AGAIN)
			continue; /* the channel is looked up again: we copied with interrupts on */
		if (r != -EAGAIN)
			break;
		self->ipc.last_chan = ch;
		if (self->boost_prio) {
			self->boost_prio = 0;
			pi_recompute(self);
		}
		r = waitq_sleep(&ch->receivers, STATE_RECEIVE, 0);
		if (r < 0)
			break;
	}
	irq_restore(f);
	return r;
}

long msg_reply(int rcvid, long status, struct ipc_iovs *data, bool is_error)
{
	struct thread *self = cur_thread();
	struct thread *c = replying_client(self->proc, rcvid);
	if (!c)
		return -ESRCH;
	long result = status;
	if (data && data->total) {
		bool dst_fault = false;
		bool pin = client_pin(c, data->total);
		long n = ipc_copy(c->proc, c->ipc.riov, 0, self->proc, data, 0, &dst_fault, pin);
		client_unpin(c, pin);
		if (c->state != STATE_REPLY)
			return -ESRCH; /* released while we copied */
		if (n < 0 && !dst_fault)
			return -EFAULT; /* our buffer: the client stays blocked */
		if (n < 0)
			result = -EFAULT;
	}
	irqflags_t f = irq_save();
	if (c->state == STATE_REPLY) {
		if (is_error && status == -ERESTART)
			c->ipc.restart = true;
		if (!defer_if_busy(c, result))
			client_release(c, result);
	}
	irq_restore(f);
	return 0;
}

/* MsgRead / MsgWrite: data moves between the server and a REPLY-blocked client. */
long msg_read(int rcvid, struct ipc_iovs *dst, uint64_t offset)
{
	struct thread *self = cur_thread();
	struct thread *c = replying_client(self->proc, rcvid);
	if (!c)
		return -ESRCH;
	if (offset >= c->ipc.siov->total)
		return 0;
	bool dst_fault = false;
	bool pin = client_pin(c, dst->total);
	long n = ipc_copy(self->proc, dst, 0, c->proc, c->ipc.siov, offset, &dst_fault, pin);
	client_unpin(c, pin);
	return n;
}

long msg_write(int rcvid, struct ipc_iovs *src, uint64_t offset)
{
	struct thread *self = cur_thread();
	struct thread *c = replying_client(self->proc, rcvid);
	if (!c)
		return -ESRCH;
	if (offset >= c->ipc.riov->total)
		return 0;
	bool dst_fault = false;
	bool pin = client_pin(c, src->total);
	long n = ipc_copy(c->proc, c->ipc.riov, offset, self->proc, src, 0, &dst_fault, pin);
	client_unpin(c, pin);
	return n;
}

long msg_info(int rcvid, uaddr_t info_u)
{
	struct thread *c = replying_client(cur_thread()->proc, rcvid);
	if (!c)
		return -ESRCH;
	struct _msg_info mi;
	ipc_fill_info(&mi, c, c->ipc.siov->total);
	return copy_to_user(info_u, &mi, sizeof(mi)) ? -EFAULT : 0;
}

long msg_current(int rcvid)
{
	struct thread *self = cur_thread();
	struct thread *c = replying_client(self->proc, rcvid);
	if (!c)
		return -ESRCH;
	if (!(c->ipc.chan->flags & _NTO_CHF_FIXED_PRIORITY)) {
		irqflags_t f = irq_save();
		self->base_prio = c->prio;
		if (c->ipc.server != self) {
			c->ipc.server = self;
			pi_donate(c, self);
		}
		pi_recompute(self);
		irq_restore(f);
	}
	return 0;
}

/* A thread that dies while holding messages: its clients stay REPLY-blocked
 * on the process (any thread may reply) but stop donating to it. */
void ipc_thread_exit(struct thread *t)
{
	irqflags_t f = irq_save();
	list_for_each_safe(pos, tmp, &t->donors) {
		struct thread *d = list_entry(pos, struct thread, donor_link);
		if (d->state == STATE_REPLY && d->ipc.server == t) {
			pi_revoke(d);
			d->ipc.server = NULL;
		}
	}
	irq_restore(f);
	struct process *p = t->proc;
	struct channel *dc = p->ipc ? p->ipc->death_chan : NULL;
	if (dc && (dc->flags & _NTO_CHF_THREAD_DEATH))
		pulse_send(dc, t->real_prio, _PULSE_CODE_THREADDEATH, (uint64_t)(uint32_t)t->tid, -1);
}
