/*
 * Timers (TimerCreate, TimerSettime, TimerInfo, TimerDestroy) and kernel
 * timeouts on blocking states (TimerTimeout). Times are nanoseconds.
 * Part of sys/neutrino.h.
 */
#pragma once

struct _itimer {
	uint64_t nsec;          /* first expiry (relative, or absolute with TIMER_ABSTIME) */
	uint64_t interval_nsec; /* period; 0 = one-shot */
};

/* TimerInfo() result. Overrun rule: an expiry whose event could not be
 * delivered (the delivery failed, e.g. no room for the pulse or signal), and
 * every whole period a late timer interrupt skipped, counts one overrun. */
struct _timer_info {
	struct _itimer itime;   /* time left to the next expiry (0 if disarmed), and the period */
	struct _itimer otime;   /* the values given to the last TimerSettime() */
	uint32_t flags;         /* _NTO_TI_* */
	int32_t tid;            /* the creating thread, 0 once it has exited */
	int32_t notify;         /* the event's sigev_notify */
	int32_t clockid;
	uint32_t overruns;      /* since the last TimerSettime() or _NTO_TIMER_RESET_OVERRUNS */
	uint32_t expirations;   /* expiries since the last TimerSettime() (overruns included) */
	uint8_t event[64];      /* the struct sigevent given at creation */
};

#define _NTO_TI_ACTIVE 0x1      /* armed */
#define _NTO_TI_ABSOLUTE 0x2    /* armed with TIMER_ABSTIME */
#define _NTO_TI_EXPIRED 0x4     /* expired at least once since armed */

/* TimerInfo() flags */
#define _NTO_TIMER_SEARCH 0x1         /* no timer id: report the next higher id */
#define _NTO_TIMER_RESET_OVERRUNS 0x2 /* clear the overrun count after reporting it */

/* TimerTimeout() flags: 1 << the blocking state */
#define _NTO_TIMEOUT_SEND (1u << 4)
#define _NTO_TIMEOUT_RECEIVE (1u << 5)
#define _NTO_TIMEOUT_REPLY (1u << 6)
#define _NTO_TIMEOUT_SIGSUSPEND (1u << 10)
#define _NTO_TIMEOUT_SIGWAITINFO (1u << 11)
#define _NTO_TIMEOUT_NANOSLEEP (1u << 12)
#define _NTO_TIMEOUT_MUTEX (1u << 13)
#define _NTO_TIMEOUT_CONDVAR (1u << 14)
#define _NTO_TIMEOUT_JOIN (1u << 15)
#define _NTO_TIMEOUT_INTR (1u << 16)
#define _NTO_TIMEOUT_SEM (1u << 17)
#ifndef TIMER_ABSTIME
#define TIMER_ABSTIME 1
#endif
