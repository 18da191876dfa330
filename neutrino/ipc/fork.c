/*
 * fork's part of message passing: the child inherits every connection in
 * the fd space, at the same number, to the same channel, with the same
 * flags; the server sees a new client (its own scoid for the child), and
 * the personality then sends _IO_DUP on each so the server binds the new
 * connection to the same OCB. Side-channel connections are the process's
 * own business and are not inherited (the child gets its own SYSMGR_COID
 * at creation). Connections to dead channels are left out: they fail with
 * EBADF in the parent already.
 */
#include <kernel/errno.h>
#include <kernel/fork.h>
#include <kernel/process.h>
#include <ipc/ipc.h>

int ipc_fork(struct process *parent, struct process *child)
{
	struct ipc_proc *ip = parent->ipc;
	if (!ip)
		return 0;
	for (uint32_t i = 0; i < ip->nfds; i++) {
		struct connection *c = ip->fds[i];
		if (!c || !c->chan || c->chan->dead)
			continue;
		int coid = connection_attach(child, c->chan, (unsigned)c->coid, c->flags);
		if (coid < 0)
			return coid;
		if (coid != c->coid)
			return -EMFILE; /* cannot happen: the child's table was empty */
	}
	return 0;
}
