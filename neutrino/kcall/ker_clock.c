/* ClockTime: read (and, for privileged callers, set) CLOCK_REALTIME or read
 * CLOCK_MONOTONIC, in nanoseconds. */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/clock.h>
#include <sched/thread.h>

long ker_clock_time(clockid_t id, uaddr_t new_ns, uaddr_t old_ns)
{
	if (id != _NTO_CLOCK_REALTIME && id != _NTO_CLOCK_MONOTONIC)
		return -EINVAL;
	uint64_t now = id == _NTO_CLOCK_MONOTONIC ? clock_monotonic_ns() : clock_realtime_ns();
	uint64_t set = 0;
	if (new_ns) {
		if (id == _NTO_CLOCK_MONOTONIC)
			return -EINVAL;
		if (!process_is_privileged(cur_thread()->proc))
			return -EPERM;
		if (copy_from_user(&set, new_ns, sizeof(set)))
			return -EFAULT;
	}
	if (old_ns && copy_to_user(old_ns, &now, sizeof(now)))
		return -EFAULT;
	if (new_ns)
		clock_set_realtime_ns(set);
	return 0;
}
