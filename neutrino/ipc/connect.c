/*
 * Connections: attaching a client process to a channel (creating or
 * sharing the scoid for that pair), detaching (the last detach of a client
 * sends _PULSE_CODE_DISCONNECT when the channel asks for it), and the
 * clean-up of a dying process's channels and connections.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>
#include <sched/sched.h>
#include <sched/thread.h>

/* The scoid for (client, ch), created on first use. */
static struct scoid *scoid_get(struct process *client, struct channel *ch)
{
	list_for_each(pos, &ch->scoids) {
		struct scoid *s = list_entry(pos, struct scoid, chan_link);
		if (s->client == client && !s->disconnected)
			return s;
	}
	struct scoid *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	int id = scoid_alloc(ch->owner, s);
	if (id < 0) {
		kfree(s);
		return NULL;
	}
	s->id = id;
	s->chan = ch;
	s->client = client;
	list_add_tail(&ch->scoids, &s->chan_link);
	return s;
}

int connection_attach(struct process *client, struct channel *ch, unsigned index, unsigned flags)
{
	struct connection *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	struct scoid *s = scoid_get(client, ch);
	if (!s) {
		kfree(c);
		return -EAGAIN;
	}
	int coid = coid_alloc(client, index, c);
	if (coid < 0) {
		if (!s->nconns) {
			list_del(&s->chan_link);
			scoid_free_slot(ch->owner, s->id);
			kfree(s);
		}
		kfree(c);
		return coid;
	}
	s->nconns++;
	c->coid = coid;
	c->flags = flags & _NTO_COF_CLOEXEC;
	c->chan = ch;
	c->scoid = s;
	c->server_pid = ch->owner->pid;
	c->chid = ch->chid;
	list_add_tail(&ch->conns, &c->chan_link);
	return coid;
}

/* One fewer connection uses s: the last one tells the server (DISCONNECT
 * pulse, scoid kept until ConnectDetach(scoid)) or frees the scoid. */
void scoid_put(struct scoid *s)
{
	if (--s->nconns)
		return;
	struct channel *ch = s->chan;
	if (!ch) {
		kfree(s); /* the channel is gone already */
		return;
	}
	s->client = NULL; /* its rcvids are dead from now on */
	if (ch->flags & _NTO_CHF_DISCONNECT) {
		s->disconnected = true;
		pulse_send(ch, 10, _PULSE_CODE_DISCONNECT, 0, s->id);
		return;
	}
	list_del(&s->chan_link);
	scoid_free_slot(ch->owner, s->id);
	kfree(s);
}

void connection_close(struct process *p, struct connection *c)
{
	/* Threads of p still sending on c lose their message: EBADF. */
	irqflags_t f = irq_save();
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if ((t->state == STATE_SEND || t->state == STATE_REPLY) && t->ipc.chan &&
		    t->ipc.coid == c->coid && t->ipc.scoid == c->scoid)
			thread_unblock(t, -EBADF, true);
	}
	irq_restore(f);
	coid_free(p, c->coid);
	if (c->chan)
		list_del(&c->chan_link);
	scoid_put(c->scoid);
	kfree(c);
}

/* The server is done with a disconnected client: ConnectDetach(scoid). */
int scoid_detach(struct process *server, int id)
{
	struct scoid *s = scoid_lookup(server, id);
	if (!s)
		return -EINVAL;
	if (!s->disconnected && s->nconns)
		return -EBUSY;
	if (s->chan)
		list_del(&s->chan_link);
	scoid_free_slot(server, s->id);
	s->chan = NULL;
	if (!s->nconns)
		kfree(s);
	return 0;
}

void ipc_process_exit(struct process *p)
{
	struct ipc_proc *ip = p->ipc;
	if (!ip)
		return;
	for (int i = 0; i < CHAN_MAX; i++)
		if (ip->chans[i])
			channel_destroy(ip->chans[i]);
	for (uint32_t i = 0; i < ip->nfds; i++)
		if (ip->fds[i])
			connection_close(p, ip->fds[i]);
	for (uint32_t i = 0; i < ip->nside; i++)
		if (ip->side[i])
			connection_close(p, ip->side[i]);
	/* channel_destroy emptied the scoid table */
	kfree(ip->fds);
	kfree(ip->side);
	kfree(ip->scoids);
	kfree(ip);
	p->ipc = NULL;
}
