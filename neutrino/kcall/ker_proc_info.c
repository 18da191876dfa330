/*
 * ProcInfo: a snapshot of one process's kernel state (sys/nto_proc.h) for
 * procnto's /proc, optionally the next existing pid at or above the one
 * asked for, so that procnto can list every process, or the client behind
 * one of the caller's scoids, alive or (for procnto's channel 1) recently
 * dead (kernel/proc_death.c). Privileged callers only: it tells about every
 * process in the system.
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/proc_death.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/thread.h>

static void info_fill(const struct process *p, struct _proc_info *info)
{
	*info = (struct _proc_info){
		.pid = p->pid,
		.ppid = p->parent ? p->parent->pid : 0,
		.uid = p->uid,
		.gid = p->gid,
		.state = p->state == PROC_ZOMBIE ? _NTO_PROCINFO_ZOMBIE : _NTO_PROCINFO_RUNNING,
		.nthreads = p->nthreads,
		.user_pages = p->as ? p->as->nr_pages : 0,
		.exit_status = p->state == PROC_ZOMBIE ? p->exit_status : 0,
	};
	strlcpy_k(info->name, p->name, sizeof(info->name));
}

/* The client behind the caller's scoid: alive, or its death record. */
static int info_by_scoid(struct process *self, int scoid, struct _proc_info *info)
{
	struct scoid *s = scoid_lookup(self, scoid);
	if (!s)
		return -ESRCH;
	if (s->client) {
		info_fill(s->client, info);
		return 0;
	}
	if (self->pid != SYSMGR_PID || !s->chan || s->chan->chid != SYSMGR_CHID)
		return -ESRCH;
	return proc_death_take(scoid, info);
}

long ker_proc_info(pid_t pid, uaddr_t info_u)
{
	struct process *self = cur_thread()->proc;
	if (!process_is_privileged(self))
		return -EPERM;
	struct _proc_info info;
	if (pid < 0)
		return -EINVAL;
	if (pid & _NTO_PROCINFO_SCOID) {
		int e = info_by_scoid(self, pid & ~_NTO_PROCINFO_SCOID, &info);
		if (e)
			return e;
		if (copy_to_user(info_u, &info, sizeof(info)))
			return -EFAULT;
		return info.pid;
	}
	bool next = (pid & _NTO_PROCINFO_NEXT) != 0;
	pid &= ~_NTO_PROCINFO_NEXT;
	if (pid < 0 || pid >= PID_MAX)
		return next && pid >= PID_MAX ? -ESRCH : -EINVAL;
	struct process *p = NULL;
	if (pid == 0 && !next) {
		p = self;
	} else if (next) {
		for (pid_t q = pid ? pid : 1; q < PID_MAX && !p; q++)
			p = process_lookup(q);
	} else {
		p = process_lookup(pid);
	}
	if (!p)
		return -ESRCH;
	info_fill(p, &info);
	if (copy_to_user(info_u, &info, sizeof(info)))
		return -EFAULT;
	return p->pid;
}
