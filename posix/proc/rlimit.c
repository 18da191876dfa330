/*
 * Resource limits: getrlimit, setrlimit, prlimit64 (musl uses prlimit64).
 * Stored per process (p->rlim, Linux order), inherited across fork and
 * exec. Enforced here: the rules for changing them (soft <= hard, only a
 * privileged process raises a hard limit, RLIMIT_NOFILE at most the size
 * of the fd space); elsewhere: RLIMIT_STACK sizes the stack at exec,
 * RLIMIT_NOFILE is for the fd allocator (posix/fd/) to check.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <ipc/ipc_thread.h>

#include "proc_sys.h"

#define RLIMIT_NOFILE 7

static long rlimit(struct process *p, unsigned res, uaddr_t new_u, uaddr_t old_u)
{
	if (res >= PROC_RLIM_NLIMITS)
		return -EINVAL;
	struct proc_rlimit nl;
	if (new_u) {
		if (copy_from_user(&nl, new_u, sizeof(nl)))
			return -EFAULT;
		if (nl.cur > nl.max)
			return -EINVAL;
		struct process *self = cur_thread()->proc;
		if (nl.max > p->rlim[res].max && !process_is_privileged(self))
			return -EPERM;
		if (res == RLIMIT_NOFILE && nl.max > COID_FD_MAX)
			return -EPERM;
	}
	if (old_u && copy_to_user(old_u, &p->rlim[res], sizeof(p->rlim[res])))
		return -EFAULT;
	if (new_u)
		p->rlim[res] = nl;
	return 0;
}

long sys_getrlimit(const uint64_t *a, struct trapframe *tf)
{
	return rlimit(cur_thread()->proc, (unsigned)a[0], 0, a[1]);
}

long sys_setrlimit(const uint64_t *a, struct trapframe *tf)
{
	return rlimit(cur_thread()->proc, (unsigned)a[0], a[1], 0);
}

long sys_prlimit64(const uint64_t *a, struct trapframe *tf)
{
	struct process *self = cur_thread()->proc;
	struct process *p = a[0] ? process_lookup((pid_t)a[0]) : self;
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (p != self && !process_is_privileged(self) &&
	    (self->uid != p->ruid || self->uid != p->uid || self->uid != p->suid))
		return -EPERM;
	return rlimit(p, (unsigned)a[1], a[2], a[3]);
}
