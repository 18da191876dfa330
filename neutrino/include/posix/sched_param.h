/*
 * Scheduling parameter checks shared by the native Sched* calls and the
 * POSIX sched_* syscalls.
 */
#pragma once
#include <kernel/errno.h>
#include <kernel/process.h>
#include <sched/thread.h>
#include <sys/neutrino.h>

/* 0, -EINVAL for an unknown policy or priority outside 1..255, -EPERM for
 * an unprivileged process asking for more than 63. Policies are musl's
 * values; sched_policy_from_user() maps QNX's SCHED_OTHER (3) first. */
static inline int sched_check_param(const struct process *p, int policy, int prio)
{
	if (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER)
		return -EINVAL;
	if (prio < 1 || prio > _NTO_PRIO_MAX)
		return -EINVAL;
	if (prio > _NTO_PRIO_UNPRIV_MAX && !process_is_privileged(p))
		return -EPERM;
	return 0;
}

static inline int sched_policy_from_user(int policy)
{
	return policy == _NTO_SCHED_OTHER_QNX ? SCHED_OTHER : policy;
}

/* Gives t the (checked) policy and priority, as SchedSet does: a server
 * setting its own priority stops inheriting from the clients it holds.
 * Interrupts on or off (kcall/ker_sched.c). */
void sched_param_apply(struct thread *t, int policy, int prio);
