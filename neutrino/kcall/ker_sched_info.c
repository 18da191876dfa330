/*
 * SchedInfo: the priority range and round-robin interval of a policy, as
 * seen by process pid (0 = the caller). priority_max is 255 for a
 * privileged process and _NTO_PRIO_UNPRIV_MAX (63) otherwise;
 * priority_priv is always 63, the highest priority needing no privilege.
 * The interval is the RR slice (4 ms) for SCHED_RR and SCHED_OTHER (which
 * behaves as RR) and 0 for SCHED_FIFO.
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <posix/sched_param.h>
#include <sched/sched.h>

long ker_sched_info(pid_t pid, int policy, uaddr_t info_u)
{
	struct process *p = cur_thread()->proc;
	if (pid != 0 && pid != p->pid) {
		p = process_lookup(pid);
		if (!p || p->state != PROC_ALIVE)
			return -ESRCH;
	}
	policy = sched_policy_from_user(policy);
	if (policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_OTHER)
		return -EINVAL;
	struct _sched_info info;
	memset(&info, 0, sizeof(info));
	info.priority_min = 1;
	info.priority_max = process_is_privileged(p) ? _NTO_PRIO_MAX : _NTO_PRIO_UNPRIV_MAX;
	info.priority_priv = _NTO_PRIO_UNPRIV_MAX;
	info.interval = policy == SCHED_FIFO ? 0 : RR_SLICE_NS;
	if (copy_to_user(info_u, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}
