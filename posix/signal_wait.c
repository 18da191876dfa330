/*
 * Waiting for signals: pause and rt_sigsuspend (STATE_SIGSUSPEND), rt_sigtimedwait
 * (STATE_SIGWAITINFO; a zero timeout polls, none waits forever; EAGAIN when
 * it expires). Neither is restarted after a handler (see signal/deliver.c).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

#include "linux.h"

#define NSEC 1000000000ull

long sys_rt_sigsuspend(const uint64_t *a, struct trapframe *tf)
{
	uint64_t set;
	if (a[1] != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&set, a[0], sizeof(set)))
		return -EFAULT;
	return signal_suspend(set);
}

long sys_pause(const uint64_t *a, struct trapframe *tf)
{
	return signal_suspend(cur_thread()->sig_blocked);
}

long sys_rt_sigtimedwait(const uint64_t *a, struct trapframe *tf)
{
	uint64_t set, deadline = 0;
	bool poll = false;
	struct linux_timespec ts;
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&set, a[0], sizeof(set)))
		return -EFAULT;
	if (a[1] && !uaccess_range_ok(a[1], sizeof(struct linux_siginfo)))
		return -EFAULT;
	if (a[2]) {
		if (copy_from_user(&ts, a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC)
			return -EINVAL;
		if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
			poll = true;
		} else if ((uint64_t)ts.tv_sec < UINT64_MAX / NSEC / 2) {
			deadline = rdtsc() + ns_to_tsc((uint64_t)ts.tv_sec * NSEC +
						      (uint64_t)ts.tv_nsec) + 1;
		}
	}
	struct sigq q;
	long r = signal_wait(set, deadline, poll, &q);
	if (r > 0 && a[1]) {
		struct linux_siginfo si;
		signal_info_fill(&si, &q);
		if (copy_to_user(a[1], &si, sizeof(si)))
			return -EFAULT;
	}
	return r == -ETIMEDOUT ? -EAGAIN : r;
}
