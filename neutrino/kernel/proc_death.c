/*
 * The death table (kernel/proc_death.h): a ring of the last DEATH_MAX
 * process ends, written by the dying process's last thread and read once by
 * procnto through ProcInfo(_NTO_PROCINFO_SCOID). It exists because the
 * disconnect pulse procnto receives carries a scoid only, and by the time
 * procnto runs the process may be reaped and its pid free.
 */
#include <kernel/errno.h>
#include <kernel/proc_death.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <sched/clock.h>
#include <sys/neutrino.h>

#define DEATH_MAX 128

struct death {
	pid_t pid, ppid;
	uint32_t uid, gid;
	int32_t status;      /* Linux wait status */
	int32_t scoid;       /* on procnto's channel 1; 0 = none */
	bool taken;          /* procnto has read it */
	uint64_t time_ns;    /* CLOCK_MONOTONIC at the end */
	char name[PROC_NAME_MAX];
};

static struct death deaths[DEATH_MAX]; /* [k] */
static unsigned death_next;            /* [k] slot of the next record */

/* The scoid of p's connections to procnto's channel (one per client and
 * channel), or 0. */
static int32_t sysmgr_scoid(struct process *p)
{
	struct connection *c = connection_lookup(p, SYSMGR_COID);
	if (c && c->chan && c->scoid && c->chan->owner->pid == SYSMGR_PID &&
	    c->chan->chid == SYSMGR_CHID)
		return c->scoid->id;
	struct ipc_proc *ip = p->ipc;
	if (!ip)
		return 0;
	for (uint32_t i = 0; i < ip->nfds; i++) {
		c = ip->fds[i];
		if (c && c->chan && c->scoid && c->chan->owner->pid == SYSMGR_PID &&
		    c->chan->chid == SYSMGR_CHID)
			return c->scoid->id;
	}
	return 0;
}

void proc_death_note(struct process *p)
{
	struct death *d = &deaths[death_next];
	death_next = (death_next + 1) % DEATH_MAX;
	d->pid = p->pid;
	d->ppid = p->parent ? p->parent->pid : 0;
	d->uid = p->uid;
	d->gid = p->gid;
	d->status = p->exit_status;
	d->scoid = sysmgr_scoid(p);
	d->taken = false;
	d->time_ns = clock_monotonic_ns();
	strlcpy_k(d->name, p->name, sizeof(d->name));
}

int proc_death_take(int scoid, struct _proc_info *info)
{
	if (scoid == 0)
		return -ESRCH;
	for (unsigned n = 1; n <= DEATH_MAX; n++) {
		struct death *d = &deaths[(death_next + DEATH_MAX - n) % DEATH_MAX];
		if (d->pid == 0 || d->scoid != scoid)
			continue;
		if (d->taken)
			return -ESRCH; /* the newest record of this scoid was read already */
		d->taken = true;
		*info = (struct _proc_info){
			.pid = d->pid,
			.ppid = d->ppid,
			.uid = d->uid,
			.gid = d->gid,
			.state = _NTO_PROCINFO_DEAD,
			.exit_status = d->status,
			.end_time = d->time_ns,
		};
		strlcpy_k(info->name, d->name, sizeof(info->name));
		return 0;
	}
	return -ESRCH;
}
