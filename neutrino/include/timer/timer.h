/*
 * Process timers (TimerCreate/TimerSettime/TimerInfo/TimerDestroy), kernel
 * timeouts (TimerTimeout), clock helpers shared by them, and the exited-
 * thread records of ThreadJoin. Owned by neutrino/timer/ and
 * kcall/ker_thread_join.c; the rest of the kernel reaches them only through
 * the kernel calls and the hooks of kernel/hooks.h.
 */
#pragma once
#include <kernel/types.h>
#include <sys/neutrino.h>

struct process;
struct thread;

#define TIMER_MAX_PER_PROC 256
/* Periods shorter than this are raised to it, so that no process can keep
 * the CPU in the timer interrupt. */
#define TIMER_MIN_INTERVAL_NS 100000ull

/* Whether id is a clock the timer calls accept (REALTIME or MONOTONIC). */
static inline bool timer_clock_valid(clockid_t id)
{
	return id == _NTO_CLOCK_REALTIME || id == _NTO_CLOCK_MONOTONIC;
}
/* The TSC deadline ns nanoseconds from now (saturating, never early). */
uint64_t clock_rel_to_tsc(uint64_t ns);
/* The TSC deadline of absolute time abs_ns on clock id. A CLOCK_REALTIME
 * time is converted with the current realtime offset: setting the clock
 * later does not move the deadline. A time already past gives "now". */
uint64_t clock_abs_to_tsc(clockid_t id, uint64_t abs_ns);
/* Nanoseconds from now to deadline_tsc, 0 if it has passed. */
uint64_t clock_tsc_left_ns(uint64_t deadline_tsc);

/* Timers of the calling process for posix/ (Linux timer_* and setitimer;
 * see timer/ptimer.c). ptimer_create_linux: ev NULL = SIGALRM with the id
 * as value; SIGEV_NONE, SIGEV_SIGNAL, or SIGEV_SIGNAL_THREAD to target (a
 * thread of the caller's process). Returns the id or -errno. The others
 * return 0 (ptimer_overrun: the overrun) or -EINVAL for an unknown id. */
long ptimer_create_linux(clockid_t clock, const struct _sigevent_nto *ev, struct thread *target);
int ptimer_settime_k(int id, int flags, const struct _itimer *it, struct _itimer *old);
int ptimer_gettime_k(int id, struct _itimer *cur);
int ptimer_overrun(int id);
/* ITIMER_REAL (SIGALRM, si_code SI_KERNEL): it NULL only reads; *old gets
 * the time left and period. 0 or -ENOMEM. */
int ptimer_itimer_real(const struct _itimer *it, struct _itimer *old);

/* A thread is ending: timers stop directing events at it (timer/ptimer.c). */
void timer_thread_exit(struct thread *t);
/* A process is ending: frees its records of exited, unjoined threads
 * (kcall/ker_thread_join.c; called from timer_process_exit). */
void join_process_exit(struct process *p);
