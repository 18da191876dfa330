/*
 * Resource usage: times, getrusage, and the rusage wait4/waitid report.
 * CPU time comes from the scheduler's accounting (thread->cpu_tsc, summed
 * per process at thread exit, and into the parent when a child is reaped:
 * kernel/process_wait.c). The kernel does not split user from system time:
 * all of it is reported as user time (tms_utime, ru_utime) and system time
 * is 0. The other rusage fields (maxrss, faults, context switches) are not
 * counted and read 0.
 */
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/clock.h>
#include <sched/thread.h>

#include "proc_sys.h"

#define CLK_TCK 100 /* AT_CLKTCK */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

struct linux_rusage {
	struct linux_timeval utime, stime;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd,
		msgrcv, nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage layout");

struct linux_tms {
	int64_t utime, stime, cutime, cstime;
};

static uint64_t children_ns(void) { return tsc_to_ns(cur_thread()->proc->child_cpu_tsc); }

int put_rusage(uaddr_t u, uint64_t cpu_ns)
{
	if (!u)
		return 0;
	struct linux_rusage ru;
	memset(&ru, 0, sizeof(ru));
	ru.utime.tv_sec = (int64_t)(cpu_ns / 1000000000u);
	ru.utime.tv_usec = (int64_t)(cpu_ns % 1000000000u / 1000u);
	return copy_to_user(u, &ru, sizeof(ru)) ? -EFAULT : 0;
}

long sys_getrusage(const uint64_t *a, struct trapframe *tf)
{
	switch ((int)a[0]) {
	case RUSAGE_SELF: return put_rusage(a[1], posix_cpu_time_ns(false)) ? -EFAULT : 0;
	case RUSAGE_THREAD: return put_rusage(a[1], posix_cpu_time_ns(true)) ? -EFAULT : 0;
	case RUSAGE_CHILDREN: return put_rusage(a[1], children_ns()) ? -EFAULT : 0;
	default: return -EINVAL;
	}
}

/* Returns the elapsed ticks since boot (Linux: since an arbitrary point). */
long sys_times(const uint64_t *a, struct trapframe *tf)
{
	const uint64_t ns_per_tick = 1000000000u / CLK_TCK;
	if (a[0]) {
		struct linux_tms t = {
			.utime = (int64_t)(posix_cpu_time_ns(false) / ns_per_tick),
			.cutime = (int64_t)(children_ns() / ns_per_tick),
		};
		if (copy_to_user(a[0], &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)(clock_monotonic_ns() / ns_per_tick);
}
