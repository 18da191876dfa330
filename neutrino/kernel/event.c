/*
 * Event delivery (see kernel/event.h). Pulses go through the target
 * process's connection; signals through signal/ (signal_post); SIGEV_INTR
 * through intr/ (intr_event_wake); SIGEV_UNBLOCK unblocks the thread.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/process.h>
#include <sched/sched.h>

void intr_event_wake(struct thread *t) __attribute__((weak));
struct sig_proc *signal_proc_get(struct process *p) __attribute__((weak));

static int notify_type(const struct _sigevent_nto *ev) { return ev->notify & 0xff; }

int event_validate(const struct _sigevent_nto *ev, struct process *owner)
{
	switch (notify_type(ev)) {
	case SIGEV_NONE_NTO:
	case SIGEV_UNBLOCK:
	case SIGEV_INTR:
		return 0;
	case SIGEV_SIGNAL_NTO:
	case SIGEV_SIGNAL_CODE:
	case SIGEV_SIGNAL_THREAD:
		if (ev->signo < 1 || ev->signo > 64)
			return -EINVAL;
		/* prepare the signal state now: interrupt handlers can't allocate it */
		if (signal_proc_get && !signal_proc_get(owner))
			return -ENOMEM;
		return 0;
	case SIGEV_PULSE:
		if (ev->priority != SIGEV_PULSE_PRIO_INHERIT &&
		    (ev->priority < 1 || ev->priority > 255))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

int event_deliver(const struct _sigevent_nto *ev, struct process *p, struct thread *t)
{
	switch (notify_type(ev)) {
	case SIGEV_NONE_NTO:
		return 0;
	case SIGEV_SIGNAL_NTO:
		return signal_post ? signal_post(p, NULL, ev->signo, 0, ev->value) : -ENOSYS;
	case SIGEV_SIGNAL_CODE:
		return signal_post ? signal_post(p, NULL, ev->signo, ev->code, ev->value) : -ENOSYS;
	case SIGEV_SIGNAL_THREAD:
		if (!t)
			return -ESRCH;
		return signal_post ? signal_post(p, t, ev->signo, ev->code, ev->value) : -ENOSYS;
	case SIGEV_PULSE:
		return pulse_send_coid(p, ev->signo, ev->priority, ev->code, ev->value);
	case SIGEV_UNBLOCK:
		if (t) {
			irqflags_t f = irq_save();
			thread_unblock(t, -ETIMEDOUT, false);
			irq_restore(f);
		}
		return 0;
	case SIGEV_INTR:
		if (!t)
			return -ESRCH;
		if (!intr_event_wake)
			return -ENOSYS;
		intr_event_wake(t);
		return 0;
	default:
		return -EINVAL;
	}
}
