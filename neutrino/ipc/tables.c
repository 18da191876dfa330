/*
 * Per-process message-passing tables: channels (chid = index + 1),
 * connections in the fd space (lowest free >= the requested index) and the
 * side-channel space (_NTO_SIDE_CHANNEL + i), and server connections
 * (scoid = SCOID_FLAG | i). Tables grow by doubling.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>

struct ipc_proc *ipc_proc_get(struct process *p)
{
	if (!p->ipc)
		p->ipc = kzalloc(sizeof(struct ipc_proc));
	return p->ipc;
}

struct channel *channel_lookup(struct process *p, int chid)
{
	if (!p->ipc || chid < 1 || chid > CHAN_MAX)
		return NULL;
	return p->ipc->chans[chid - 1];
}

struct connection *connection_lookup(struct process *p, int coid)
{
	struct ipc_proc *ip = p->ipc;
	if (!ip || coid < 0)
		return NULL;
	if (coid & _NTO_SIDE_CHANNEL) {
		uint32_t i = (uint32_t)coid & ~_NTO_SIDE_CHANNEL;
		return i < ip->nside ? ip->side[i] : NULL;
	}
	return (uint32_t)coid < ip->nfds ? ip->fds[coid] : NULL;
}

struct scoid *scoid_lookup(struct process *p, int scoid)
{
	struct ipc_proc *ip = p->ipc;
	if (!ip || (scoid & ~SCOID_MAX) != SCOID_FLAG)
		return NULL;
	uint32_t i = (uint32_t)scoid & SCOID_MAX;
	return i < ip->nscoids ? ip->scoids[i] : NULL;
}

/* Finds a free slot >= from in a growable table; -1 if the limit is reached. */
static long slot_alloc(void ***tab, uint32_t *n, uint32_t from, uint32_t limit)
{
	for (uint32_t i = from; i < *n; i++)
		if (!(*tab)[i])
			return i;
	uint32_t want = MAX(from, *n) + 1; /* every slot below MAX(from, *n) is taken */
	if (want > limit)
		return -1;
	uint32_t cap = *n ? *n : 16;
	while (cap < want)
		cap *= 2;
	cap = MIN(cap, limit);
	void **nt = kzalloc(cap * sizeof(void *));
	if (!nt)
		return -1;
	if (*n)
		memcpy(nt, *tab, *n * sizeof(void *));
	kfree(*tab);
	*tab = nt;
	uint32_t first = MAX(from, *n);
	*n = cap;
	return first;
}

int coid_alloc(struct process *p, unsigned index, struct connection *c)
{
	struct ipc_proc *ip = ipc_proc_get(p);
	if (!ip)
		return -ENOMEM;
	if (index & _NTO_SIDE_CHANNEL) {
		long i = slot_alloc((void ***)&ip->side, &ip->nside, index & ~_NTO_SIDE_CHANNEL, 0x100000);
		if (i < 0)
			return -EAGAIN;
		ip->side[i] = c;
		return (int)(_NTO_SIDE_CHANNEL | (uint32_t)i);
	}
	if (index >= COID_FD_MAX)
		return -EINVAL;
	long i = slot_alloc((void ***)&ip->fds, &ip->nfds, index, COID_FD_MAX);
	if (i < 0)
		return -EMFILE;
	ip->fds[i] = c;
	return (int)i;
}

void coid_free(struct process *p, int coid)
{
	struct ipc_proc *ip = p->ipc;
	if (coid & _NTO_SIDE_CHANNEL)
		ip->side[(uint32_t)coid & ~_NTO_SIDE_CHANNEL] = NULL;
	else
		ip->fds[coid] = NULL;
}

int scoid_alloc(struct process *p, struct scoid *s)
{
	struct ipc_proc *ip = ipc_proc_get(p);
	if (!ip)
		return -ENOMEM;
	long i = slot_alloc((void ***)&ip->scoids, &ip->nscoids, 0, SCOID_MAX + 1);
	if (i < 0)
		return -EAGAIN;
	ip->scoids[i] = s;
	return (int)(SCOID_FLAG | (uint32_t)i);
}

void scoid_free_slot(struct process *p, int id)
{
	p->ipc->scoids[(uint32_t)id & SCOID_MAX] = NULL;
}

int chid_alloc(struct process *p, struct channel *ch)
{
	struct ipc_proc *ip = ipc_proc_get(p);
	if (!ip)
		return -ENOMEM;
	for (int i = 0; i < CHAN_MAX; i++) {
		if (!ip->chans[i]) {
			ip->chans[i] = ch;
			return i + 1;
		}
	}
	return -EAGAIN;
}
