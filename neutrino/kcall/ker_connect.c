/* ConnectAttach, ConnectDetach, ConnectServerInfo, ConnectClientInfo, ConnectFlags. */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

static struct process *self_or(pid_t pid)
{
	struct process *me = cur_thread()->proc;
	return pid == 0 ? me : process_lookup(pid);
}

long ker_connect_attach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags)
{
	if (nd != ND_LOCAL_NODE)
		return -ENOSYS; /* no network */
	if (flags & ~_NTO_COF_CLOEXEC)
		return -EINVAL;
	struct process *server = self_or(pid);
	if (!server || server->state != PROC_ALIVE || server->exiting)
		return -ESRCH;
	struct channel *ch = channel_lookup(server, chid);
	if (!ch)
		return -ESRCH;
	return connection_attach(cur_thread()->proc, ch, index, (unsigned)flags);
}

long ker_connect_detach(int coid)
{
	struct process *p = cur_thread()->proc;
	struct connection *c = connection_lookup(p, coid);
	if (c) {
		connection_close(p, c);
		return 0;
	}
	if ((coid & ~SCOID_MAX) == SCOID_FLAG)
		return scoid_detach(p, coid);
	return -EINVAL;
}

/* Fills info for p's connection coid, or the next valid one above it (QNX:
 * used to walk a process's connections); returns that coid. */
long ker_connect_server_info(pid_t pid, int coid, uaddr_t info_u)
{
	struct process *p = self_or(pid);
	if (!p)
		return -ESRCH;
	if (coid < 0)
		return -EINVAL;
	struct connection *c = NULL;
	struct ipc_proc *ip = p->ipc;
	if (ip) {
		if (coid & _NTO_SIDE_CHANNEL) {
			for (uint32_t i = (uint32_t)coid & ~_NTO_SIDE_CHANNEL; i < ip->nside && !c; i++)
				c = ip->side[i];
		} else {
			for (uint32_t i = (uint32_t)coid; i < ip->nfds && !c; i++)
				c = ip->fds[i];
		}
	}
	if (!c)
		return -EINVAL;
	struct _server_info si = {
		.pid = c->server_pid,
		.chid = c->chid,
		.scoid = c->scoid->id,
		.coid = c->coid,
		.flags = (int16_t)(c->flags | (c->chan ? 0 : _NTO_COF_DEAD)),
	};
	if (info_u && copy_to_user(info_u, &si, sizeof(si)))
		return -EFAULT;
	return c->coid;
}

/* QNX: ngroups is how many entries the caller's cred.grouplist holds (0:
 * the struct's own 8; more means it allocated room after the struct).
 * cred.ngroups is how many were stored: the client's supplementary groups,
 * cut to that room. */
long ker_connect_client_info(int scoid, uaddr_t info_u, int ngroups)
{
	struct process *p = cur_thread()->proc;
	struct scoid *s = scoid_lookup(p, scoid);
	if (!s || !s->client)
		return -ESRCH;
	if (ngroups < 0)
		return -EINVAL;
	struct process *c = s->client;
	enum { OWN = sizeof(((struct _cred_info *)0)->grouplist) / sizeof(uint32_t) };
	struct {
		struct _client_info ci;
		uint32_t more[PROC_NGROUPS_MAX > OWN ? PROC_NGROUPS_MAX - OWN : 1];
	} out;
	_Static_assert(offsetof(__typeof__(out), more) == sizeof(struct _client_info), "no gap");
	memset(&out, 0, sizeof(out));
	uint32_t room = ngroups > OWN ? (uint32_t)ngroups : OWN;
	uint32_t n = MIN(c->ngroups, MIN(room, (uint32_t)PROC_NGROUPS_MAX));
	out.ci.pid = c->pid;
	out.ci.sid = c->session ? c->session->sid : 0;
	out.ci.cred = (struct _cred_info){
		.ruid = c->ruid, .euid = c->uid, .suid = c->suid,
		.rgid = c->rgid, .egid = c->gid, .sgid = c->sgid,
		.ngroups = n,
	};
	memcpy(out.ci.cred.grouplist, c->groups, MIN(n, (uint32_t)OWN) * sizeof(uint32_t));
	if (n > OWN) /* out.more follows the struct without a gap */
		memcpy(out.more, c->groups + OWN, (n - OWN) * sizeof(uint32_t));
	size_t len = sizeof(out.ci) + (n > OWN ? (n - OWN) * sizeof(uint32_t) : 0);
	return copy_to_user(info_u, &out, len) ? -EFAULT : 0;
}

long ker_connect_flags(pid_t pid, int coid, unsigned mask, unsigned bits)
{
	struct process *p = self_or(pid);
	if (!p)
		return -ESRCH;
	if (p != cur_thread()->proc && !process_is_privileged(cur_thread()->proc))
		return -EPERM;
	struct connection *c = connection_lookup(p, coid);
	if (!c)
		return -EBADF;
	unsigned old = c->flags;
	c->flags = (old & ~mask) | (bits & mask & _NTO_COF_CLOEXEC);
	return old;
}
