/*
 * The Linux sched_* syscalls on the kernel's scheduler (the one of
 * SchedSet/SchedGet, kcall/ker_sched.c): sched_setscheduler,
 * sched_getscheduler, sched_setparam, sched_getparam,
 * sched_get_priority_max/min, sched_rr_get_interval, sched_setaffinity and
 * sched_getaffinity. Called from the syscall table (syscall.c).
 *
 * Policies are Linux's SCHED_OTHER 0, SCHED_FIFO 1 and SCHED_RR 2 (the
 * kernel's own values); the others (BATCH, IDLE, DEADLINE) and
 * SCHED_RESET_ON_FORK are EINVAL. SCHED_FIFO and SCHED_RR take the
 * kernel's priorities: 1..255, 1..63 for an unprivileged caller
 * (sched_get_priority_max says which). SCHED_OTHER follows Linux: its
 * only priority is 0 (min = max = 0), and the kernel runs such a thread as
 * round-robin at a priority of its own, not shown: a thread that is
 * SCHED_OTHER already keeps its priority, one coming from FIFO or RR gets
 * its process's base priority (the one the process was started with).
 * sched_getparam reports the priority that was set, without inheritance
 * (0 for SCHED_OTHER).
 *
 * The id argument names a thread as Linux does: 0 is the caller; otherwise
 * a Linux thread id (gettid: thread->ltid), where a pid is its process's
 * first thread (or, once that ended, any of its threads). Changing another
 * process needs privilege or the caller's effective uid equal to its real
 * or effective uid (Linux's rule); reading needs nothing.
 *
 * The kernel runs on one CPU: every affinity mask is {0}, and a mask
 * without CPU 0 is EINVAL.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <posix/sched_param.h>
#include <sched/sched.h>
#include <sched/thread.h>

#include "linux.h"

#define L_SCHED_OTHER 0
#define L_SCHED_FIFO 1
#define L_SCHED_RR 2
#define SCHED_NCPUS 1                   /* the kernel uses the boot CPU only */
#define CPUMASK_BYTES sizeof(uint64_t)  /* Linux's cpumask_size() for SCHED_NCPUS */

/* The thread id names (see the top); -ESRCH, -EINVAL, or -EPERM when
 * changing is asked and the caller may not change it. */
static long sched_target(int64_t id, bool change, struct thread **out)
{
	struct thread *self = cur_thread();
	if ((int32_t)id < 0)
		return -EINVAL;
	if (id == 0) {
		*out = self;
		return 0;
	}
	struct thread *t = thread_by_ltid((pid_t)id);
	struct process *p = t ? t->proc : process_lookup((pid_t)id);
	if (!p || p->state != PROC_ALIVE || list_empty(&p->threads) ||
	    (t && t->state == STATE_DEAD))
		return -ESRCH;
	if (!t)
		t = list_entry(p->threads.next, struct thread, proc_link);
	if (change && p != self->proc && !process_is_privileged(self->proc) &&
	    self->proc->uid != p->uid && self->proc->uid != p->ruid)
		return -EPERM;
	*out = t;
	return 0;
}

static bool policy_ok(int64_t policy)
{
	return policy == L_SCHED_OTHER || policy == L_SCHED_FIFO || policy == L_SCHED_RR;
}

/* Sets t's policy (-1: keep) and the (Linux) priority at uparam. */
static long sched_change(int64_t id, int64_t policy, uaddr_t uparam)
{
	if (!uparam)
		return -EINVAL;
	int prio;
	if (copy_from_user(&prio, uparam, sizeof(prio)))
		return -EFAULT;
	struct thread *t;
	long e = sched_target(id, true, &t);
	if (e)
		return e;
	if (policy == -1)
		policy = t->policy;
	else if (!policy_ok(policy))
		return -EINVAL;
	if (policy == L_SCHED_OTHER) {
		if (prio != 0)
			return -EINVAL;
		prio = t->policy == L_SCHED_OTHER ? t->real_prio : t->proc->base_prio;
		if (!process_is_privileged(cur_thread()->proc))
			prio = MIN(prio, _NTO_PRIO_UNPRIV_MAX);
		prio = MAX(prio, 1);
	} else {
		e = sched_check_param(cur_thread()->proc, (int)policy, prio);
		if (e)
			return e;
	}
	sched_param_apply(t, (int)policy, prio);
	return 0;
}

long sys_sched_setscheduler(const uint64_t *a, struct trapframe *tf)
{
	if (!policy_ok((int32_t)a[1]))
		return -EINVAL;
	return sched_change((int32_t)a[0], (int32_t)a[1], a[2]);
}

long sys_sched_setparam(const uint64_t *a, struct trapframe *tf)
{
	return sched_change((int32_t)a[0], -1, a[1]);
}

long sys_sched_getscheduler(const uint64_t *a, struct trapframe *tf)
{
	struct thread *t;
	long e = sched_target((int32_t)a[0], false, &t);
	return e ? e : t->policy;
}

long sys_sched_getparam(const uint64_t *a, struct trapframe *tf)
{
	if (!a[1])
		return -EINVAL;
	struct thread *t;
	long e = sched_target((int32_t)a[0], false, &t);
	if (e)
		return e;
	int prio = t->policy == L_SCHED_OTHER ? 0 : t->real_prio;
	return copy_to_user(a[1], &prio, sizeof(prio)) ? -EFAULT : 0;
}

long sys_sched_get_priority_max(const uint64_t *a, struct trapframe *tf)
{
	if (!policy_ok((int32_t)a[0]))
		return -EINVAL;
	if ((int32_t)a[0] == L_SCHED_OTHER)
		return 0;
	return process_is_privileged(cur_thread()->proc) ? _NTO_PRIO_MAX : _NTO_PRIO_UNPRIV_MAX;
}

long sys_sched_get_priority_min(const uint64_t *a, struct trapframe *tf)
{
	if (!policy_ok((int32_t)a[0]))
		return -EINVAL;
	return (int32_t)a[0] == L_SCHED_OTHER ? 0 : 1;
}

long sys_sched_rr_get_interval(const uint64_t *a, struct trapframe *tf)
{
	struct thread *t;
	long e = sched_target((int32_t)a[0], false, &t);
	if (e)
		return e;
	uint64_t ns = t->policy == L_SCHED_FIFO ? 0 : RR_SLICE_NS;
	struct linux_timespec ts = { (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
	return copy_to_user(a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* Linux's rules for the mask length: whole longs, at least the CPUs'. */
static bool mask_len_ok(uint64_t len)
{
	return len * 8 >= SCHED_NCPUS && !(len & (sizeof(uint64_t) - 1));
}

long sys_sched_getaffinity(const uint64_t *a, struct trapframe *tf)
{
	uint64_t len = a[1];
	if (!mask_len_ok(len))
		return -EINVAL;
	struct thread *t;
	long e = sched_target((int32_t)a[0], false, &t);
	if (e)
		return e;
	uint64_t mask = (1ull << SCHED_NCPUS) - 1;
	size_t n = MIN(len, CPUMASK_BYTES);
	return copy_to_user(a[2], &mask, n) ? -EFAULT : (long)n;
}

long sys_sched_setaffinity(const uint64_t *a, struct trapframe *tf)
{
	uint64_t len = a[1], mask = 0;
	size_t n = MIN(len, CPUMASK_BYTES);
	if (copy_from_user(&mask, a[2], n))
		return -EFAULT;
	struct thread *t;
	long e = sched_target((int32_t)a[0], true, &t);
	if (e)
		return e;
	/* every thread runs on the one CPU: a mask that allows it is already true */
	return (mask & ((1ull << SCHED_NCPUS) - 1)) ? 0 : -EINVAL;
}
