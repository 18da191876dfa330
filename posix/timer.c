/*
 * POSIX per-process timers and interval timers: timer_create, timer_settime,
 * timer_gettime, timer_getoverrun, timer_delete, setitimer, getitimer and
 * alarm, on the kernel's process timers (timer/ptimer.c). Only posix/ knows
 * the Linux layouts: musl's struct sigevent is the kernel's _sigevent_nto,
 * itimerspec is two timespecs, itimerval two timevals.
 *
 * Supported: CLOCK_REALTIME, CLOCK_MONOTONIC (and BOOTTIME as MONOTONIC);
 * SIGEV_NONE, SIGEV_SIGNAL and SIGEV_THREAD_ID (musl's SIGEV_THREAD). Of
 * the interval timers only ITIMER_REAL (EINVAL for the others).
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <timer/timer.h>

#include "linux.h"

#define L_CLOCK_REALTIME 0
#define L_CLOCK_MONOTONIC 1
#define L_CLOCK_BOOTTIME 7
#define L_SIGEV_SIGNAL 0
#define L_SIGEV_NONE 1
#define L_SIGEV_THREAD_ID 4
#define L_ITIMER_REAL 0
#define NSEC 1000000000ull

struct linux_itimerspec {
	struct linux_timespec interval, value;
};

struct linux_itimerval {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

static int ts_to_ns(const struct linux_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || (uint64_t)ts->tv_nsec >= NSEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > UINT64_MAX / NSEC / 2)
		*ns = UINT64_MAX / 2; /* "forever" */
	else
		*ns = (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static struct linux_timespec ns_to_ts(uint64_t ns)
{
	return (struct linux_timespec){ (int64_t)(ns / NSEC), (int64_t)(ns % NSEC) };
}

static int put_itimerspec(uaddr_t u, const struct _itimer *it)
{
	struct linux_itimerspec v = { ns_to_ts(it->interval_nsec), ns_to_ts(it->nsec) };
	return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_timer_create(const uint64_t *a, struct trapframe *tf)
{
	uint64_t clock = a[0];
	if (clock == L_CLOCK_BOOTTIME)
		clock = L_CLOCK_MONOTONIC;
	if (clock != L_CLOCK_REALTIME && clock != L_CLOCK_MONOTONIC)
		return -EINVAL;
	struct _sigevent_nto ev;
	struct thread *target = NULL;
	if (a[1]) {
		if (copy_from_user(&ev, a[1], sizeof(ev)))
			return -EFAULT;
		switch (ev.notify) {
		case L_SIGEV_SIGNAL:
		case L_SIGEV_NONE:
			break;
		case L_SIGEV_THREAD_ID:
			target = thread_by_ltid(ev.thread_id);
			if (!target || target->proc != cur_thread()->proc ||
			    target->state == STATE_DEAD)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	int32_t id_probe = 0; /* check the result pointer before making the timer */
	if (copy_to_user(a[2], &id_probe, sizeof(id_probe)))
		return -EFAULT;
	long id = ptimer_create_linux((clockid_t)clock, a[1] ? &ev : NULL, target);
	if (id < 0)
		return id;
	int32_t id32 = (int32_t)id;
	if (copy_to_user(a[2], &id32, sizeof(id32))) {
		ker_timer_destroy((int)id);
		return -EFAULT;
	}
	return 0;
}

long sys_timer_settime(const uint64_t *a, struct trapframe *tf)
{
	struct linux_itimerspec v;
	if (copy_from_user(&v, a[2], sizeof(v)))
		return -EFAULT;
	struct _itimer it, old;
	int e;
	if ((e = ts_to_ns(&v.value, &it.nsec)) || (e = ts_to_ns(&v.interval, &it.interval_nsec)))
		return e;
	if (!it.nsec)
		it.interval_nsec = 0;
	if (a[3]) { /* check the old-value pointer before changing anything */
		if ((e = ptimer_gettime_k((int)a[0], &old)) || (e = put_itimerspec(a[3], &old)))
			return e;
	}
	if ((e = ptimer_settime_k((int)a[0], (int)a[1], &it, &old)))
		return e;
	return a[3] ? put_itimerspec(a[3], &old) : 0;
}

long sys_timer_gettime(const uint64_t *a, struct trapframe *tf)
{
	struct _itimer cur;
	int e = ptimer_gettime_k((int)a[0], &cur);
	return e ? e : put_itimerspec(a[1], &cur);
}

long sys_timer_getoverrun(const uint64_t *a, struct trapframe *tf)
{
	return ptimer_overrun((int)a[0]);
}

long sys_timer_delete(const uint64_t *a, struct trapframe *tf)
{
	return ker_timer_destroy((int)a[0]);
}

static int put_itimerval(uaddr_t u, const struct _itimer *it)
{
	/* a time left below one microsecond still shows as armed */
	uint64_t v = it->nsec, iv = it->interval_nsec;
	uint64_t vus = (v + 999) / 1000, ius = (iv + 999) / 1000;
	struct linux_itimerval r = {
		(int64_t)(ius / 1000000), (int64_t)(ius % 1000000),
		(int64_t)(vus / 1000000), (int64_t)(vus % 1000000),
	};
	return copy_to_user(u, &r, sizeof(r)) ? -EFAULT : 0;
}

/* Only ITIMER_REAL: ITIMER_VIRTUAL and ITIMER_PROF are not supported. */
static int which_check(uint64_t which)
{
	return which == L_ITIMER_REAL ? 0 : -EINVAL;
}

long sys_setitimer(const uint64_t *a, struct trapframe *tf)
{
	int e = which_check(a[0]);
	if (e)
		return e;
	struct linux_itimerval v = { 0, 0, 0, 0 };
	if (a[1] && copy_from_user(&v, a[1], sizeof(v)))
		return -EFAULT;
	if (v.interval_sec < 0 || v.value_sec < 0 || v.interval_usec < 0 || v.value_usec < 0 ||
	    v.interval_usec >= 1000000 || v.value_usec >= 1000000)
		return -EINVAL;
	struct linux_timespec vt = { v.value_sec, v.value_usec * 1000 };
	struct linux_timespec it = { v.interval_sec, v.interval_usec * 1000 };
	struct _itimer n, old;
	ts_to_ns(&vt, &n.nsec);
	ts_to_ns(&it, &n.interval_nsec);
	if (!n.nsec)
		n.interval_nsec = 0;
	if (a[2]) {
		if ((e = ptimer_itimer_real(NULL, &old)) || (e = put_itimerval(a[2], &old)))
			return e;
	}
	if ((e = ptimer_itimer_real(&n, &old)))
		return e;
	return a[2] ? put_itimerval(a[2], &old) : 0;
}

long sys_getitimer(const uint64_t *a, struct trapframe *tf)
{
	int e = which_check(a[0]);
	if (e)
		return e;
	struct _itimer cur;
	if ((e = ptimer_itimer_real(NULL, &cur)))
		return e;
	return put_itimerval(a[1], &cur);
}

long sys_alarm(const uint64_t *a, struct trapframe *tf)
{
	struct _itimer n = { (uint64_t)(uint32_t)a[0] * NSEC, 0 }, old;
	if (ptimer_itimer_real(&n, &old))
		return 0;
	uint64_t secs = old.nsec / NSEC + (old.nsec % NSEC >= NSEC / 2);
	return (long)(secs || !old.nsec ? secs : 1); /* an armed alarm never reads 0 */
}
