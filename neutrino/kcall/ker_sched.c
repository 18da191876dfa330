/*
 * SchedGet, SchedSet, SchedYield. A thread is named by (pid, tid) with 0
 * meaning the caller's; only threads of the caller's own process can be
 * addressed until procnto brings cross-process control.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <posix/sched_param.h>
#include <sched/pi.h>
#include <sched/sched.h>

struct thread *thread_lookup(struct process *p, tid_t tid)
{
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

static struct thread *target(pid_t pid, int tid)
{
	struct thread *self = cur_thread();
	if (pid != 0 && pid != self->proc->pid)
		return NULL;
	return tid == 0 ? self : thread_lookup(self->proc, tid);
}

long ker_sched_get(pid_t pid, int tid, uaddr_t param)
{
	struct thread *t = target(pid, tid);
	if (!t)
		return -ESRCH;
	int prio = t->prio;
	if (param && copy_to_user(param, &prio, sizeof(prio)))
		return -EFAULT;
	return t->policy;
}

void sched_param_apply(struct thread *t, int policy, int prio)
{
	irqflags_t f = irq_save();
	/* A server that sets its own priority stops inheriting from the clients
	 * whose messages it holds, until MsgCurrent (QNX: receive sets the
	 * priority once, the server may change it). */
	list_for_each_safe(pos, tmp, &t->donors) {
		struct thread *d = list_entry(pos, struct thread, donor_link);
		if (d->state == STATE_REPLY && d->ipc.server == t) {
			pi_revoke(d);
			d->ipc.server = NULL;
		}
	}
	sched_set_param(t, (uint8_t)prio, (uint8_t)policy);
	irq_restore(f);
}

long ker_sched_set(pid_t pid, int tid, int policy, uaddr_t param)
{
	struct thread *t = target(pid, tid);
	if (!t)
		return -ESRCH;
	int prio;
	if (copy_from_user(&prio, param, sizeof(prio)))
		return -EFAULT;
	policy = sched_policy_from_user(policy);
	int e = sched_check_param(t->proc, policy, prio);
	if (e)
		return e;
	sched_param_apply(t, policy, prio);
	return 0;
}

long ker_sched_yield(void)
{
	irqflags_t f = irq_save();
	sched_yield();
	irq_restore(f);
	return 0;
}
