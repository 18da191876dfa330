/*
 * Clocks and sleeps: clock_gettime, clock_getres, gettimeofday, nanosleep,
 * clock_nanosleep, and sched_yield. Sleeps use the tickless timer: a thread
 * wakes at its deadline with the hardware timer's resolution.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/clock.h>
#include <sched/sched.h>
#include <sched/sleep.h>

#include "linux.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC 1000000000ll

uint64_t posix_cpu_time_ns(bool thread)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	irqflags_t f = irq_save();
	uint64_t tsc = self->cpu_tsc + (rdtsc() - this_cpu()->run_since);
	if (!thread) {
		tsc += p->cpu_tsc;
		list_for_each(pos, &p->threads) {
			struct thread *t = list_entry(pos, struct thread, proc_link);
			if (t != self)
				tsc += t->cpu_tsc;
		}
	}
	irq_restore(f);
	return tsc_to_ns(tsc);
}

/* Nanoseconds on a supported clock, or -EINVAL. The CPU-time clocks are
 * read here but cannot be slept on (clock_nanosleep gives -EINVAL). */
static int clock_read(uint64_t id, uint64_t *ns, bool *realtime)
{
	switch (id) {
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = posix_cpu_time_ns(id == CLOCK_THREAD_CPUTIME_ID);
		*realtime = false;
		return 0;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = clock_realtime_ns();
		*realtime = true;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_monotonic_ns();
		*realtime = false;
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_timespec(uaddr_t u, uint64_t ns)
{
	struct linux_timespec ts = { (int64_t)(ns / NSEC), (int64_t)(ns % NSEC) };
	return copy_to_user(u, &ts, sizeof(ts));
}

static int get_timespec(uaddr_t u, uint64_t *ns)
{
	struct linux_timespec ts;
	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec > UINT64_MAX / NSEC / 2)
		ts.tv_sec = (int64_t)(UINT64_MAX / NSEC / 2); /* "forever" */
	*ns = (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	return 0;
}

long sys_clock_gettime(const uint64_t *a, struct trapframe *tf)
{
	uint64_t ns;
	bool rt;
	int e = clock_read(a[0], &ns, &rt);
	if (e)
		return e;
	return put_timespec(a[1], ns) ? -EFAULT : 0;
}

long sys_clock_getres(const uint64_t *a, struct trapframe *tf)
{
	uint64_t ns;
	bool rt;
	int e = clock_read(a[0], &ns, &rt);
	if (e)
		return e;
	return a[1] && put_timespec(a[1], 1) ? -EFAULT : 0;
}

long sys_gettimeofday(const uint64_t *a, struct trapframe *tf)
{
	uint64_t ns = clock_realtime_ns();
	int64_t tv[2] = { (int64_t)(ns / NSEC), (int64_t)(ns % NSEC / 1000) };
	if (a[0] && copy_to_user(a[0], tv, sizeof(tv)))
		return -EFAULT;
	return 0;
}

/* Sleeps until the monotonic deadline; on interruption stores the rest in rem. */
static long sleep_until(uint64_t deadline_ns, uaddr_t rem)
{
	uint64_t now = clock_monotonic_ns();
	if (deadline_ns <= now)
		return 0;
	long r = thread_sleep_ns(deadline_ns - now);
	if (r == -EINTR && rem) {
		now = clock_monotonic_ns();
		if (put_timespec(rem, deadline_ns > now ? deadline_ns - now : 0))
			return -EFAULT;
	}
	return r;
}

long sys_nanosleep(const uint64_t *a, struct trapframe *tf)
{
	uint64_t ns;
	int e = get_timespec(a[0], &ns);
	if (e)
		return e;
	return sleep_until(clock_monotonic_ns() + ns, a[1]);
}

long sys_clock_nanosleep(const uint64_t *a, struct trapframe *tf)
{
	uint64_t now, ns;
	bool rt;
	int e = clock_read(a[0], &now, &rt);
	if (e)
		return e;
	if (a[0] == CLOCK_PROCESS_CPUTIME_ID || a[0] == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL; /* sleeping until an amount of CPU time is not supported */
	if ((e = get_timespec(a[2], &ns)))
		return e;
	if (a[1] & TIMER_ABSTIME) {
		/* realtime deadlines are converted once; clock steps while asleep are not followed */
		uint64_t mono = clock_monotonic_ns();
		return sleep_until(ns > now ? mono + (ns - now) : mono, 0);
	}
	return sleep_until(clock_monotonic_ns() + ns, a[3]);
}

long sys_sched_yield(const uint64_t *a, struct trapframe *tf)
{
	irqflags_t f = irq_save();
	sched_yield();
	irq_restore(f);
	return 0;
}
