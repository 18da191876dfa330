/*
 * TimerTimeout (a one-shot timeout for the caller's next blocking kernel
 * call), ClockGetres, and the clock-to-TSC conversions the timer calls share.
 *
 * TimerTimeout only records the request in the calling thread
 * (timeout_states/timeout_tsc/timeout_notify); sched_block_timeout() applies
 * it when the thread blocks in one of those states, and the syscall exit
 * path clears it after the next kernel call other than TimerTimeout.
 *   - ntime NULL: an immediate timeout (the call fails with ETIMEDOUT
 *     instead of blocking); otherwise a relative time in ns, or with
 *     TIMER_ABSTIME an absolute time on the given clock (REALTIME converted
 *     now, see clock_abs_to_tsc).
 *   - notify NULL or SIGEV_UNBLOCK: the blocked call returns ETIMEDOUT.
 *     SIGEV_NONE: no timeout (the states are consumed without effect).
 *     Other event kinds (a signal or pulse at timeout time while the thread
 *     stays blocked) are not supported: EINVAL.
 *   - otime: the time left of the setting being replaced, in ns (0 if none,
 *     immediate, or already due).
 *   - flags 0 clears the setting.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <mm/uaccess.h>
#include <sched/clock.h>
#include <sched/thread.h>
#include <timer/timer.h>

/* The blocking states TimerTimeout may name: SEND (4) .. WAITCHILD (21). */
#define TIMEOUT_STATES_MASK (((1u << (STATE_WAITCHILD + 1)) - 1) & ~((1u << STATE_SEND) - 1))

static uint64_t tsc_add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

uint64_t clock_rel_to_tsc(uint64_t ns)
{
	return tsc_add_sat(rdtsc(), ns_to_tsc(ns));
}

uint64_t clock_abs_to_tsc(clockid_t id, uint64_t abs_ns)
{
	uint64_t now_ns = id == _NTO_CLOCK_REALTIME ? clock_realtime_ns() : clock_monotonic_ns();
	uint64_t now = rdtsc();
	if (abs_ns <= now_ns)
		return now;
	return tsc_add_sat(now, ns_to_tsc(abs_ns - now_ns));
}

uint64_t clock_tsc_left_ns(uint64_t deadline_tsc)
{
	uint64_t now = rdtsc();
	return deadline_tsc > now ? tsc_to_ns(deadline_tsc - now) : 0;
}

long ker_timer_timeout(clockid_t id, int flags, uaddr_t notify_u, uaddr_t ntime_u,
		       uaddr_t otime_u)
{
	if (!timer_clock_valid(id))
		return -EINVAL;
	if ((unsigned)flags & ~(TIMER_ABSTIME | TIMEOUT_STATES_MASK))
		return -EINVAL;
	int32_t notify = SIGEV_UNBLOCK;
	if (notify_u) {
		struct _sigevent_nto ev;
		if (copy_from_user(&ev, notify_u, sizeof(ev)))
			return -EFAULT;
		notify = ev.notify & 0xff;
		if (notify != SIGEV_UNBLOCK && notify != SIGEV_NONE_NTO)
			return -EINVAL;
	}
	uint64_t ns = 0;
	if (ntime_u && copy_from_user(&ns, ntime_u, sizeof(ns)))
		return -EFAULT;

	struct thread *self = cur_thread();
	if (otime_u) {
		uint64_t left = 0;
		if (self->timeout_states && self->timeout_tsc)
			left = clock_tsc_left_ns(self->timeout_tsc);
		if (copy_to_user(otime_u, &left, sizeof(left)))
			return -EFAULT;
	}
	uint64_t deadline = 0; /* immediate */
	if (ntime_u)
		deadline = (flags & TIMER_ABSTIME) ? clock_abs_to_tsc(id, ns) : clock_rel_to_tsc(ns);
	self->timeout_tsc = deadline;
	self->timeout_notify = notify;
	self->timeout_states = (unsigned)flags & TIMEOUT_STATES_MASK;
	return 0;
}

long ker_clock_getres(clockid_t id, uaddr_t res_u)
{
	if (!timer_clock_valid(id))
		return -EINVAL;
	/* the clocks count TSC ticks: one tick, rounded up to whole ns */
	uint64_t res = 1;
	if (tsc_hz && tsc_hz < 1000000000ull)
		res = (1000000000ull + tsc_hz - 1) / tsc_hz;
	if (res_u && copy_to_user(res_u, &res, sizeof(res)))
		return -EFAULT;
	return 0;
}
