/*
 * Event delivery (struct sigevent): the one path by which timers,
 * interrupts and servers (MsgDeliverEvent) notify a process or thread.
 * SIGEV_NONE does nothing; SIGEV_SIGNAL* post a signal; SIGEV_PULSE sends
 * a pulse on a connection of the target process; SIGEV_UNBLOCK unblocks the
 * thread with ETIMEDOUT; SIGEV_INTR wakes (or latches) the thread's
 * InterruptWait. May be called from interrupt handlers (interrupts off).
 */
#pragma once
#include <kernel/types.h>
#include <sys/neutrino.h>

struct process;
struct thread;

/* Checks an event a process hands the kernel (copied in already). */
__must_check int event_validate(const struct _sigevent_nto *ev, struct process *owner);
/* Delivers ev to process p; thread t for thread-directed kinds (may be NULL
 * for SIGNAL and PULSE). Returns 0 or -errno (-EBADF bad coid, -ESRCH). */
int event_deliver(const struct _sigevent_nto *ev, struct process *p, struct thread *t);

/* Provided by signal/: queue signo for process p (t == NULL) or thread t. */
int signal_post(struct process *p, struct thread *t, int signo, int code, uint64_t value)
	__attribute__((weak));
/* Provided by ipc/: a pulse on connection coid of process p. */
int pulse_send_coid(struct process *p, int coid, int prio, int code, uint64_t value);
